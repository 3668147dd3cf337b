import fc from 'fast-check';
import {
  buildApprovalLinks,
  getApprovalLinkKey,
  signClaims,
  verifyLink,
  type LinkClaims,
} from '../../functions/commons/approval-links';
import { clearSecretCache } from '../../functions/commons/secrets';

const KEY = 'test-approval-link-key-0123456789abcdef';
const ID = '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab';
const NOW = Date.parse('2025-03-01T10:00:00Z');
const EXPIRES = NOW / 1000 + 3600;

const fieldsOf = (claims: LinkClaims, key = KEY) => ({
  approvalId: claims.approvalId,
  decision: claims.decision,
  expires: String(claims.expires),
  sig: signClaims(key, claims),
});

describe('approval links', () => {
  test('a link verifies with its own claims until it expires', () => {
    // Prepare
    const fields = fieldsOf({ approvalId: ID, decision: 'approve', expires: EXPIRES });
    // Act + Assess
    expect(verifyLink(KEY, fields, NOW)).toEqual({
      ok: true,
      claims: { approvalId: ID, decision: 'approve', expires: EXPIRES },
    });
    expect(verifyLink(KEY, fields, EXPIRES * 1000 - 1).ok).toBe(true);
    expect(verifyLink(KEY, fields, EXPIRES * 1000)).toEqual({ ok: false, reason: 'expired' });
  });

  test('buildApprovalLinks makes two URLs whose query strings verify', () => {
    // Act
    const links = buildApprovalLinks(
      KEY,
      'https://abc.execute-api.eu-west-1.amazonaws.com/',
      ID,
      new Date(EXPIRES * 1000),
    );
    // Assess
    expect(links.expiresAt).toBe(new Date(EXPIRES * 1000).toISOString());
    for (const [url, decision] of [
      [links.approveUrl, 'approve'],
      [links.rejectUrl, 'reject'],
    ] as const) {
      const parsed = new URL(url);
      expect(parsed.pathname).toBe(`/approvals/${ID}`);
      const check = verifyLink(KEY, { approvalId: ID, ...Object.fromEntries(parsed.searchParams) }, NOW);
      expect(check).toEqual({ ok: true, claims: { approvalId: ID, decision, expires: EXPIRES } });
    }
  });

  test('a link signed with another key is forged, even once expired', () => {
    const fields = fieldsOf(
      { approvalId: ID, decision: 'approve', expires: EXPIRES },
      'another-key-of-enough-length-0123456789',
    );
    expect(verifyLink(KEY, fields, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyLink(KEY, fields, EXPIRES * 1000 + 1)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  test.each([
    [{ approvalId: 'not-a-uuid' }, 'malformed'],
    [{ decision: 'approved' }, 'malformed'],
    [{ expires: '1e10' }, 'malformed'],
    [{ expires: undefined }, 'malformed'],
    [{ sig: 'short' }, 'bad-signature'],
    [{ sig: undefined }, 'bad-signature'],
  ])('%j is rejected as %s', (change, reason) => {
    const fields = { ...fieldsOf({ approvalId: ID, decision: 'approve', expires: EXPIRES }), ...change };
    expect(verifyLink(KEY, fields, NOW)).toEqual({ ok: false, reason });
  });

  test('any change to the id, decision, expiry or signature is rejected (property)', () => {
    const original = fieldsOf({ approvalId: ID, decision: 'approve', expires: EXPIRES });
    const changed = fc.oneof(
      fc.uuid().map((approvalId) => ({ ...original, approvalId })),
      fc.constant({ ...original, decision: 'reject' }),
      fc.integer({ min: 0, max: 99_999_999_999 }).map((n) => ({ ...original, expires: String(n) })),
      fc.string({ minLength: 0, maxLength: 60 }).map((sig) => ({ ...original, sig })),
      // one character of the signature replaced by another base64url character
      fc
        .tuple(
          fc.nat({ max: 42 }),
          fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
        )
        .map(([i, c]) => ({
          ...original,
          sig: original.sig.slice(0, i) + c + original.sig.slice(i + 1),
        })),
      fc
        .string({ minLength: 1, maxLength: 3 })
        .map((suffix) => ({ ...original, sig: original.sig + suffix })),
    );
    fc.assert(
      fc.property(changed, (fields) => {
        fc.pre(JSON.stringify(fields) !== JSON.stringify(original));
        expect(verifyLink(KEY, fields, NOW).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  describe('key', () => {
    afterEach(() => {
      delete process.env.APPROVAL_LINK_KEY;
      clearSecretCache();
    });

    test('a short key is refused', async () => {
      process.env.APPROVAL_LINK_KEY = 'too-short';
      await expect(getApprovalLinkKey()).rejects.toMatchObject({ name: 'ApprovalLinkKeyError' });
    });

    test('a missing key names both variables without any value', async () => {
      await expect(getApprovalLinkKey()).rejects.toThrow(
        'neither APPROVAL_LINK_KEY_SECRET_ARN nor APPROVAL_LINK_KEY is set',
      );
    });
  });
});
