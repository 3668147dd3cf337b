import fc from 'fast-check';
import { safeText, scrubSecrets, trimText } from '../../functions/notifier/scrub';

describe('scrubSecrets', () => {
  test.each([
    [
      'Slack webhook',
      'posting to https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX failed',
      'XXXXXXXXXXXXXXXXXXXXXXXX',
    ],
    [
      'URL credentials',
      'git clone https://deploy:s3cr3t-pass@github.com/example-org/app.git failed',
      's3cr3t-pass',
    ],
    [
      'GitHub token',
      'token ghp_abcdefghijklmnopqrstuvwxyz0123456789 was rejected',
      'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    ],
    [
      'fine-grained GitHub token',
      'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
      'github_pat_11ABCDEFG0123456789',
    ],
    ['Slack bot token', 'xoxb-123456789012-1234567890123-abcdefghijklmnop', 'xoxb-123456789012'],
    ['AWS access key id', 'credentials AKIAIOSFODNN7EXAMPLE are invalid', 'AKIAIOSFODNN7EXAMPLE'],
    ['Bearer header', 'Authorization: Bearer abc.def-ghi_jkl.mnopqrstu', 'abc.def-ghi_jkl.mnopqrstu'],
    [
      'presigned URL',
      'GET https://bucket.s3.amazonaws.com/k?X-Amz-Credential=AKID%2F2026&X-Amz-Signature=0123456789abcdef0123',
      '0123456789abcdef0123',
    ],
    ['password assignment', 'DATABASE_PASSWORD=hunter22hunter22 flask db upgrade', 'hunter22hunter22'],
    ['JSON secret field', '{"client_secret": "c2VjcmV0LXZhbHVl"}', 'c2VjcmV0LXZhbHVl'],
    [
      'JWT',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'dozjgNryP4J3jVmNHl0w5N',
    ],
    [
      'private key',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1\n-----END RSA PRIVATE KEY-----',
      'MIIEpAIBAAKCAQEA1',
    ],
  ])('%s is redacted', (_kind, text, secret) => {
    const out = scrubSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });

  test('commit shas, ARNs and plain URLs stay readable', () => {
    const text =
      'release 3f9c2a7d8e1b4c5a6f7e8d9c0b1a2f3e4d5c6b7a on arn:aws:states:eu-west-1:123456789012:execution:deploy-retail-bank:x; GET https://retail-bank.example.com/health answered 503';
    expect(scrubSecrets(text)).toBe(text);
  });

  test('no generated GitHub token survives, wherever it sits in the text', () => {
    fc.assert(
      fc.property(fc.string(), fc.stringMatching(/^[A-Za-z0-9]{36}$/), fc.string(), (before, body, after) => {
        const token = `ghp_${body}`;
        expect(scrubSecrets(`${before} ${token} ${after}`)).not.toContain(token);
      }),
    );
  });
});

describe('trimText and safeText', () => {
  test('long text is cut with an ellipsis and whitespace collapsed', () => {
    expect(trimText('a   b\t\tc', 100)).toBe('a b c');
    const cut = trimText('x'.repeat(500), 50);
    expect(cut).toHaveLength(50);
    expect(cut.endsWith('…')).toBe(true);
  });

  test('scrubs before trimming, so a cut cannot expose half a secret', () => {
    const text = `${'a'.repeat(30)} https://hooks.slack.com/services/T1/B2/SECRETSECRETSECRET`;
    expect(safeText(text, 60)).not.toContain('SECRET');
    expect(safeText(null, 10)).toBeNull();
  });
});
