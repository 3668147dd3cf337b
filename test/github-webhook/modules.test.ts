/** The small modules on their own: names, ARNs, request normalising, parsing, markers, the signer. */
import fc from 'fast-check';
import { loadSample, signDelivery, signatureFor } from '../../events/sign-delivery';
import { EXECUTION_NAME, executionArn, executionName } from '../../functions/github-webhook/execution-name';
import { trimMessage } from '../../functions/github-webhook/decide';
import { mediaType, parseDelivery } from '../../functions/github-webhook/parse-delivery';
import { normaliseHeaders, readApiGatewayEvent } from '../../functions/github-webhook/read-request';
import { findSkipMarker } from '../../functions/github-webhook/skip-marker';
import { httpApiEvent, SECRET, signedRequest } from './support';

describe('executionName', () => {
  test('is <pipeline>-<sha12>-<delivery hash>', () => {
    expect(
      executionName(
        'retail-bank',
        '7d2e9f1a3b5c7e9d1f3a5b7c9e1d3f5a7b9c1e3d',
        '5c1e7a40-2731-11f0-8b6a-3d2f9e4c1a77',
      ),
    ).toMatch(/^retail-bank-7d2e9f1a3b5c-[0-9a-f]{16}$/);
  });

  test('is legal and deterministic for any input', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.string({ maxLength: 100 }),
        fc.string({ maxLength: 200 }),
        (pipeline, sha, delivery) => {
          const name = executionName(pipeline, sha, delivery);
          expect(name).toMatch(EXECUTION_NAME);
          expect(name.length).toBeLessThanOrEqual(80);
          expect(executionName(pipeline, sha, delivery)).toBe(name);
        },
      ),
    );
  });

  test('is one name per (pipeline, commit) for pushes; a force-push, redeploy or retry gets its own', () => {
    const sha = '7d2e9f1a3b5c7e9d1f3a5b7c9e1d3f5a7b9c1e3d';
    expect(executionName('retail-bank', sha, 'a')).toBe(executionName('retail-bank', sha, 'b'));
    expect(executionName('microblog', sha, 'a')).not.toBe(executionName('retail-bank', sha, 'a'));
    expect(executionName('retail-bank', sha, 'a', 'forced')).not.toBe(executionName('retail-bank', sha, 'a'));
    expect(executionName('retail-bank', sha, 'a', 'forced')).not.toBe(
      executionName('retail-bank', sha, 'b', 'forced'),
    );
    expect(executionName('retail-bank', sha, 'n1', 'redeploy')).not.toBe(
      executionName('retail-bank', sha, 'n1', 'retry'),
    );
  });
});

describe('executionArn', () => {
  test('turns a state machine ARN into the execution ARN', () => {
    expect(executionArn('arn:aws:states:eu-west-1:123456789012:stateMachine:deploy-microblog', 'run-1')).toBe(
      'arn:aws:states:eu-west-1:123456789012:execution:deploy-microblog:run-1',
    );
  });

  test('refuses anything else', () => {
    expect(() => executionArn('arn:aws:lambda:eu-west-1:123456789012:function:x', 'n')).toThrow(
      'not a state machine ARN',
    );
  });
});

describe('request normalising', () => {
  test('header names are lower-cased and repeated headers joined', () => {
    expect(normaliseHeaders({ 'X-GitHub-Event': 'push', Accept: ['a', 'b'], Gone: undefined })).toEqual({
      'x-github-event': 'push',
      accept: 'a, b',
    });
  });

  test('an HTTP API event keeps the raw body bytes', () => {
    const request = signedRequest('push-retail-bank-main');
    expect(readApiGatewayEvent(httpApiEvent(request, { base64: true })).body.equals(request.body)).toBe(true);
    expect(readApiGatewayEvent(httpApiEvent(request)).body.equals(request.body)).toBe(true);
  });

  test('a missing body is empty', () => {
    const event = httpApiEvent(signedRequest('ping'));
    delete event.body;
    expect(readApiGatewayEvent(event).body).toHaveLength(0);
  });
});

