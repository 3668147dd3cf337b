import type { RawRequest } from '../../../local/aws/server';
import { controlApi, type ControlTarget } from '../../../local/control-api';
import { startSandbox } from '../../../local/sandbox';

const post = (path: string, body: unknown): RawRequest => ({
  method: 'POST',
  path,
  query: new URLSearchParams(),
  headers: {},
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});

describe('POST /_sandbox/fleet over a ControlTarget', () => {
  const resized: number[] = [];
  const target = {
    resizeFleet: (instances: number) => {
      resized.push(instances);
      return [{ pipeline: 'microblog', instances: [] }];
    },
  } as unknown as ControlTarget;

  it.each([0, 501, 2.5, '3', null])('refuses %p with 400 and the allowed range', async (instances) => {
    // Act
    const answer = await controlApi(target, post('/_sandbox/fleet', { instances }));
    // Assess
    expect(answer.status).toBe(400);
    expect(JSON.parse(String(answer.body)).error).toMatch(/from 1 to 500/);
  });

  it('refuses a body that is not JSON', async () => {
    expect((await controlApi(target, post('/_sandbox/fleet', '{'))).status).toBe(400);
  });

  it('resizes within 1-500', async () => {
    const answer = await controlApi(target, post('/_sandbox/fleet', { instances: 500 }));
    expect(answer.status).toBe(200);
    expect(JSON.parse(String(answer.body))).toMatchObject({
      instances: 500,
      fleets: [{ pipeline: 'microblog' }],
    });
    expect(resized).toEqual([500]);
  });
});

describe('fleet size on a live sandbox', () => {
  it('FLEET_SIZE out of range stops the start with a clear error', async () => {
    const previous = process.env.FLEET_SIZE;
    process.env.FLEET_SIZE = '0';
    try {
      await expect(startSandbox({ sandboxPort: 0, port: 0, log: false })).rejects.toThrow(
        'FLEET_SIZE must be a whole number from 1 to 500, got 0',
      );
    } finally {
      if (previous === undefined) delete process.env.FLEET_SIZE;
      else process.env.FLEET_SIZE = previous;
    }
  });

  it('starts with fleetSize instances, resizes on the live release, and keeps the size after reset', async () => {
    const sandbox = await startSandbox({ sandboxPort: 0, port: 0, log: false, fleetSize: 5, speedup: 600 });
    try {
      expect(sandbox.fleet.list()).toHaveLength(5);
      const live = sandbox.liveCommit('microblog');
      const grown = await fetch(`${sandbox.urls.control}/fleet`, {
        method: 'POST',
        body: JSON.stringify({ instances: 8 }),
      });
      expect(grown.status).toBe(200);
      const instances = sandbox.fleet.list();
      expect(instances).toHaveLength(8);
      expect(instances.every((i) => i.pingStatus === 'Online' && i.currentRelease === live)).toBe(true);
      expect(instances.every((i) => i.tags.App === 'microblog')).toBe(true);
      const shrunk = await fetch(`${sandbox.urls.control}/fleet`, {
        method: 'POST',
        body: JSON.stringify({ instances: 2 }),
      });
      expect(shrunk.status).toBe(200);
      expect(sandbox.fleet.list().map((i) => i.id)).toEqual(instances.slice(0, 2).map((i) => i.id));
      const state = (await (await fetch(`${sandbox.urls.control}/state`)).json()) as { instances: unknown[] };
      expect(state.instances).toHaveLength(2);
      await sandbox.reset();
      expect(sandbox.fleet.list()).toHaveLength(2);
    } finally {
      await sandbox.stop();
    }
  });
});
