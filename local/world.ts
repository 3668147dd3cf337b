/**
 * The simulated AWS account: every service's state (S3 objects, DynamoDB tables, secrets, alarms,
 * the Beanstalk environment, the SSM fleet, CodeBuild builds, events put on the bus) and the
 * world the pipelines start from (each target on its initial commit, alarms OK, empty tables).
 * It knows nothing of the HTTP endpoint: providers (local/services/<service>/provider.ts) answer
 * from it.
 */
import type { PipelinesConfig } from '../functions/commons/config/schema';
import { TABLES } from '../functions/commons/tables';
import { alarmStateEventPattern } from '../functions/wait-router/alarm-events';
import { beanstalkEnvironmentEventPattern } from '../functions/wait-router/beanstalk-events';
import { ssmCommandEventPattern } from '../functions/wait-router/service-events';
import type { SimClock } from './clock';
import type { FaultBook } from './faults';
import { GitHubStandIn } from './github-standin';
import { AlarmStore } from './services/cloudwatch/model';
import { CodeBuildSimulator, type CodeBuildOptions, type ProjectKind } from './services/codebuild/model';
import { DynamoDb } from './services/dynamodb/model';
import { BeanstalkSimulator } from './services/elasticbeanstalk/model';
import { EventBridgeModel } from './services/events/model';
import { alarmStateChangeEvent } from './services/cloudwatch/alarm-events';
import { busEventOf } from './services/elasticbeanstalk/service-events';
import { commandStatusEvent } from './services/ssm/command-events';
import { S3Store } from './services/s3/model';
import { SecretsStore } from './services/secretsmanager/model';
import { FleetSimulator, type FleetOptions, type Instance } from './services/ssm/model';

/** Commits the targets run before any push (the "previous" version of the first scenario). */
export const INITIAL_COMMITS: Record<string, string> = {
  'retail-bank': '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
  microblog: '9f8e7d6c5b4a39281706f5e4d3c2b1a098f7e6d5',
};
const FALLBACK_INITIAL = '0123456789abcdef0123456789abcdef01234567';

/** Bounds of the simulated fleet per EC2 target (issue: FLEET_SIZE and POST /_sandbox/fleet). */
export const FLEET_LIMITS = { min: 1, max: 500, default: 3 } as const;

export interface WorldOptions {
  config: PipelinesConfig;
  clock: SimClock;
  faults: FaultBook;
  region: string;
  account: string;
  artifactsBucket: string;
  /** The project's SSM release document name. */
  releaseDocument: string;
  /** Instances per EC2 target at start and after reset (FLEET_LIMITS). */
  fleetSize: number;
  /** The pipelines' state machines (the notifier rule's pattern). */
  pipelineStateMachineArns: string[];
  /** The SSM agents' own calls authorised with the instances' role (IAM enforcement). */
  agent?: FleetOptions['agent'];
  /** A build's own calls authorised with the project's service role (IAM enforcement). */
  authorizeBuild?: CodeBuildOptions['authorize'];
}

export class World {
  readonly s3 = new S3Store();
  readonly secrets: SecretsStore;
  readonly alarms: AlarmStore;
  readonly beanstalk: BeanstalkSimulator;
  readonly fleet: FleetSimulator;
  readonly codebuild: CodeBuildSimulator;
  readonly events: EventBridgeModel;
  /** Commit statuses posted to the GitHub sink. */
  readonly githubStatuses: unknown[] = [];
  /** GitHub's commit graph and compare API (github-standin.ts). */
  readonly github = new GitHubStandIn();
  private fleetSize: number;
  /** Alarms on their way to ALARM (their evaluation periods running), by name. */
  private readonly alarmTimers = new Map<string, NodeJS.Timeout>();

