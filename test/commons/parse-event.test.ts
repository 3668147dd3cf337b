/** parseEvent: one validator for every function's event, with errors that name each bad field. */
import * as z from 'zod/mini';
import { InvalidEventError, parseEvent } from '../../functions/commons/parse-event';
import { approvalRequestEvent } from '../../functions/commons/types/events/approval-request';
import { deployLockEvent } from '../../functions/commons/types/events/deploy-lock';

const parseLock = parseEvent(deployLockEvent, 'deploy-lock');

describe('parseEvent', () => {
  test('a valid event comes back as the schema outputs it', () => {
    // Prepare
    const event = { action: 'release', pipeline: 'microblog', executionArn: 'arn:x' };

    // Act
    const parsed = parseLock(structuredClone(event));

    // Assess
    expect(parsed).toEqual(event);
  });

  test('every problem is listed with its path, under the function name', () => {
    // Act
    const act = () =>
      parseLock({ action: 'acquire', pipeline: '', commitSha: 'abc', executionArn: 'x', receivedAt: 'soon' });

    // Assess
    expect(act).toThrow(InvalidEventError);
    expect(act).toThrow(
      'deploy-lock event is not valid: pipeline: must be a non-empty string; receivedAt: must be an ISO 8601 timestamp',
    );
  });

  test('a problem with the whole event is named "event"', () => {
    expect(() => parseLock('acquire')).toThrow(/^deploy-lock event is not valid: event: /);
    expect(() => parseLock({ action: 'steal' })).toThrow(
      'deploy-lock event is not valid: action: action must be "acquire" or "release"',
    );
  });

  test('nested paths are joined with dots and array indexes', () => {
    const parse = parseEvent(
      z.object({ a: z.array(z.object({ b: z.string({ error: 'must be text' }) })) }),
      'x',
    );
    expect(() => parse({ a: [{ b: 'ok' }, { b: 1 }] })).toThrow('x event is not valid: a.1.b: must be text');
  });

  test('the error is named InvalidEventError, which the ASL and the tests match', () => {
    try {
      parseLock({});
      throw new Error('expected a throw');
    } catch (error) {
      expect((error as Error).name).toBe('InvalidEventError');
    }
  });

  test('a function may keep an error class, summary and root name of its own', () => {
    // Prepare
    class OddEventError extends Error {
      override readonly name = 'OddEventError';
    }
    const parse = parseEvent(z.object({ id: z.string() }), 'notifier', {
      error: OddEventError,
      summary: 'not an odd event',
      root: '(event)',
    });

    // Act / Assess
    expect(() => parse(null)).toThrow(OddEventError);
    expect(() => parse(null)).toThrow(/^not an odd event: \(event\): Invalid input: expected object/);
  });

  test('the message never echoes a value (a task token stays out of logs and the console)', () => {
    // Prepare
    const secretToken = 'AQCEAAAAKgAAAAMAAAAA-secret-task-token';
    const event = {
      action: 'request',
      taskToken: secretToken,
      pipeline: 'retail-bank',
      executionArn: 'arn:x',
      input: { pipeline: 'retail-bank' },
      links: { approvalId: secretToken, approveUrl: secretToken, rejectUrl: 1, expiresAt: secretToken },
    };

    // Act
    let message = '';
    try {
      parseEvent(approvalRequestEvent, 'approval-request')(event);
    } catch (error) {
      message = (error as Error).message;
    }

    // Assess
    expect(message).toMatch(/^approval-request event is not valid: /);
    expect(message).toContain('links.approvalId: must be a UUID');
    expect(message).not.toContain(secretToken);
  });
});
