/**
 * The state machine tags the construct sets and `failover approve|decline` reads (the plan and
 * its lock table). In a module of their own, free of the SDK: the construct imports them, and a
 * consumer's synth must not load @aws-sdk/client-dynamodb, which the package does not depend on.
 */
export const PLAN_TAG = 'failover:plan';
export const LOCK_TABLE_TAG = 'failover:lock-table';
