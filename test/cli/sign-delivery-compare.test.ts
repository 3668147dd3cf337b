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