  private constructor(
    private readonly options: WorldOptions,
    readonly dynamodb: DynamoDb,
  ) {
    const { clock, faults, region, account, config } = options;
    this.fleetSize = options.fleetSize;
    this.secrets = new SecretsStore(region, account);
    this.alarms = new AlarmStore(region, account, (alarm, previous) =>
      this.events.emit(alarmStateChangeEvent(alarm, previous)),
    );
    this.events = new EventBridgeModel(region, account, options.pipelineStateMachineArns);
    // infra/constructs/event-waits.ts: the final status of release commands to wait-router.
    this.events.addFunctionRule(
      {
        Name: 'DeployController-SsmCommandStatusRule',
        EventPattern: ssmCommandEventPattern(options.releaseDocument),
        Description: 'Deploy controller: final status of release commands to wait-router (ends the SSM wait)',
      },
      'wait-router',
    );
    // infra/constructs/event-waits.ts: the Beanstalk environments' update outcomes to wait-router.
    const environments = config.pipelines.flatMap((p) =>
      p.target.kind === 'elastic-beanstalk' ? [p.target.environment] : [],
    );
    if (environments.length > 0)
      this.events.addFunctionRule(
        {
          Name: 'DeployController-BeanstalkEnvironmentStatusRule',
          EventPattern: beanstalkEnvironmentEventPattern(environments),
          Description:
            'Deploy controller: Beanstalk environment update outcomes to wait-router (ends the canary and rollback waits)',
        },
        'wait-router',
      );
    // infra/constructs/event-waits.ts: the pipelines' alarms going to ALARM end the bake early.
    const alarms = [...new Set(config.pipelines.flatMap((p) => p.verify.alarms))];
    if (alarms.length > 0)
      this.events.addFunctionRule(
        {
          Name: 'DeployController-AlarmStateRule',
          EventPattern: alarmStateEventPattern(alarms),
          Description:
            "Deploy controller: the pipelines' alarms going to ALARM to wait-router (ends the bake early)",
        },
        'wait-router',
      );
    const onChange = () => this.refreshAlarms();
    this.beanstalk = new BeanstalkSimulator({
      clock,
      s3: this.s3,
      faults,
      region,
      account,
      onChange,
      onEvent: (entry) => {
        const event = busEventOf(entry, region, account);
        if (event) this.events.emit(event);
      },
    });
    this.fleet = new FleetSimulator({
      clock,
      s3: this.s3,
      faults,
      releaseDocument: options.releaseDocument,
      onChange,
      onCommandStatus: (command) => {
        const {
          detail,
          resources,
          source,
          'detail-type': detailType,
        } = commandStatusEvent(command, region, account);
        this.events.emit({ source, detailType, detail, resources });
      },
      ...(options.agent && { agent: options.agent }),
    });
    const projects: Record<string, ProjectKind> = {};
    for (const p of config.pipelines) {
      projects[`deploy-${p.name}-build`] = 'build';
      projects[`deploy-${p.name}-scan`] = 'scan';
    }
    this.codebuild = new CodeBuildSimulator({
      clock,
      s3: this.s3,
      faults,
      region,
      account,
      projects,
      ...(options.authorizeBuild && { authorize: options.authorizeBuild }),
    });
  }

  /** Creates the world with its DynamoDB engine started and the initial resources in place. */
  static async create(options: WorldOptions): Promise<World> {
    const world = new World(options, await DynamoDb.start(TABLES));
    world.initial();
    return world;
  }

  private initial(): void {
    this.s3.createBucket(this.options.artifactsBucket);
    for (const p of this.options.config.pipelines) {
      const initial = INITIAL_COMMITS[p.name] ?? FALLBACK_INITIAL;
      if (p.target.kind === 'elastic-beanstalk')
        this.beanstalk.createEnvironment(p.target.application, p.target.environment, {
          label: initial.slice(0, 12),
          commitSha: initial,
        });
      else this.fleet.launch(this.fleetSize, p.target.instanceTag, p.target.service, initial);
      for (const alarm of p.verify.alarms) this.alarms.define(alarm);
      this.github.addCommit(p.repository, INITIAL_COMMITS[p.name] ?? FALLBACK_INITIAL, null);
    }
  }

  /** Live commit of a pipeline's target (Beanstalk version's commit, or the instances' release). */
  liveCommit(pipeline: string): string | null {
    const settings = this.options.config.pipelines.find((p) => p.name === pipeline);
    if (!settings) return null;
    if (settings.target.kind === 'elastic-beanstalk')
      return this.beanstalk.deployedCommit(settings.target.environment);
    return this.instancesOf(settings.target.instanceTag)[0]?.currentRelease ?? null;
  }

