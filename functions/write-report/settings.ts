/**
 * What the construct sets on the report writer, without its code: infra imports this file, so
 * a consumer's synth never loads the writer's AWS SDK clients (the package does not depend on them).
 */
export const REPORT_BUCKET_VARIABLE = 'FAILOVER_REPORT_BUCKET';
