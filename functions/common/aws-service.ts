/**
 * The AWS services the steps call, by the name their client is cached under
 * (functions/common/aws-clients.ts). In a file of its own, free of SDK types, so the kind
 * definitions (and the construct's published declarations) do not depend on the SDK.
 */
export type AwsService =
  | 'rds'
  | 'cloudwatch'
  | 'autoscaling'
  | 'ssm'
  | 'sns'
  | 'dynamodb'
  | 'sfn'
  | 's3'
  | 'elasticache'
  | 'ecs'
  | 'lambda'
  | 'route53-recovery-cluster';
