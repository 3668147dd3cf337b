/**
 * Modelled controller overhead per deployment (bench/model/overhead.ts): lead time from push to a
 * verified release, the service time on the critical path, poll lag, and the Lambda, transition and
 * event time the AWS latency model charges. No wall clock is read: the figures are the same on every
 * run and machine (test/bench/overhead-model.test.ts checks two runs give identical figures).
 */
import { samplePipeline } from './support/pipeline-harness';
import { latencyModel } from './model/latency';
import { modelRun, type ModelScenario, type ModelledRun } from './model/overhead';
import type { BenchTable } from './table';

/** The scenarios modelled; `happy` marks the paths the overhead aim applies to. */
export function modelScenarios(): (ModelScenario & { name: string; happy: boolean })[] {
  const canary = samplePipeline('retail-bank');
  const ssm = samplePipeline('microblog');
  const all = { deploy: true, bake: true, rollback: false };
  return [
    { name: 'Beanstalk canary, approved', happy: true, settings: canary, stages: all },
    { name: 'EC2 via SSM', happy: true, settings: ssm, stages: all },
    {
      name: 'canary reverted by Beanstalk',
      happy: false,
      settings: canary,
      world: { beanstalk: 'reverted' },
      stages: { deploy: true, bake: false, rollback: false },
    },
    {
      name: 'SSM fails on 1 of 3, rolled back',
      happy: false,
      settings: ssm,
      world: { ssm: 'failed-one-of-three' },
      stages: { deploy: true, bake: false, rollback: true },
    },
    {
      name: 'unit tests fail',
      happy: false,
      settings: canary,
      world: { build: 'tests-fail' },
      stages: { deploy: false, bake: false, rollback: false },
    },
  ];
}

/** Every modelled scenario's figures, in order. */
export async function modelAll(): Promise<{ name: string; happy: boolean; run: ModelledRun }[]> {
  const model = latencyModel();
  const out = [];
  for (const scenario of modelScenarios())
    out.push({ name: scenario.name, happy: scenario.happy, run: await modelRun(scenario, model) });
  return out;
}

const s = (ms: number) => (ms / 1000).toFixed(1);

export async function run(): Promise<BenchTable[]> {
  const model = latencyModel();
  const runs = await modelAll();
  const happy = runs.filter((r) => r.happy);
  const byName = (name: string) => runs.find((r) => r.name === name)!.run;
  return [
    {
      title: 'Modelled overhead per deployment (deterministic: AWS latency model, no wall clock)',
      columns: [
        'scenario',
        'ends as',
        'lead time s',
        'service s',
        'policy s',
        'poll lag s',
        'Lambda s',
        'Lambda calls',
        'transitions s',
        'transitions',
        'events s',
        'overhead share',
      ],
      rows: runs.map(({ name, run: r }) => [
        name,
        r.status,
        s(r.leadMs),
        s(r.serviceMs),
        s(r.policyMs),
        s(r.pollLagMs),
        s(r.lambdaMs),
        r.lambdaCalls,
        s(r.transitionMs),
        r.transitions,
        s(r.eventMs),
        `${(100 * r.overheadShare).toFixed(2)} %`,
      ]),
      notes: [
        'Lead time: push to a verified release (or to the failure) = service + policy + poll lag + Lambda + transitions + events, on the critical path.',
        'Service: CodeBuild (the longer of build 4 min and scan 2 min), health gate 0.5 min, Beanstalk version 0.5 min and deploy 8 min, or SSM release 6 min, rollback 4 min. Policy: approval 10 min (retail-bank), bake window per pipelines.yaml.',
        `Poll lag: a stage polled every I s is seen I/2 s after it ends on average (its end falls anywhere in an interval); the bake window's end is known, so none there. Lambda: first call of each function in a run is cold. Transitions: ${model.transitionMs} ms each, Parallel branches charged as if serial (upper bound).`,
        ...model.sources,
      ],
      summary: {
        overheadShareHappyMax: Math.round(10000 * Math.max(...happy.map((r) => r.run.overheadShare))) / 10000,
        pollLagSecondsHappy: Math.max(...happy.map((r) => r.run.pollLagMs)) / 1000,
        leadTimeSecondsCanary: Math.round(byName('Beanstalk canary, approved').leadMs / 100) / 10,
        leadTimeSecondsSsm: Math.round(byName('EC2 via SSM').leadMs / 100) / 10,
      },
    },
  ];
}
