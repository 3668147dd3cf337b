/**
 * Lambda's 6 MB synchronous payloads in the sandbox's Lambda runtime (local/services/lambda).
 */
import {
  LambdaRuntime,
  REQUEST_LIMIT_BYTES,
  RESPONSE_LIMIT_BYTES,
} from '../../../local/services/lambda/runtime';

const runtime = (handler: (event: unknown) => unknown) => {
  const calls: unknown[] = [];
  const lambda = new LambdaRuntime({
    region: 'eu-west-1',
    account: '123456789012',
    handlers: {
      fn: (event) => {
        calls.push(event);
        return handler(event);
      },
    },
  });
  return { lambda, calls };
};

describe('Lambda payload limits', () => {
  it('refuses a request over 6 MB with RequestTooLargeException (413) without running the function', async () => {
    // Prepare
    const { lambda, calls } = runtime(() => 'ok');
    const event = 'x'.repeat(REQUEST_LIMIT_BYTES - 1); // JSON text: two bytes more than the limit allows

    // Act
    const result = await lambda.invoke('fn', event);

    // Assess
    expect(result).toEqual({
      errorType: 'RequestTooLargeException',
      errorMessage: `${REQUEST_LIMIT_BYTES + 1} byte payload is too large for the RequestResponse invocation type (limit 6291456 bytes)`,
      serviceError: { statusCode: 413 },
    });
    expect(calls).toHaveLength(0);
  });

  it('runs a request of exactly 6 MB', async () => {
    const { lambda, calls } = runtime(() => 'ok');

    const result = await lambda.invoke('fn', 'x'.repeat(REQUEST_LIMIT_BYTES - 2));

    expect(result).toEqual({ payload: 'ok' });
    expect(calls).toHaveLength(1);
  });

  it('answers a response over 6 MB with the function error Function.ResponseSizeTooLarge', async () => {
    const { lambda } = runtime(() => 'y'.repeat(RESPONSE_LIMIT_BYTES));

    const result = await lambda.invoke('fn', {});

    expect(result).toEqual({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
    });
  });

  it('returns a response just under the limit', async () => {
    const { lambda } = runtime(() => 'y'.repeat(RESPONSE_LIMIT_BYTES - 2));

    const result = await lambda.invoke('fn', {});

    expect('payload' in result && (result.payload as string).length).toBe(RESPONSE_LIMIT_BYTES - 2);
  });
});
