/**
 * Orchestration cost per deployment: each scenario runs the real ASL files on the local engine; the
 * event logs give the state transitions (pipeline, Parallel branches and deploy sub-workflow, retries
 * included) and the scripted world counts Lambda invocations. Baseline: CodePipeline V2 for the same
 * stages and durations. CodeBuild minutes are the same in both designs and left out.
 */
import type { PipelineSettings } from '../functions/commons/config/schema';
import { runPipeline, samplePipeline, transitions, type Scenario } from './support/pipeline-harness';
import { EB_SAFETY_POLL_SECONDS, SSM_SAFETY_POLL_SECONDS } from './model/overhead';
import type { BenchTable } from './table';

const PRICE = {
  transition: 0.000025,
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1_000_000,
  codePipelineActionMinute: 0.002,
};
const LAMBDA = { memoryGb: 0.5, seconds: 0.2 };
/**
 * Stage durations (minutes) and the poll intervals (seconds) the task functions answer with. Only
 * the version processing still polls; the others are how long a stage's status stays in progress
 * (read when an event is lost).
 */
const MINUTES = {
  source: 1,
  build: 4,
  scan: 2,
  health: 0.5,
  approval: 10,
  deployEb: 8,
  deploySsm: 6,
  rollback: 4,
  versionProcessing: 0.5,
};
const POLL_SECONDS = { version: 10, deploy: 30, ssm: 20, bake: 60, rollback: 30 };

const polls = (minutes: number, seconds: number) => Math.max(0, Math.ceil((minutes * 60) / seconds) - 1);

/** Poll counts that make the scripted world take the stage durations above. */
function realistic(settings: PipelineSettings): Scenario {
  const eb = settings.target.kind === 'elastic-beanstalk';
  return {
    versionPolls: polls(MINUTES.versionProcessing, POLL_SECONDS.version),
    deployPolls: eb
      ? polls(MINUTES.deployEb, POLL_SECONDS.deploy)
      : polls(MINUTES.deploySsm, POLL_SECONDS.ssm),
    bakePolls: polls(settings.verify.bakeMinutes, POLL_SECONDS.bake),
    rollbackPolls: polls(MINUTES.rollback, POLL_SECONDS.rollback),
  };
}

type Stage = 'source' | 'build' | 'scan' | 'health' | 'approval' | 'deploy' | 'verify' | 'rollback';
/** CodePipeline V2 bills each action's minutes rounded up; manual approval is not billed. */
function codePipelineMinutes(settings: PipelineSettings, stages: Stage[]): number {
  const deploy = settings.target.kind === 'elastic-beanstalk' ? MINUTES.deployEb : MINUTES.deploySsm;
  const minutes: Record<Stage, number> = {
    source: MINUTES.source,
    build: MINUTES.build,
    scan: MINUTES.scan,
    health: MINUTES.health,
    approval: 0,
    deploy,
    verify: settings.verify.bakeMinutes + 0.5,
    rollback: MINUTES.rollback + 0.5,
  };
  return stages.reduce((sum, stage) => sum + Math.ceil(minutes[stage]), 0);
}

const ALL: Stage[] = ['source', 'build', 'scan', 'health', 'approval', 'deploy', 'verify'];
const upTo = (last: Stage): Stage[] => ALL.slice(0, ALL.indexOf(last) + 1);

const scenarios: {
  name: string;
  pipeline: 'retail-bank' | 'microblog';
  scenario: Scenario;
  stages: Stage[];
}[] = [
  { name: 'Beanstalk canary, approved', pipeline: 'retail-bank', scenario: {}, stages: ALL },
  { name: 'EC2 via SSM', pipeline: 'microblog', scenario: {}, stages: ALL },
  { name: 'build fails', pipeline: 'retail-bank', scenario: { build: 'install-fail' }, stages: upTo('scan') },
  {
    name: 'unit tests fail',
    pipeline: 'retail-bank',
    scenario: { build: 'tests-fail' },
    stages: upTo('scan'),
  },
  { name: 'scan finds high', pipeline: 'microblog', scenario: { scan: 'vulnerable' }, stages: upTo('scan') },
  {
    name: 'target unhealthy',
    pipeline: 'retail-bank',
    scenario: { health: 'unhealthy' },
    stages: upTo('health'),
  },
  {
    name: 'approval rejected',
    pipeline: 'retail-bank',
    scenario: { approval: 'reject' },
    stages: upTo('approval'),
  },
  {
    name: 'approval expires',
    pipeline: 'retail-bank',
    scenario: { approval: 'expire' },
    stages: upTo('approval'),
  },
  {
    name: 'canary reverted',
    pipeline: 'retail-bank',
    scenario: { beanstalk: 'reverted' },
    stages: upTo('deploy'),
  },
  {
    name: 'verify fails, rolled back',
    pipeline: 'retail-bank',
    scenario: { smoke: 'fail' },
    stages: [...ALL, 'rollback'],
  },
  {
    name: 'SSM fails on 1 of 3',
    pipeline: 'microblog',
    scenario: { ssm: 'failed-one-of-three' },
    stages: [...upTo('deploy'), 'rollback'],
  },
  {
    name: 'superseded while waiting',
    pipeline: 'retail-bank',
    scenario: { lock: ['waiting', 'waiting', 'superseded'] },
    stages: upTo('scan'),
  },
  {
    name: 'throttled, then OK',
    pipeline: 'microblog',
    scenario: { throttle: { 'deploy-lock.acquire': 2, 'ssm-deploy.releaseStatus': 1 } },
    stages: ALL,
  },
];

