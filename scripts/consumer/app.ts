// A consumer's CDK app: the construct from the installed package, with the consumer's own plan.
import { App, Stack } from 'aws-cdk-lib';
import { FailoverOrchestrator } from 'failover-orchestrator';
import { loadPlanFile, type Plan } from 'failover-orchestrator/plan';

const app = new App();
const plan: Plan = loadPlanFile('failover.plan.yaml');
const stack = new Stack(app, 'Failover', { env: { account: '111111111111', region: plan.recoveryRegion } });
const orchestrator = new FailoverOrchestrator(stack, 'Orchestrator', { planFile: 'failover.plan.yaml' });
console.error(`functions: ${Object.keys(orchestrator.workflowFunctions).sort().join(' ')}`);
app.synth();
