/**
 * The Elastic Beanstalk side of a canary deployment. Each function takes the client (built once
 * in commons/clients) and the pipeline's target; the decisions live in the pure modules beside.
 */
import {
  CreateApplicationVersionCommand,
  DeleteApplicationVersionCommand,
  DescribeApplicationVersionsCommand,
  DescribeEnvironmentsCommand,
  DescribeEventsCommand,
  UpdateEnvironmentCommand,
  type ApplicationVersionDescription,
  type ElasticBeanstalkClient,
  type EnvironmentDescription,
} from '@aws-sdk/client-elastic-beanstalk';
import type { ElasticBeanstalkTarget } from '../commons/config/schema';
import { DeployRejectedError, TargetNotFoundError, VersionProcessingFailedError } from '../commons/errors';
import type {
  ArtifactLocation,
  CreateVersionResult,
  CurrentVersionResult,
  DeployStatusResult,
  StartDeployResult,
  VersionStatusResult,
} from '../commons/types/tasks';
import { isTooManyVersions, isUpdateInProgress, isVersionAlreadyExists } from './beanstalk-errors';
import { classifyDeploy, type BeanstalkEventRecord } from './classify-deploy';
import { canaryOptionSettings, rollbackOptionSettings } from './option-settings';
import { versionDescription, versionLabelFor } from './version-label';

export interface Deps {
  client: ElasticBeanstalkClient;
  target: ElasticBeanstalkTarget;
  now?: () => Date;
}

/** Version status upper-cased: the API documents `PROCESSED`, the SDK's enum spells `Processed`. */
const statusOf = (v: ApplicationVersionDescription) => String(v.Status ?? '').toUpperCase();

const where = (t: ElasticBeanstalkTarget) =>
  `environment "${t.environment}" of application "${t.application}"`;

async function describeVersion(
  { client, target }: Deps,
  versionLabel: string,
): Promise<ApplicationVersionDescription | undefined> {
  const out = await client.send(
    new DescribeApplicationVersionsCommand({
      ApplicationName: target.application,
      VersionLabels: [versionLabel],
    }),
  );
  return out.ApplicationVersions?.find((v) => v.VersionLabel === versionLabel);
}

/** The live environment, or TargetNotFoundError naming application and environment. */
export async function describeEnvironment({ client, target }: Deps): Promise<EnvironmentDescription> {
  const out = await client.send(
    new DescribeEnvironmentsCommand({
      ApplicationName: target.application,
      EnvironmentNames: [target.environment],
      IncludeDeleted: false,
    }),
  );
  const env = out.Environments?.find(
    (e) => e.EnvironmentName === target.environment && e.Status !== 'Terminated',
  );
  if (!env) throw new TargetNotFoundError(`Elastic Beanstalk ${where(target)} does not exist`);
  return env;
}

/** Creates the application version from the artifact; a label that exists (retry, redeploy) is reused. */
export async function createVersion(
  deps: Deps,
  request: { pipeline: string; commitSha: string; artifact: ArtifactLocation; description?: string },
): Promise<CreateVersionResult> {
  const versionLabel = versionLabelFor(request.commitSha);
  const existing = await describeVersion(deps, versionLabel);
  if (existing && statusOf(existing) !== 'FAILED') return { versionLabel };
  if (existing) {
    // A bundle that failed processing earlier (e.g. S3 was not consistent yet) is replaced, not reused.
    await deps.client.send(
      new DeleteApplicationVersionCommand({
        ApplicationName: deps.target.application,
        VersionLabel: versionLabel,
        DeleteSourceBundle: false,
      }),
    );
  }
  try {
    await deps.client.send(
      new CreateApplicationVersionCommand({
        ApplicationName: deps.target.application,
        VersionLabel: versionLabel,
        Description: versionDescription(request.pipeline, request.commitSha, request.description),
        SourceBundle: { S3Bucket: request.artifact.bucket, S3Key: request.artifact.key },
        Process: true,
      }),
    );
  } catch (error) {
    if (isVersionAlreadyExists(error)) return { versionLabel };
    if (isTooManyVersions(error)) {
      throw new DeployRejectedError(
        `application "${deps.target.application}" has too many versions: add an application version lifecycle policy`,
        { cause: error },
      );
    }
    throw error;
  }
  return { versionLabel };
}

