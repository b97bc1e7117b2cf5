// The baseline: the same kind of app with one state machine and no failover construct.
import { App, Stack } from 'aws-cdk-lib';
import { DefinitionBody, Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';

const app = new App();
const stack = new Stack(app, 'Baseline', { env: { account: '111111111111', region: 'us-west-2' } });
new StateMachine(stack, 'StateMachine', {
  definitionBody: DefinitionBody.fromChainable(new Pass(stack, 'Start')),
});
app.synth();
