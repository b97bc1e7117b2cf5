# A consumer's CDK app in Python: the same construct from the wheel, with the consumer's own plan.
from aws_cdk import App, Environment, Stack
from failover_orchestrator import FailoverOrchestrator

app = App()
stack = Stack(app, "Failover", env=Environment(account="111111111111", region="us-west-2"))
FailoverOrchestrator(stack, "Orchestrator", plan_file="failover.plan.yaml")
app.synth()
