import { signDelivery } from '../../events/sign-delivery';

describe('signDelivery with a new head commit', () => {
  test("rewrites GitHub's compare link to the pushed range, not the sample's fixed one", () => {
    const sha = 'c0ffee00112233445566778899aabbccddeeff00';
    const { body } = signDelivery('push-retail-bank-main', { secret: 's', sha, deliveryId: 'd-1' });
    const payload = JSON.parse(body.toString()) as { before: string; compare: string };
    expect(payload.compare).toBe(
      `https://github.com/example-org/retail-bank/compare/${payload.before.slice(0, 12)}...c0ffee001122`,
    );
  });
});

describe('signDelivery with a commit time', () => {
  test('dates the head commit and every commit of the push, to the second as GitHub does', () => {
    const { body } = signDelivery('push-microblog-main', {
      secret: 's',
      committedAt: new Date('2026-11-29T18:30:05.123Z'),
    });
    const payload = JSON.parse(body.toString()) as {
      head_commit: { timestamp: string };
      commits: { timestamp: string }[];
    };
    expect(payload.head_commit.timestamp).toBe('2026-11-29T18:30:05Z');
    expect(payload.commits.map((c) => c.timestamp)).toEqual(
      payload.commits.map(() => '2026-11-29T18:30:05Z'),
    );
  });

  test("keeps the sample's recorded timestamps when no time is given (GitHub's documented example)", () => {
    const { body } = signDelivery('push-microblog-main', { secret: 's' });
    expect(
      (JSON.parse(body.toString()) as { head_commit: { timestamp: string } }).head_commit.timestamp,
    ).toBe('2025-05-02T14:40:12+02:00');
  });
});