describe('parseDelivery', () => {
  test('media type ignores parameters and case', () => {
    expect(mediaType('Application/JSON; charset=utf-8')).toBe('application/json');
    expect(mediaType(undefined)).toBe('');
  });

  test('a form body with two payload fields is refused', () => {
    expect(parseDelivery('application/x-www-form-urlencoded', 'payload=%7B%7D&payload=%7B%7D')).toEqual({
      ok: false,
      message: 'form body must have exactly one payload field',
    });
  });

  test('JSON null is not a payload', () => {
    expect(parseDelivery('application/json', 'null')).toEqual({
      ok: false,
      message: 'body must be a JSON object',
    });
  });
});

describe('findSkipMarker', () => {
  test.each([
    ['Release [skip ci]', '[skip ci]'],
    ['[SKIP CI] at the start', '[skip ci]'],
    ['Fix\n\nbody [ci skip] inside', '[ci skip]'],
    ['Subject\n\nSigned-off-by: A <a@example.com>\nskip-checks:true', 'skip-checks: true'],
    ['Subject\r\n\r\nskip-checks: true\r\n', 'skip-checks: true'],
  ])('%j -> %s', (message, marker) => {
    expect(findSkipMarker(message)).toBe(marker);
  });

  test.each([
    'skip ci',
    '[skip-ci]',
    'Subject\n\nskip-checks: false',
    'Subject\n\nskip-checks: true\n\nMore text after',
    '[skipci]',
  ])('%j has no marker', (message) => {
    expect(findSkipMarker(message)).toBeUndefined();
  });
});

describe('trimMessage', () => {
  test('keeps short messages, trims whitespace, cuts at 1000 without a broken surrogate', () => {
    expect(trimMessage('  hi \n')).toBe('hi');
    expect(trimMessage(`${'a'.repeat(999)}😀tail`)).toBe('a'.repeat(999));
  });
});

describe('sign-delivery', () => {
  test.each([
    'ping',
    'push-retail-bank-main',
    'push-microblog-main',
    'push-feature-branch',
    'push-tag',
    'push-branch-deleted',
    'push-form-encoded',
    'push-skip-ci',
  ])('%s has GitHub headers', (name) => {
    const sample = loadSample(name);
    expect(sample.headers['User-Agent']).toMatch(/^GitHub-Hookshot\//);
    expect(sample.headers['X-GitHub-Event']).toMatch(/^(push|ping)$/);
    expect(sample.headers['X-GitHub-Delivery']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('overrides sha, message and delivery id, and signs the exact body', () => {
    const sha = 'f'.repeat(40);

    const { headers, body } = signDelivery('push-retail-bank-main', {
      secret: SECRET,
      sha,
      message: 'New message',
      deliveryId: 'd-1',
    });

    const payload = JSON.parse(body) as {
      after: string;
      head_commit: { id: string; message: string; url: string };
      commits: { id: string }[];
    };
    expect(payload.after).toBe(sha);
    expect(payload.head_commit).toMatchObject({
      id: sha,
      message: 'New message',
      url: `https://github.com/example-org/retail-bank/commit/${sha}`,
    });
    expect(payload.commits.at(-1)!.id).toBe(sha);
    expect(headers['X-GitHub-Delivery']).toBe('d-1');
    expect(headers['X-Hub-Signature-256']).toBe(signatureFor(SECRET, body));
    expect(headers['X-Hub-Signature']).toMatch(/^sha1=[0-9a-f]{40}$/);
  });

  test('encodes form deliveries as payload=<json>', () => {
    const { headers, body } = signDelivery('push-form-encoded', { secret: SECRET });
    expect(headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(JSON.parse(new URLSearchParams(body).get('payload')!)).toMatchObject({ ref: 'refs/heads/main' });
  });

  test('samples are fresh copies', () => {
    loadSample('ping').body.zen = 'changed';
    expect(loadSample('ping').body.zen).toBe('Keep it logically awesome.');
  });
});
