/**
 * Bounded load on loopback: 2,000 signed deliveries in one burst (50 in flight) across 200
 * distinct pushes, with redeliveries (same X-GitHub-Delivery) and 10% forged signatures, against
 * the webhook's plain handler behind node:http and an in-memory Step Functions with StartExecution's
 * real idempotency rules. Exactly 200 executions, no 5xx, every forgery 401. No timing assertions.
 */
import type { PipelineInput } from '../../functions/commons/types/pipeline-input';
import { FORGERY_KINDS, mapBounded, planBurst, type BurstItem } from './support/burst';
import { MemoryStepFunctions } from '../../bench/support/memory-sfn';
import { startWebhookServer, type RunningServer } from '../../bench/support/webhook-server';

const SECRET = 'evidence-load-secret-5d1f';
const PUSHES = 200;
const DELIVERIES = 2_000;
const CONCURRENCY = 50;

interface Answer {
  item: BurstItem;
  status: number;
  body: { status?: string; error?: string; executions?: { name: string; executionArn: string }[] };
}

let server: RunningServer;
let sfn: MemoryStepFunctions;
let answers: Answer[];
const plan = planBurst({
  pushes: PUSHES,
  total: DELIVERIES,
  forgedShare: 0.1,
  secret: SECRET,
  seed: 20_251_122,
});

beforeAll(async () => {
  // Prepare: a random pause inside StartExecution lets concurrent redeliveries race for the same name.
  sfn = new MemoryStepFunctions({
    latency: () => new Promise((resolve) => setTimeout(resolve, Math.random() * 3)),
  });
  server = await startWebhookServer({ sfn: sfn.client(), secret: SECRET });

  // Act
  answers = await mapBounded(plan.items, CONCURRENCY, async (item) => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: item.delivery.headers,
      body: item.delivery.body,
    });
    return { item, status: response.status, body: (await response.json()) as Answer['body'] };
  });
});

afterAll(async () => {
  await server?.close();
});

describe('a burst of 2,000 deliveries over 200 pushes', () => {
  test('the burst is what it claims: 200 pushes, 1,800 genuine, 200 forged of every kind', () => {
    expect(new Set(plan.items.map((i) => i.push.deliveryId)).size).toBe(PUSHES);
    expect(plan.items.filter((i) => i.kind === 'genuine')).toHaveLength(1_800);
    const forged = plan.items.filter((i) => i.kind === 'forged');
    expect(forged).toHaveLength(200);
    expect(new Set(forged.map((i) => (i.kind === 'forged' ? i.forgery : '')))).toEqual(
      new Set(FORGERY_KINDS),
    );
    // Every push is delivered more than once: redeliveries are part of the burst.
    for (const push of plan.pushes)
      expect(plan.items.filter((i) => i.kind === 'genuine' && i.push === push).length).toBeGreaterThan(1);
  });

  test('exactly one execution per push, with the push as its input', () => {
    expect(sfn.executions.size).toBe(PUSHES);
    expect(sfn.counts.created).toBe(PUSHES);
    const byName = new Map([...sfn.executions.values()].map((e) => [e.name, e]));
    for (const push of plan.pushes) {
      const execution = byName.get(push.executionName);
      expect(execution).toBeDefined();
      const input = JSON.parse(execution!.input) as PipelineInput;
      expect(input).toMatchObject({
        pipeline: push.pipeline,
        commitSha: push.commitSha,
        deliveryId: push.deliveryId,
        branch: 'main',
      });
    }
  });

  test('no answer is a 5xx', () => {
    expect(
      answers.filter((a) => a.status >= 500).map((a) => `${a.status} ${JSON.stringify(a.body)}`),
    ).toEqual([]);
  });

  test('every forged delivery is refused with 401 and reaches no state machine', () => {
    const forged = answers.filter((a) => a.item.kind === 'forged');
    expect(
      forged.filter((a) => a.status !== 401).map((a) => (a.item.kind === 'forged' ? a.item.forgery : '')),
    ).toEqual([]);
    for (const a of forged) expect(a.body).toMatchObject({ error: 'invalid signature' });
    // Only genuine deliveries called StartExecution (a forged body with a new sha would add a call).
    expect(sfn.counts.calls).toBe(1_800);
  });

  test('every genuine delivery and redelivery is 200/202 naming the one execution of its push', () => {
    for (const push of plan.pushes) {
      const mine = answers.filter((a) => a.item.kind === 'genuine' && a.item.push === push);
      for (const a of mine) {
        expect([200, 202]).toContain(a.status);
        expect(a.body.executions).toEqual([expect.objectContaining({ name: push.executionName })]);
      }
      // The delivery that created the execution says "started"; the others found it.
      expect(mine.some((a) => a.status === 202 && a.body.status === 'started')).toBe(true);
      expect(mine.filter((a) => a.status === 200).every((a) => a.body.status === 'duplicate')).toBe(true);
    }
    expect(sfn.counts.alreadyExists + sfn.counts.idempotent).toBe(1_800 - PUSHES);
  });
});
