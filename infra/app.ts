import { App } from 'aws-cdk-lib';
import { buildExampleApp, exampleAppOptions } from './example-app.js';

// The example CDK app (`npm run synth`, `cdk deploy`): see infra/README-deploy.md.
const app = new App();
buildExampleApp(app, exampleAppOptions(app));
app.synth();
