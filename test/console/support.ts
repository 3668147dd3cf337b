/** What the console suites share: a sandbox per suite, a signed sample push, and polling. */
import { randomBytes, randomUUID } from 'node:crypto';
import { signDelivery } from '../../events/sign-delivery';
import { startSandbox, type Sandbox } from '../../local/sandbox';

/** A sandbox on free ports for the calling suite, started before its tests and stopped after. */
export interface ConsoleSandbox {
  /** The running sandbox (valid inside tests). */
  readonly sandbox: Sandbox;
  /** The console page at `path` (e.g. `/approvals`) as an absolute URL. */
  consoleUrl(path: string): string;
  /** Delivers retail-bank's sample push of `sha` (random by default); resolves with the run's ARN. */
  push(sha?: string): Promise<string>;
}

/** Starts a sandbox at `speedup` (simulated seconds per real second) for the calling suite. */
export function useConsoleSandbox(speedup: number): ConsoleSandbox {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ sandboxPort: 0, port: 0, speedup, log: false });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });
  const running = () => {
    if (!sandbox) throw new Error('the sandbox starts in beforeAll: use it inside a test');
    return sandbox;
  };
  return {
    get sandbox() {
      return running();
    },
    consoleUrl: (path) => new URL(path, running().urls.console).toString(),
    async push(sha = randomBytes(20).toString('hex')) {
      const box = running();
      const answer = await fetch(box.urls.webhook, {
        method: 'POST',
        ...signDelivery('push-retail-bank-main', {
          secret: box.webhookSecret,
          sha,
          deliveryId: randomUUID(),
        }),
      });
      const body = (await answer.json()) as { executions: { executionArn: string }[] };
      return body.executions[0]!.executionArn;
    },
  };
}

/** Resolves with the first value `read` answers (undefined: not yet), polling every 20 ms. */
export async function waitFor<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