/** Processing state of a version; FAILED becomes VersionProcessingFailedError with Beanstalk's reason. */
export async function versionStatus(deps: Deps, versionLabel: string): Promise<VersionStatusResult> {
  const version = await describeVersion(deps, versionLabel);
  if (!version)
    throw new VersionProcessingFailedError(
      `application version "${versionLabel}" of "${deps.target.application}" does not exist`,
    );
  if (statusOf(version) === 'PROCESSED') return { status: 'processed', waitSeconds: 0 };
  if (statusOf(version) !== 'FAILED') return { status: 'processing', waitSeconds: 5 };
  const events = await deps.client.send(
    new DescribeEventsCommand({
      ApplicationName: deps.target.application,
      VersionLabel: versionLabel,
      Severity: 'ERROR',
      MaxRecords: 5,
    }),
  );
  const reason = events.Events?.[0]?.Message ?? 'no reason reported';
  const bundle = version.SourceBundle
    ? ` (s3://${version.SourceBundle.S3Bucket}/${version.SourceBundle.S3Key})`
    : '';
  throw new VersionProcessingFailedError(
    `application version "${versionLabel}"${bundle} failed processing: ${reason}`,
  );
}

async function update(
  deps: Deps,
  versionLabel: string,
  optionSettings: ReturnType<typeof canaryOptionSettings>,
): Promise<StartDeployResult> {
  const env = await describeEnvironment(deps);
  const startedAt = (deps.now?.() ?? new Date()).toISOString();
  try {
    await deps.client.send(
      new UpdateEnvironmentCommand({
        ApplicationName: deps.target.application,
        EnvironmentName: deps.target.environment,
        VersionLabel: versionLabel,
        OptionSettings: optionSettings,
      }),
    );
  } catch (error) {
    if (isUpdateInProgress(error)) {
      throw new DeployRejectedError(
        `${where(deps.target)} is busy (status ${env.Status ?? 'unknown'}): an update is already in progress`,
        { cause: error },
      );
    }
    throw error;
  }
  return {
    versionLabel,
    previousVersionLabel: env.VersionLabel ?? null,
    startedAt,
    application: deps.target.application,
    environment: deps.target.environment,
  };
}

/** Starts the TrafficSplitting canary of `versionLabel`; remembers the version it replaces. */
export function startDeploy(deps: Deps, versionLabel: string): Promise<StartDeployResult> {
  return update(deps, versionLabel, canaryOptionSettings(deps.target));
}

/** Puts a known-good version back (Immutable: see option-settings.ts for why). Poll with deployStatus. */
export function rollback(deps: Deps, versionLabel: string): Promise<StartDeployResult> {
  return update(deps, versionLabel, rollbackOptionSettings());
}

/** Where the deployment stands, from the environment and its events since `startedAt`; `reason` says why in one line. */
export async function deployStatus(
  deps: Deps,
  versionLabel: string,
  startedAt: string,
): Promise<DeployStatusResult & { reason: string }> {
  const env = await describeEnvironment(deps);
  const out = await deps.client.send(
    new DescribeEventsCommand({
      ApplicationName: deps.target.application,
      EnvironmentName: deps.target.environment,
      StartTime: new Date(startedAt),
      MaxRecords: 100,
    }),
  );
  const events: BeanstalkEventRecord[] = (out.Events ?? []).map((e) => ({
    date: e.EventDate ?? new Date(startedAt),
    severity: e.Severity ?? 'INFO',
    message: e.Message ?? '',
  }));
  const environment = {
    status: env.Status ?? 'Unknown',
    health: env.Health ?? 'Grey',
    versionLabel: env.VersionLabel ?? null,
  };
  const result = classifyDeploy({
    environment,
    events,
    versionLabel,
    startedAt: new Date(startedAt),
    now: deps.now?.() ?? new Date(),
    evaluationMinutes: deps.target.canary.evaluationMinutes,
  });
  return {
    status: result.status,
    reason: result.reason,
    deployedVersionLabel: environment.versionLabel,
    environmentStatus: environment.status,
    health: environment.health,
    events: result.events,
    waitSeconds: result.waitSeconds,
  };
}

/** The version the environment runs now (null for an environment without one). */
export async function currentVersion(deps: Deps): Promise<CurrentVersionResult> {
  const env = await describeEnvironment(deps);
  return { versionLabel: env.VersionLabel ?? null };
}
