/**
 * The simulated Elastic Beanstalk environment (awsQuery API): application versions that are
 * processed from their S3 bundle, an environment that moves through Launching / Updating / Ready
 * with health colours, events worded as Beanstalk words them, and deployments by policy:
 * TrafficSplitting (canary share, evaluation window, Beanstalk's own rollback when the canary is
 * unhealthy) and AllAtOnce / Rolling / Immutable (used for rollbacks). About 3 minutes plus the
 * evaluation window per deployment, on the simulated clock.
 */
import { randomBytes } from 'node:crypto';
import type { SimClock } from '../../clock';
import { ServiceError } from '../../aws/service-error';
import type { S3Store } from '../s3/model';
import type { FaultBook } from '../../faults';

export interface EbEvent {
  EventDate: Date;
  Message: string;
  ApplicationName: string;
  EnvironmentName?: string;
  VersionLabel?: string;
  RequestId: string;
  Severity: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
}

export interface EbVersion {
  label: string;
  description: string;
  bundle: { S3Bucket: string; S3Key: string };
  status: 'UNPROCESSED' | 'PROCESSING' | 'PROCESSED' | 'FAILED' | 'BUILDING';
  created: Date;
  updated: Date;
  /** The commit the bundle was built from (from the artifact's metadata). */
  commitSha: string | null;
}

export interface EbEnvironment {
  name: string;
  id: string;
  application: string;
  status: 'Launching' | 'Updating' | 'Ready' | 'Terminating' | 'Terminated';
  health: 'Green' | 'Yellow' | 'Red' | 'Grey';
  healthStatus: 'Ok' | 'Info' | 'Warning' | 'Degraded' | 'Severe' | 'NoData' | 'Pending';
  causes: string[];
  versionLabel: string | null;
  previousVersionLabel: string | null;
  created: Date;
  updated: Date;
  /** The deployment in progress, if any. */
  deployment?: { versionLabel: string; policy: string; startedAt: Date; canaryPercent?: number };
  instances: number;
}

export const SEVERITY_ORDER = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
export const XMLNS = 'http://elasticbeanstalk.amazonaws.com/docs/2010-12-01/';

export interface BeanstalkOptions {
  clock: SimClock;
  s3: S3Store;
  faults: FaultBook;
  region: string;
  account: string;
  /** Called after the deployed version changes (apps and alarms follow it). */
  onChange?: () => void;
  /** Called with each new entry of an event stream (the bus events are made from it). */
  onEvent?: (event: EbEvent) => void;
}

/** One instance of an environment, as DescribeInstancesHealth reports it. */
export interface EbInstance {
  id: string;
  healthStatus: EbEnvironment['healthStatus'];
  color: EbEnvironment['health'];
  causes: string[];
  launchedAt: Date;
  versionLabel: string | null;
  deploymentId: number;
  availabilityZone: string;
}