const usd = (n: number) => `$${n.toFixed(5)}`;

/** One row per scenario: transitions, invocations, cost per deployment, CodePipeline V2 baseline, ratio. */
export async function run(): Promise<BenchTable[]> {
  const rows: (string | number)[][] = [];
  const deployingRatios: number[] = [];
  const transitionsOf: Record<string, number> = {};
  for (const { name, pipeline, scenario, stages } of scenarios) {
    const settings = samplePipeline(pipeline);
    const result = await runPipeline(settings, { ...realistic(settings), ...scenario });
    const count = transitions(result);
    const sfn = count * PRICE.transition;
    const lambda =
      result.invocations * (LAMBDA.memoryGb * LAMBDA.seconds * PRICE.lambdaGbSecond + PRICE.lambdaRequest);
    const codePipeline = codePipelineMinutes(settings, stages) * PRICE.codePipelineActionMinute;
    const ours = sfn + lambda;
    if (stages.includes('deploy')) deployingRatios.push(codePipeline / ours);
    transitionsOf[name] = count;
    rows.push([
      name,
      result.error ?? result.status,
      count,
      result.invocations,
      usd(sfn),
      usd(lambda),
      usd(ours),
      usd(codePipeline),
      `${(codePipeline / ours).toFixed(1)}x`,
    ]);
  }
  return [
    {
      title: 'Orchestration cost per deployment: Step Functions + Lambda vs CodePipeline V2',
      columns: [
        'scenario',
        'ends as',
        'transitions',
        'Lambda calls',
        'Step Functions',
        'Lambda',
        'ours total',
        'CodePipeline V2',
        'CP / ours',
      ],
      rows,
      notes: [
        'Transitions: every state entered plus every retry, from the execution histories of the sandbox Step Functions runtime (pipeline, Parallel branches, deploy sub-workflow); $0.000025 each.',
        `Lambda: ${LAMBDA.memoryGb * 1024} MB arm64, ${LAMBDA.seconds * 1000} ms per invocation ($0.0000133334 per GB-s) + $0.20 per 1M requests; throttled attempts count as requests.`,
        `Durations: build ${MINUTES.build} min, scan ${MINUTES.scan}, health gate ${MINUTES.health}, approval ${MINUTES.approval} (not billed by CodePipeline), deploy ${MINUTES.deployEb} (Beanstalk) / ${MINUTES.deploySsm} (SSM), bake per pipelines.yaml, rollback ${MINUTES.rollback}.`,
        `Only the application version is polled (every ${POLL_SECONDS.version} s). The canary, SSM release and both rollbacks are event-driven: one wait each, resumed by the service's event (Beanstalk's resource status change, SSM's final command status) through wait-router (its invocation counted); safety polls ${EB_SAFETY_POLL_SECONDS.deploy} s (canary), ${EB_SAFETY_POLL_SECONDS.rollback} s (Beanstalk rollback), ${SSM_SAFETY_POLL_SECONDS} s (SSM). The bake is one wait for the whole window, ended early by an alarm going to ALARM, and one check.`,
        'CodePipeline V2: $0.002 per action minute, each action rounded up, plus a 1-minute source action; its Lambda costs (health gate, verify) are left out, which favours it.',
        'CodeBuild minutes are identical in both designs and excluded. Aim: an order of magnitude under CodePipeline V2.',
      ],
      summary: {
        costRatioMinDeploying: Math.round(10 * Math.min(...deployingRatios)) / 10,
        transitionsCanary: transitionsOf['Beanstalk canary, approved']!,
        transitionsSsm: transitionsOf['EC2 via SSM']!,
      },
    },
  ];
}