  private instancesOf(tag: { key: string; value: string }): Instance[] {
    return this.fleet.list().filter((i) => i.tags[tag.key] === tag.value);
  }

  /**
   * Alarms follow what is live: a scenario's alarm fires while its commit is deployed. It goes to
   * ALARM once its evaluation periods have seen breaching datapoints (Period x EvaluationPeriods
   * after the commit went live: CloudWatch User Guide, "Using Amazon CloudWatch alarms",
   * evaluating an alarm), and back to OK when the commit is no longer live.
   */
  refreshAlarms(): void {
    for (const p of this.options.config.pipelines) {
      const faultsLive = this.options.faults.faultsFor(this.liveCommit(p.name));
      for (const name of p.verify.alarms) {
        const firing = faultsLive.alarmOnNewVersion === name;
        const pending = this.alarmTimers.get(name);
        if (!firing) {
          this.options.clock.cancel(pending);
          this.alarmTimers.delete(name);
          this.alarms.setState(name, 'OK', 'Threshold Crossed: no datapoints were breaching the threshold');
          continue;
        }
        if (pending || this.alarms.alarms.get(name)?.StateValue === 'ALARM') continue;
        this.alarms.define(name);
        const alarm = this.alarms.alarms.get(name)!;
        const evaluationMs = alarm.Period * alarm.EvaluationPeriods * 1000;
        this.alarmTimers.set(
          name,
          this.options.clock.after(evaluationMs, () => {
            this.alarmTimers.delete(name);
            this.alarms.setState(
              name,
              'ALARM',
              `Threshold Crossed: ${alarm.EvaluationPeriods} out of the last ${alarm.EvaluationPeriods} datapoints were greater than the threshold (${alarm.Threshold.toFixed(1)}).`,
            );
          }),
        );
      }
    }
  }

  /**
   * Sets every EC2 target's fleet to `instances` (FLEET_LIMITS): launches tagged, Online
   * instances on the live release, or terminates the newest ones. Applies to later resets too.
   * Throws a RangeError outside the limits.
   */
  resizeFleet(instances: number): { pipeline: string; instances: Instance[] }[] {
    checkFleetSize(instances, 'instances');
    this.fleetSize = instances;
    const out: { pipeline: string; instances: Instance[] }[] = [];
    for (const p of this.options.config.pipelines) {
      if (p.target.kind !== 'ec2-ssm') continue;
      const tag = p.target.instanceTag;
      const current = this.instancesOf(tag);
      if (current.length < instances)
        this.fleet.launch(
          instances - current.length,
          tag,
          p.target.service,
          this.liveCommit(p.name) ?? INITIAL_COMMITS[p.name] ?? FALLBACK_INITIAL,
        );
      else for (const instance of current.slice(instances)) this.fleet.terminate(instance.id);
      out.push({ pipeline: p.name, instances: this.instancesOf(tag) });
    }
    return out;
  }

  /** Back to the initial world: objects, tables, versions, instances, builds, alarms, events. */
  async reset(): Promise<void> {
    this.codebuild.reset();
    this.beanstalk.reset();
    this.fleet.reset();
    this.s3.reset();
    for (const timer of this.alarmTimers.values()) this.options.clock.cancel(timer);
    this.alarmTimers.clear();
    this.alarms.alarms.clear();
    this.events.reset();
    this.githubStatuses.length = 0;
    this.github.reset();
    await this.dynamodb.reset();
    this.initial();
    this.refreshAlarms();
  }

  /** Stops the DynamoDB engine. */
  close(): Promise<void> {
    return this.dynamodb.close();
  }
}

/** Checks a fleet size against FLEET_LIMITS; RangeError naming `what` otherwise. */
export function checkFleetSize(value: unknown, what: string): asserts value is number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < FLEET_LIMITS.min ||
    value > FLEET_LIMITS.max
  )
    throw new RangeError(
      `${what} must be a whole number from ${FLEET_LIMITS.min} to ${FLEET_LIMITS.max}, got ${JSON.stringify(value)}`,
    );
}