export class BeanstalkSimulator {
  readonly applications = new Map<string, Map<string, EbVersion>>();
  /** When each application was created. */
  readonly applicationCreated = new Map<string, Date>();
  readonly environments = new Map<string, EbEnvironment>();
  readonly events: EbEvent[] = [];
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: BeanstalkOptions) {}

  /** Creates an application and a Ready, Green environment running `initialVersion`. */
  createEnvironment(
    application: string,
    environment: string,
    initialVersion: { label: string; commitSha: string | null },
  ): void {
    const versions = this.applications.get(application) ?? new Map<string, EbVersion>();
    this.applications.set(application, versions);
    const now = new Date();
    if (!this.applicationCreated.has(application)) this.applicationCreated.set(application, now);
    versions.set(initialVersion.label, {
      label: initialVersion.label,
      description: 'initial version (sandbox)',
      bundle: { S3Bucket: 'sandbox-initial', S3Key: `${application}/${initialVersion.label}.zip` },
      status: 'PROCESSED',
      created: now,
      updated: now,
      commitSha: initialVersion.commitSha,
    });
    this.environments.set(environment, {
      name: environment,
      id: `e-${randomBytes(5).toString('hex')}`,
      application,
      status: 'Ready',
      health: 'Green',
      healthStatus: 'Ok',
      causes: [],
      versionLabel: initialVersion.label,
      previousVersionLabel: null,
      created: now,
      updated: now,
      instances: 2,
    });
    this.event(application, environment, 'INFO', 'Environment health has transitioned from Pending to Ok.');
    this.event(application, environment, 'INFO', 'createEnvironment completed successfully.');
  }

  private event(
    application: string,
    environment: string | undefined,
    severity: EbEvent['Severity'],
    message: string,
    versionLabel?: string,
  ): void {
    const entry: EbEvent = {
      EventDate: new Date(),
      Message: message,
      ApplicationName: application,
      ...(environment && { EnvironmentName: environment }),
      ...(versionLabel && { VersionLabel: versionLabel }),
      RequestId: randomBytes(16)
        .toString('hex')
        .replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5'),
      Severity: severity,
    };
    this.events.push(entry);
    this.options.onEvent?.(entry);
  }

  private at(seconds: number, fn: () => void): void {
    this.timers.push(this.options.clock.after(seconds * 1000, fn));
  }

  /** An environment by name or id; AWS's InvalidParameterValue otherwise. */
  env(name: unknown, id?: unknown): EbEnvironment {
    const env =
      (typeof name === 'string' && this.environments.get(name)) ||
      [...this.environments.values()].find((e) => e.id === id);
    if (!env)
      throw new ServiceError(
        'InvalidParameterValue',
        `No Environment found for EnvironmentName = '${String(name ?? id)}'.`,
      );
    return env;
  }

  /** An application's versions by name; AWS's InvalidParameterValue otherwise. */
  app(name: unknown): Map<string, EbVersion> {
    const app = typeof name === 'string' ? this.applications.get(name) : undefined;
    if (!app)
      throw new ServiceError('InvalidParameterValue', `No Application named '${String(name)}' found.`);
    return app;
  }

  /** Commit the environment's deployed version was built from. */
  deployedCommit(environment: string): string | null {
    const env = this.environments.get(environment);
    if (!env?.versionLabel) return null;
    return this.applications.get(env.application)?.get(env.versionLabel)?.commitSha ?? null;
  }

  /** Applies the environment-health fault of the newest commit (health gate scenarios). */
  setHealth(environment: string, health: EbEnvironment['health'], causes: string[] = []): void {
    const env = this.env(environment);
    const status = health === 'Green' ? 'Ok' : health === 'Yellow' ? 'Warning' : 'Severe';
    if (env.healthStatus !== status)
      this.event(
        env.application,
        env.name,
        health === 'Green' ? 'INFO' : 'WARN',
        `Environment health has transitioned from ${env.healthStatus} to ${status}.${causes.length ? ` ${causes.join(' ')}` : ''}`,
      );
    Object.assign(env, { health, healthStatus: status, causes });
  }

  /** An environment as DescribeEnvironments / UpdateEnvironment describe it (EnvironmentDescription). */
  describeEnv(env: EbEnvironment) {
    return {
      EnvironmentName: env.name,
      EnvironmentId: env.id,
      ApplicationName: env.application,
      VersionLabel: env.versionLabel ?? undefined,
      SolutionStackName: '64bit Amazon Linux 2023 v4.3.0 running Python 3.11',
      PlatformArn: `arn:aws:elasticbeanstalk:${this.options.region}::platform/Python 3.11 running on 64bit Amazon Linux 2023/4.3.0`,
      EndpointURL: `awseb-${env.id}-AWSEBLoa-SANDBOX.${this.options.region}.elb.amazonaws.com`,
      CNAME: `${env.name}.${this.options.region}.elasticbeanstalk.com`,
      DateCreated: env.created,
      DateUpdated: env.updated,
      Status: env.status,
      AbortableOperationInProgress: env.status === 'Updating',
      Health: env.health,
      HealthStatus: env.healthStatus,
      Tier: { Name: 'WebServer', Type: 'Standard', Version: '1.0' },
      EnvironmentArn: `arn:aws:elasticbeanstalk:${this.options.region}:${this.options.account}:environment/${env.application}/${env.name}`,
    };
  }

  /** An application as DescribeApplications describes it (ApplicationDescription). */
  describeApplication(name: string) {
    const versions = [...(this.applications.get(name)?.values() ?? [])];
    const created = this.applicationCreated.get(name) ?? new Date();
    return {
      ApplicationArn: `arn:aws:elasticbeanstalk:${this.options.region}:${this.options.account}:application/${name}`,
      ApplicationName: name,
      DateCreated: created,
      DateUpdated: versions.reduce((latest, v) => (v.updated > latest ? v.updated : latest), created),
      Versions: versions.map((v) => v.label).reverse(),
      ConfigurationTemplates: [],
    };
  }

  /**
   * The environment's instances: its fleet plus, during a traffic-splitting deployment, the
   * canary on the new version. While the environment is degraded, the newest instance carries the
   * environment's causes.
   */
  instancesOf(env: EbEnvironment): EbInstance[] {
    const failing = env.healthStatus === 'Degraded' || env.healthStatus === 'Severe';
    const count = env.instances + (env.deployment?.canaryPercent ? 1 : 0);
    const zones = ['a', 'b', 'c'];
    return Array.from({ length: count }, (_, index) => {
      const canary = index >= env.instances;
      const unhealthy = failing && index === count - 1;
      return {
        id: `i-0${env.id.slice(2)}${index.toString(16).padStart(6, '0')}`,
        healthStatus: unhealthy ? env.healthStatus : 'Ok',
        color: unhealthy ? env.health : 'Green',
        causes: unhealthy ? env.causes : [],
        launchedAt: canary ? (env.deployment?.startedAt ?? env.updated) : env.created,
        versionLabel: canary ? (env.deployment?.versionLabel ?? null) : env.versionLabel,
        deploymentId: canary ? 2 : 1,
        availabilityZone: `${this.options.region}${zones[index % zones.length]}`,
      };
    });
  }

  /** A version as DescribeApplicationVersions describes it (ApplicationVersionDescription). */
  describeVersion(application: string, v: EbVersion) {
    return {
      ApplicationVersionArn: `arn:aws:elasticbeanstalk:${this.options.region}:${this.options.account}:applicationversion/${application}/${v.label}`,
      ApplicationName: application,
      Description: v.description,
      VersionLabel: v.label,
      SourceBundle: v.bundle,
      DateCreated: v.created,
      DateUpdated: v.updated,
      Status: v.status,
    };
  }

  /** CreateApplicationVersion: registers a version from its S3 bundle and processes it. */
  createVersion(input: Record<string, unknown>) {
    const application = String(input.ApplicationName ?? '');
    const label = String(input.VersionLabel ?? '');
    if (!label)
      throw new ServiceError('MissingParameter', 'The request must contain the parameter VersionLabel.');
    const versions = this.app(application);
    if (versions.has(label))
      throw new ServiceError('InvalidParameterValue', `Application Version ${label} already exists.`);
    const bundle = input.SourceBundle as { S3Bucket?: string; S3Key?: string } | undefined;
    if (!bundle?.S3Bucket || !bundle.S3Key)
      throw new ServiceError('InvalidParameterValue', 'SourceBundle must name an S3Bucket and an S3Key.');
    const object = this.options.s3.get(bundle.S3Bucket, bundle.S3Key);
    const now = new Date();
    const process = String(input.Process) === 'true';
    const version: EbVersion = {
      label,
      description: String(input.Description ?? ''),
      bundle: { S3Bucket: bundle.S3Bucket, S3Key: bundle.S3Key },
      status: process ? 'PROCESSING' : 'UNPROCESSED',
      created: now,
      updated: now,
      commitSha: object?.metadata['commit-sha'] ?? /[0-9a-f]{40}/.exec(bundle.S3Key)?.[0] ?? null,
    };
    versions.set(label, version);
    if (!object && !process)
      throw new ServiceError(
        'InvalidParameterCombination',
        `Unable to download from S3 location (Bucket: ${bundle.S3Bucket} Key: ${bundle.S3Key}). Reason: Not Found`,
      );
    if (process) {
      this.at(15, () => {
        version.updated = new Date();
        if (object) {
          version.status = 'PROCESSED';
        } else {
          version.status = 'FAILED';
          this.event(
            application,
            undefined,
            'ERROR',
            `Unable to download from S3 location (Bucket: ${bundle.S3Bucket} Key: ${bundle.S3Key}). Reason: Not Found`,
            label,
          );
        }
      });
    }
    this.event(application, undefined, 'INFO', `createApplicationVersion is starting.`, label);
    return { ApplicationVersion: this.describeVersion(application, version) };
  }

  /** UpdateEnvironment: starts a deployment by policy (TrafficSplitting, AllAtOnce, Rolling, Immutable). */
  update(input: Record<string, unknown>) {
    const env = this.env(input.EnvironmentName, input.EnvironmentId);
    if (env.status !== 'Ready')
      throw new ServiceError(
        'InvalidParameterValue',
        `Environment named ${env.name} is in an invalid state for this operation. Must be Ready.`,
      );
    const label = input.VersionLabel === undefined ? undefined : String(input.VersionLabel);
    const options = new Map<string, string>();
    for (const o of (input.OptionSettings as
      { Namespace?: string; OptionName?: string; Value?: string }[] | undefined) ?? [])
      options.set(`${o.Namespace}:${o.OptionName}`, String(o.Value ?? ''));
    if (label === undefined) {
      // A configuration-only update: applied quickly, no version change.
      env.status = 'Updating';
      this.event(env.application, env.name, 'INFO', 'Updating environment configuration settings.');
      this.at(45, () => {
        env.status = 'Ready';
        env.updated = new Date();
        this.event(env.application, env.name, 'INFO', 'Environment update completed successfully.');
      });
      return this.describeEnv(env);
    }
    const version = this.app(env.application).get(label);
    if (!version)
      throw new ServiceError('InvalidParameterValue', `No Application Version named '${label}' found.`);
    if (version.status === 'FAILED')
      throw new ServiceError(
        'InvalidParameterValue',
        `Application version ${label} failed processing and cannot be deployed.`,
      );
    const policy = options.get('aws:elasticbeanstalk:command:DeploymentPolicy') ?? 'AllAtOnce';
    const percent = Number(options.get('aws:elasticbeanstalk:trafficsplitting:NewVersionPercent') ?? 10);
    const evaluationMinutes = Number(
      options.get('aws:elasticbeanstalk:trafficsplitting:EvaluationTime') ?? 5,
    );
    env.status = 'Updating';
    env.healthStatus = 'Info';
    env.updated = new Date();
    env.deployment = {
      versionLabel: label,
      policy,
      startedAt: new Date(),
      ...(policy === 'TrafficSplitting' && { canaryPercent: percent }),
    };
    this.event(env.application, env.name, 'INFO', 'Environment update is starting.');
    if (policy === 'TrafficSplitting') this.trafficSplitting(env, version, percent, evaluationMinutes);
    else this.replace(env, version, policy);
    return this.describeEnv(env);
  }

  /** Canary: a temporary fleet on the new version takes `percent` of the traffic for the evaluation window. */
  private trafficSplitting(
    env: EbEnvironment,
    version: EbVersion,
    percent: number,
    evaluationMinutes: number,
  ): void {
    const group = `awseb-${env.id}-immutable-stack-AWSEBAutoScalingGroup-${randomBytes(6).toString('hex').toUpperCase()}`;
    const fail = this.options.faults.faultsFor(version.commitSha).canaryRegression === true;
    const log = (severity: EbEvent['Severity'], message: string) =>
      this.event(env.application, env.name, severity, message);
    this.at(5, () =>
      log(
        'INFO',
        `Traffic splitting deployment policy enabled. Launching instances with the new application version ${version.label} in a temporary Auto Scaling group.`,
      ),
    );
    this.at(60, () => log('INFO', `Created temporary auto scaling group ${group}.`));
    this.at(110, () => log('INFO', 'Instance deployment completed successfully on the new instances.'));
    this.at(120, () =>
      log(
        'INFO',
        `Sending ${percent}% of traffic to the new application version. Evaluating its health for ${evaluationMinutes} minutes.`,
      ),
    );
    const evaluationEnd = 120 + evaluationMinutes * 60;
    if (fail) {
      const degradedAt = 120 + Math.min(90, (evaluationMinutes * 60) / 2);
      this.at(degradedAt, () => {
        env.health = 'Red';
        env.healthStatus = 'Degraded';
        env.causes = ['28.0 % of the requests to the new application version are failing with HTTP 5xx.'];
        log(
          'WARN',
          'Environment health has transitioned from Info to Degraded. 28.0 % of the requests to the new application version are failing with HTTP 5xx.',
        );
      });
      this.at(degradedAt + 30, () => {
        log(
          'ERROR',
          'Traffic splitting evaluation failed: the new application version did not pass health checks.',
        );
        log('INFO', 'Rolling back traffic to the previous application version.');
      });
      this.at(degradedAt + 90, () =>
        log('INFO', `Deleting temporary Auto Scaling group ${group} and terminating its instances.`),
      );
      this.at(degradedAt + 120, () => {
        Object.assign(env, {
          status: 'Ready',
          health: 'Green',
          healthStatus: 'Ok',
          causes: [],
          updated: new Date(),
        });
        delete env.deployment;
        log('ERROR', 'Failed to deploy application.');
        log('INFO', 'Environment health has transitioned from Degraded to Ok.');
        this.options.onChange?.();
      });
      return;
    }
    this.at(evaluationEnd, () =>
      log(
        'INFO',
        'Traffic splitting evaluation succeeded. Shifting all traffic to the new application version.',
      ),
    );
    this.at(evaluationEnd + 30, () =>
      log('INFO', `Deleting the previous Auto Scaling group instances; ${group} now serves the environment.`),
    );
    this.at(evaluationEnd + 45, () => this.complete(env, version));
  }

  /** AllAtOnce / Rolling / Immutable: the fleet moves to the version. */
  private replace(env: EbEnvironment, version: EbVersion, policy: string): void {
    const log = (severity: EbEvent['Severity'], message: string) =>
      this.event(env.application, env.name, severity, message);
    if (policy === 'Immutable') {
      this.at(5, () =>
        log(
          'INFO',
          'Immutable deployment policy enabled. Launching one instance with the new settings to verify health.',
        ),
      );
      this.at(60, () =>
        log(
          'INFO',
          `Created temporary auto scaling group awseb-${env.id}-immutable-stack-AWSEBAutoScalingGroup-${randomBytes(6).toString('hex').toUpperCase()}.`,
        ),
      );
      this.at(120, () => log('INFO', 'Adding new instance(s) to the load balancer.'));
      this.at(165, () => log('INFO', 'Deleting temporary Auto Scaling group and its instances.'));
    } else {
      this.at(5, () => log('INFO', `Deploying new version to instance(s).`));
      this.at(120, () => log('INFO', 'Instance deployment completed successfully.'));
    }
    this.at(180, () => this.complete(env, version));
  }

  private complete(env: EbEnvironment, version: EbVersion): void {
    env.previousVersionLabel = env.versionLabel;
    Object.assign(env, {
      versionLabel: version.label,
      status: 'Ready',
      healthStatus: 'Ok',
      health: 'Green',
      causes: [],
      updated: new Date(),
    });
    delete env.deployment;
    this.event(
      env.application,
      env.name,
      'INFO',
      'New application version was deployed to running EC2 instances.',
    );
    this.event(env.application, env.name, 'INFO', 'Environment update completed successfully.');
    this.options.onChange?.();
  }

  reset(): void {
    for (const timer of this.timers) this.options.clock.cancel(timer);
    this.timers = [];
    this.applications.clear();
    this.applicationCreated.clear();
    this.environments.clear();
    this.events.length = 0;
  }
}
