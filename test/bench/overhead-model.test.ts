/** The deterministic overhead model: same figures every run, charged only by the latency model. */
import { modelAll } from '../../bench/overhead-model.bench';
import { latencyModel, lambdaMs, type LatencyModel } from '../../bench/model/latency';
import { charge, pollLagSeconds, pollsFor } from '../../bench/model/overhead';
import { samplePipeline, type WorldRun } from '../../bench/support/pipeline-harness';

test('two runs give identical figures (no wall clock in the model)', async () => {
  const first = await modelAll();
  const second = await modelAll();

  expect(second).toEqual(first);
  const canary = first.find((r) => r.name === 'Beanstalk canary, approved')!.run;
  expect(canary.status).toBe('SUCCEEDED');
  expect(canary.leadMs).toBe(
    canary.serviceMs +
      canary.policyMs +
      canary.pollLagMs +
      canary.lambdaMs +
      canary.transitionMs +
      canary.eventMs,
  );
}, 60_000);

test('polls: enough waits to see the stage end; lag: half an interval on average', () => {
  expect(pollsFor(480, 30)).toBe(16);
  expect(pollsFor(30, 20)).toBe(2);
  expect(pollLagSeconds(30)).toBe(15);
  expect(pollLagSeconds(20)).toBe(10);
});

describe('charging a run', () => {
  const model: LatencyModel = {
    functions: {
      'github-webhook': { initMs: 40, handlerMs: 10 },
      'deploy-lock': { initMs: 100, handlerMs: 30 },
    },
    runtimeInitMs: 100,
    transitionMs: 50,
    eventDeliveryMs: 500,
    invokeMs: 20,
    sources: [],
  };
  const run = (calls: string[], entered: number) =>
    ({
      status: 'SUCCEEDED',
      calls: calls.map((fn) => ({ fn, action: 'acquire', payload: {} })),
      // Both shapes of the harness's run: history events, and the states entered with retries.
      events: Array.from({ length: entered }, () => ({ type: 'StateEntered' })),
      visited: Array.from({ length: entered }, () => 'Acquire deploy lock'),
      retried: [],
      children: [],
      invocations: calls.length,
    }) as unknown as WorldRun;

  test('the first call of a function is cold, later ones warm', () => {
    expect(lambdaMs(model, 'deploy-lock', true)).toBe(20 + 30 + 100 + 100);
    expect(lambdaMs(model, 'deploy-lock', false)).toBe(50);
  });

  test('local processing is never charged: only calls, transitions and stage durations count', () => {
    const settings = samplePipeline('microblog');
    const stages = { deploy: false, bake: false, rollback: false };

    const one = charge(run(['deploy-lock'], 4), settings, stages, model);
    const two = charge(run(['deploy-lock', 'deploy-lock'], 4), settings, stages, model);

    expect(one.lambdaMs).toBe(lambdaMs(model, 'github-webhook', true) + lambdaMs(model, 'deploy-lock', true));
    expect(two.lambdaMs - one.lambdaMs).toBe(lambdaMs(model, 'deploy-lock', false));
    expect(one.serviceMs).toBe(4 * 60_000);
    expect(one.overheadShare).toBeCloseTo(one.overheadMs / one.leadMs, 12);
  });

  test('a function without recorded figures is an error, not a silent zero', () => {
    expect(() => lambdaMs(model, 'no-such-function', false)).toThrow(
      /no latency figures for no-such-function/,
    );
  });
});

test('the checked-in figures cover every function the workflows call', () => {
  const model = latencyModel();
  for (const name of [
    'github-webhook',
    'deploy-lock',
    'health-gate',
    'beanstalk-deploy',
    'ssm-deploy',
    'verify',
  ])
    expect(model.functions[name]?.initMs).toBeGreaterThanOrEqual(0);
});
