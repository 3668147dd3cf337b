/**
 * InvalidArn, as Step Functions answers an ARN of the wrong form before looking anything up.
 * Messages as AWS answers them (quoted from real responses in public code):
 * - not an ARN at all: "Invalid Arn: 'Invalid ARN prefix: abc'" (DescribeStateMachine and
 *   ListExecutions with "abc", recorded in the botodto project's README);
 * - an ARN of another Step Functions resource: "Invalid Arn: 'Resource type not valid in this
 *   context: execution'" (StartExecution given an execution ARN, recorded in an AWS Solutions
 *   test of lambda_custom_resource).
 * The resource types are those of the Service Authorization Reference, AWS Step Functions:
 * `stateMachine:<name>`, `execution:<stateMachine>:<name>`.
 */
import { ServiceError } from '../aws/service-error';

const ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:([A-Za-z]+):/;

function check(value: unknown, resourceType: string): void {
  if (typeof value !== 'string') return; // a missing member is the required-parameters check's
  const match = ARN.exec(value);
  if (!match) throw new ServiceError('InvalidArn', `Invalid Arn: 'Invalid ARN prefix: ${value}'`);
  if (match[1] !== resourceType)
    throw new ServiceError(
      'InvalidArn',
      `Invalid Arn: 'Resource type not valid in this context: ${match[1]}'`,
    );
}

/** Throws InvalidArn unless `value` has the form of a state machine ARN. */
export function checkStateMachineArn(value: unknown): void {
  check(value, 'stateMachine');
}

/** Throws InvalidArn unless `value` has the form of an execution ARN. */
export function checkExecutionArn(value: unknown): void {
  check(value, 'execution');
}
