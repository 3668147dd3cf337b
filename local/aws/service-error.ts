/**
 * An AWS service error as the sandbox answers it. Each protocol writes it in its own shape:
 * JSON `{"__type", "message"}`, awsQuery `<ErrorResponse><Error><Code>`, S3 `<Error><Code>`.
 */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    /** AWS error code, e.g. `ExecutionAlreadyExists`, `InvalidParameterValue`. */
    readonly code: string,
    message: string,
    /** HTTP status: 400 for the caller's mistakes, 404 for S3 NoSuchKey, 5xx for service faults. */
    readonly status = 400,
  ) {
    super(message);
  }

  /** Sender or Receiver, as awsQuery reports it. */
  get fault(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}

/** Throws a ValidationException-style error when `ok` is false. */
export function check(ok: unknown, message: string, code = 'ValidationException'): asserts ok {
  if (!ok) throw new ServiceError(code, message);
}
