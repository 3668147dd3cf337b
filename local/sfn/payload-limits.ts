/**
 * Step Functions' payload limits, as the sandbox's engine applies them.
 *
 * - 256 KiB: "Maximum input or output size for a task, state, or execution: 256 KiB of data as a
 *   UTF-8 encoded string" (Step Functions developer guide, "Step Functions service quotas",
 *   quotas related to task executions); the history shapes carry the same bound
 *   (`SensitiveData`, max 262144, "Length constraints apply to the payload size, and are expressed
 *   as bytes in UTF-8 encoding": botocore stepfunctions service-2.json, StateEnteredEventDetails).
 * - `States.DataLimitExceeded` is "reported due to the following conditions: when the output of a
 *   connector is larger than payload size quota; when the output of a state is larger than payload
 *   size quota; when, after Parameters processing, the input of a state is larger than the payload
 *   size quota" (developer guide, "Error handling in Step Functions", Error names).
 * - Error and cause: the history and API shapes bound them to 256 and 32,768 characters
 *   (`SensitiveError` max 256, `SensitiveCause` max 32768: botocore stepfunctions service-2.json,
 *   used by SendTaskFailure, ExecutionFailedEventDetails, TaskFailedEventDetails, ...).
 *   SendTaskFailure with a longer one is refused by the request constraints (local/limits). For a
 *   longer one that arises inside an execution (a Fail state's Cause, a Lambda function's error)
 *   the AWS documentation states no rule; no event can hold more than its shape, so the sandbox
 *   keeps the first 32,768 (256) characters, cut on code points.
 */
import { cutText } from '../../functions/commons/text';

/** Bytes of UTF-8 JSON a task result, a state's input or output, or an execution's input may hold. */
export const PAYLOAD_LIMIT_BYTES = 262_144;
/** Characters of an error name (`SensitiveError`). */
export const ERROR_MAX_CHARS = 256;
/** Characters of an error cause (`SensitiveCause`). */
export const CAUSE_MAX_CHARS = 32_768;
/** The error of a payload over the limit. */
export const DATA_LIMIT_EXCEEDED = 'States.DataLimitExceeded';

/** UTF-8 bytes of a value's JSON text (what Step Functions measures; a string counts its quotes). */
export function payloadBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
}

/** Whether a value's JSON text is over the 256 KiB limit. */
export function overPayloadLimit(value: unknown): boolean {
  return payloadBytes(value) > PAYLOAD_LIMIT_BYTES;
}

/**
 * The cause Step Functions gives a result over the limit, naming the state or task: the Lambda
 * function's ARN for a Lambda-ARN task, the resource type (`lambda`) for an integration, the
 * state's name for a state's output. Worded as recorded from AWS (localstack/localstack,
 * tests/aws/services/stepfunctions/v2/error_handling/test_states_errors.snapshot.json, an
 * AWS-validated history: "The state/task 'lambda' returned a result with a size exceeding the
 * maximum number of bytes service limit.").
 */
export function resultTooLargeCause(stateOrTask: string): string {
  return `The state/task '${stateOrTask}' returned a result with a size exceeding the maximum number of bytes service limit.`;
}

/** A cause cut to `SensitiveCause`'s 32,768 characters (on code points, never a lone surrogate). */
export function limitCause(cause: string): string {
  return cause.length <= CAUSE_MAX_CHARS ? cause : cutText(cause, CAUSE_MAX_CHARS, { ellipsis: '' });
}

/** An error name cut to `SensitiveError`'s 256 characters. */
export function limitError(error: string): string {
  return error.length <= ERROR_MAX_CHARS ? error : cutText(error, ERROR_MAX_CHARS, { ellipsis: '' });
}

/**
 * A state's input (after Parameters) over the limit: a terminal error, which "can't be caught by
 * the States.ALL error type" (developer guide, "Error handling in Step Functions": States.ALL and
 * States.DataLimitExceeded). The engine neither retries nor catches an error whose `isCatchable` and
 * `isRetryable` are false, so the execution fails with it.
 */
export class TerminalDataLimitError extends Error {
  readonly isCatchable = false;
  readonly isRetryable = false;
  constructor(stateName: string) {
    super(resultTooLargeCause(stateName));
    this.name = DATA_LIMIT_EXCEEDED;
  }
}
