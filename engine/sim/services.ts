import { CloudWatchServiceException, InternalServiceFault } from '@aws-sdk/client-cloudwatch';
import {
  ConditionalCheckFailedException,
  DynamoDBServiceException,
  InternalServerError as DynamoDbInternalServerError,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import {
  ExecutionDoesNotExist,
  InvalidArn,
  InvalidOutput,
  InvalidToken,
  SFNServiceException,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import {
  AuthorizationErrorException,
  InternalErrorException,
  InvalidParameterException,
  NotFoundException,
  SNSServiceException,
} from '@aws-sdk/client-sns';
import type { AwsService } from '../../functions/common/aws-clients.js';
import { inputField, type ServedOperations, type SimulatedServiceSpec } from './kind-model.js';

/**
 * The services the workflow itself calls, whatever kinds the plan has: CloudWatch (the trigger
 * alarms; kinds add their metrics), SNS (notices), DynamoDB (the lock and the failover record)
 * and Step Functions (the lock holder's execution). Kinds bring their own services and
 * operations from their sim.ts (engine/sim/kinds.ts merges them).
 */

export const WORKFLOW_SERVICES = [
  'cloudwatch',
  'sns',
  'dynamodb',
  'sfn',
] as const satisfies readonly AwsService[];

export const WORKFLOW_SERVICE_SPECS: Readonly<
  Record<(typeof WORKFLOW_SERVICES)[number], SimulatedServiceSpec>
> = {
  cloudwatch: {
    baseException: CloudWatchServiceException,
    modeledErrors: { InternalServiceFault },
    protocol: 'query',
    serverErrorName: 'InternalServiceFault',
    accessDeniedName: 'AccessDenied',
    iamPrefix: 'cloudwatch',
  },
  sns: {
    baseException: SNSServiceException,
    modeledErrors: {
      NotFoundException,
      AuthorizationErrorException,
      InternalErrorException,
      InvalidParameterException,
    },
    protocol: 'query',
    serverErrorName: 'InternalErrorException',
    accessDeniedName: 'AuthorizationErrorException',
    iamPrefix: 'SNS',
  },
  dynamodb: {
    baseException: DynamoDBServiceException,
    modeledErrors: {
      ConditionalCheckFailedException,
      ResourceNotFoundException,
      InternalServerError: DynamoDbInternalServerError,
    },
    protocol: 'json',
    serverErrorName: 'InternalServerError',
    accessDeniedName: 'AccessDeniedException',
    iamPrefix: 'dynamodb',
  },
  sfn: {
    baseException: SFNServiceException,
    modeledErrors: {
      ExecutionDoesNotExist,
      InvalidArn,
      InvalidOutput,
      InvalidToken,
      TaskDoesNotExist,
      TaskTimedOut,
    },
    protocol: 'json',
    serverErrorName: 'InternalFailure',
    accessDeniedName: 'AccessDeniedException',
    iamPrefix: 'states',
  },
};

const absent = () => ({ absent: true }) as const;
const topicNotFound = () => ({
  error: { name: 'NotFoundException', status: 404, message: 'Topic does not exist' },
});
const tableNotFound = () => ({
  error: { name: 'ResourceNotFoundException', status: 400, message: 'Requested resource not found' },
});
const executionNotFound = (input: Readonly<Record<string, unknown>>) => ({
  error: {
    name: 'ExecutionDoesNotExist',
    status: 400,
    message: `Execution Does Not Exist: '${inputField('executionArn')(input)}'`,
  },
});
const taskNotFound = () => ({
  error: { name: 'TaskDoesNotExist', status: 400, message: 'Task does not exist' },
});
// A write whose condition does not hold (another writer got there first), without the item.
const conditionFailed = () => ({
  error: { name: 'ConditionalCheckFailedException', status: 400, message: 'The conditional request failed' },
});

/**
 * The workflow services' operations. CloudWatch's metric reads are here because CloudWatch
 * serves every kind's metrics (a kind answers for its own, see SimulatedKindModel.metricSamples).
 * The failover lock's and record's writes are not mutating: they change the orchestrator's own
 * state, not the stack it fails over (`service: 'dynamodb'` finds them in the call log).
 */
export const WORKFLOW_OPERATIONS: ServedOperations = {
  cloudwatch: {
    GetMetricData: { notFound: absent },
    GetMetricStatistics: { notFound: absent },
    DescribeAlarms: { notFound: absent },
  },
  sns: { Publish: { notFound: topicNotFound }, GetTopicAttributes: { notFound: topicNotFound } },
  dynamodb: {
    GetItem: { notFound: tableNotFound },
    PutItem: { notFound: tableNotFound, invalidState: conditionFailed },
    UpdateItem: { notFound: tableNotFound, invalidState: conditionFailed },
    DeleteItem: { notFound: tableNotFound, invalidState: conditionFailed },
  },
  sfn: {
    DescribeExecution: { notFound: executionNotFound },
    StopExecution: { notFound: executionNotFound },
    // The answers to a task token (`failover approve|decline`), made by a person, not a step.
    SendTaskSuccess: { notFound: taskNotFound },
    SendTaskFailure: { notFound: taskNotFound },
  },
};
