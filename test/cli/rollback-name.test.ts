import { serviceNow } from '../../local/cli/commands/rollback';
import type { CliContext } from '../../local/cli/context';

describe('rollback execution names', () => {
  test("in the sandbox, 'now' is the sandbox's simulated clock, not this machine's", async () => {
    const request = jest.fn().mockResolvedValue({ status: 'ok', now: '2031-05-06T07:08:09.000Z' });
    const ctx = { mode: 'sandbox', sandbox: () => ({ request }) } as unknown as CliContext;
    expect((await serviceNow(ctx)).toISOString()).toBe('2031-05-06T07:08:09.000Z');
    expect(request).toHaveBeenCalledWith('GET', 'health');
  });

  test('against AWS it is the local clock', async () => {
    const ctx = {
      mode: 'aws',
      sandbox: () => {
        throw new Error('no sandbox with --aws');
      },
    } as unknown as CliContext;
    const before = Date.now();
    expect((await serviceNow(ctx)).getTime()).toBeGreaterThanOrEqual(before);
  });
});
