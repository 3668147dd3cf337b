/**
 * The SSM side of a rolling EC2 release. Each function takes the client (built once in
 * commons/clients) and the pipeline's target; parameter rules and status reading live beside.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import {
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type CommandInvocation,
  type SendCommandCommandInput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { Ec2SsmTarget } from '../commons/config/schema';
import { cutText } from '../commons/text';
import type { ArtifactLocation, StartReleaseResult } from '../commons/types/tasks';
import { classifyRelease, type InvocationSnapshot, type ReleaseClassification } from './classify-release';
import { instanceOutput } from './command-output';
import { tailOutput } from './output-tail';
import { toCommandParameters, validateDocumentParameters, type DocumentParameters } from './parameters';

export interface Deps {
  client: SSMClient;
  target: Ec2SsmTarget;
  pipeline: string;
  pythonVersion: string;
  /** SSM_DOCUMENT_NAME */
  documentName: string;
  /** SSM_LOG_GROUP: CloudWatch Logs group for command output (optional). */
  logGroup?: string | undefined;
  /** SSM_OUTPUT_BUCKET: S3 bucket for the commands' complete output (optional), under OUTPUT_PREFIX. */
  outputBucket?: string | undefined;
  /** Reads the end of a long output from outputBucket. */
  s3?: S3Client | undefined;
  now?: () => Date;
}

/**
 * How long an instance's turn may wait to start. With MaxConcurrency 1 the last instance starts
 * only after every other one has finished, so this is generous; each run is bounded by the
 * document's executionTimeout (900 s).
 */
export const DELIVERY_TIMEOUT_SECONDS = 3600;

/**
 * Output tails are kept for failed (and timed-out) instances only, and for at most this many of
 * them: a tail is up to 2,000 characters, and the status travels in the state's payload, whose
 * limit is 256 KiB (Step Functions quotas) even for a fleet of hundreds.
 */
export const MAX_OUTPUT_TAILS = 10;

/** Key prefix of the commands' complete output in SSM_OUTPUT_BUCKET (OutputS3KeyPrefix). */
export const OUTPUT_PREFIX = 'ssm-output';

/** The pipeline's release steps as the document's releaseEnvironment / releaseCommands values. */
export function releaseStepParameters(
  release: Ec2SsmTarget['release'] | undefined,
): Pick<DocumentParameters, 'releaseEnvironment' | 'releaseCommands'> {
  return {
    releaseEnvironment: Object.entries(release?.environment ?? {})
      .map(([name, value]) => `${name}:${value}`)
      .join('+'),
    releaseCommands: (release?.commands ?? []).map((command) => command.split(' ').join('+')).join(':'),
  };
}

function parametersFor(
  deps: Deps,
  action: 'release' | 'rollback',
  commitSha: string,
  artifact?: ArtifactLocation,
): DocumentParameters {
  return validateDocumentParameters({
    action,
    commitSha,
    artifactBucket: artifact?.bucket ?? '',
    artifactKey: artifact?.key ?? '',
    serviceName: deps.target.service,
    appDirectory: deps.target.appDirectory,
    healthUrl: deps.target.healthUrl,
    pythonVersion: deps.pythonVersion,
    ...releaseStepParameters(deps.target.release),
  });
}

async function send(
  deps: Deps,
  input: Omit<SendCommandCommandInput, 'DocumentName' | 'TimeoutSeconds'>,
): Promise<StartReleaseResult> {
  const startedAt = (deps.now?.() ?? new Date()).toISOString();
  const out = await deps.client.send(
    new SendCommandCommand({
      ...input,
      DocumentName: deps.documentName,
      TimeoutSeconds: DELIVERY_TIMEOUT_SECONDS,
      ...(deps.logGroup
        ? { CloudWatchOutputConfig: { CloudWatchLogGroupName: deps.logGroup, CloudWatchOutputEnabled: true } }
        : {}),
      // The complete output in S3 (GetCommandInvocation keeps only the first 24,000 characters).
      ...(deps.outputBucket
        ? { OutputS3BucketName: deps.outputBucket, OutputS3KeyPrefix: `${OUTPUT_PREFIX}/${deps.pipeline}` }
        : {}),
    }),
  );
  const commandId = out.Command?.CommandId;
  if (!commandId) throw new Error('SendCommand returned no command id');
  return { commandId, startedAt };
}

/** Sends the release to every instance with the target's tag, MaxConcurrency at a time. */
export function startRelease(
  deps: Deps,
  commitSha: string,
  artifact: ArtifactLocation,
): Promise<StartReleaseResult> {
  const parameters = parametersFor(deps, 'release', commitSha, artifact);
  return send(deps, {
    Targets: [{ Key: `tag:${deps.target.instanceTag.key}`, Values: [deps.target.instanceTag.value] }],
    MaxConcurrency: deps.target.maxConcurrency,
    MaxErrors: deps.target.maxErrors,
    Parameters: toCommandParameters(parameters),
    Comment: cutText(`${deps.pipeline} release ${commitSha.slice(0, 12)}`, 100),
  });
}

/**
 * SendCommand's InstanceIds holds at most 50 ids (botocore ssm/2014-11-06 service-2.json,
 * `InstanceIdList` max 50; SendCommand API reference, InstanceIds: "you can specify up to 50 IDs").
 */
export const SEND_COMMAND_MAX_INSTANCE_IDS = 50;

/** Joins the command ids of a rollback sent in batches; releaseStatus reads them all back. */
export const COMMAND_ID_SEPARATOR = ',';

/**
 * Some batches of a rollback were sent and a later one could not be: not retried by the state
 * machine (a resend would switch the first batches again), reported with what was sent.
 */
export class RollbackPartiallySentError extends Error {
  override readonly name = 'RollbackPartiallySentError';
}

/** `items` in consecutive groups of at most `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Switches the given instances back (to `commitSha` when installed there, else to their previous
 * release), MaxConcurrency at a time within each batch of 50 ids (one SendCommand per batch, the
 * batches run side by side). MaxErrors is 100%: one instance failing to roll back must not stop
 * the others from getting back to a known-good release. The result's commandId lists every
 * batch's command id, comma-separated, for releaseStatus.
 */
export async function rollback(
  deps: Deps,
  instanceIds: string[],
  commitSha: string | null,
): Promise<StartReleaseResult> {
  const parameters = parametersFor(deps, 'rollback', commitSha ?? 'previous');
  const unique = [...new Set(instanceIds)];
  const groups = batches(unique, SEND_COMMAND_MAX_INSTANCE_IDS);
  const sent: StartReleaseResult[] = [];
  for (const [index, group] of groups.entries()) {
    const part = groups.length > 1 ? ` (${index + 1}/${groups.length})` : '';
    try {
      sent.push(
        await send(deps, {
          InstanceIds: group,
          MaxConcurrency: deps.target.maxConcurrency,
          MaxErrors: '100%',
          Parameters: toCommandParameters(parameters),
          Comment: cutText(
            `${deps.pipeline} rollback to ${commitSha ? commitSha.slice(0, 12) : 'previous'}${part}`,
            100,
          ),
        }),
      );
    } catch (error) {
      if (sent.length === 0) throw error;
      throw new RollbackPartiallySentError(
        `rollback sent to ${sent.length * SEND_COMMAND_MAX_INSTANCE_IDS} of ${unique.length} instances ` +
          `(commands ${sent.map((s) => s.commandId).join(', ')}); batch ${index + 1} failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return {
    commandId: sent.map((s) => s.commandId).join(COMMAND_ID_SEPARATOR),
    startedAt: sent[0]!.startedAt,
  };
}

function pluginOutput(invocation: CommandInvocation): string {
  return (invocation.CommandPlugins ?? []).map((p) => p.Output ?? '').join('\n');
}

async function listInvocations(client: SSMClient, commandId: string): Promise<CommandInvocation[]> {
  const all: CommandInvocation[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(
      new ListCommandInvocationsCommand({
        CommandId: commandId,
        Details: true,
        MaxResults: 50,
        ...(NextToken ? { NextToken } : {}),
      }),
    );
    all.push(...(page.CommandInvocations ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return all;
}

/** The status of a batched command as one: running while any runs, Success only when all succeeded. */
function mergeCommandStatus(statuses: string[]): string {
  for (const running of ['Cancelling', 'InProgress', 'Pending'])
    if (statuses.includes(running)) return 'InProgress';
  const bad = statuses.find((s) => s !== 'Success');
  return bad ?? 'Success';
}

/** Where the release (or a rollback sent in batches: comma-separated command ids) stands on each instance. */
export async function releaseStatus(deps: Deps, commandId: string): Promise<ReleaseClassification> {
  const ids = commandId.split(COMMAND_ID_SEPARATOR);
  const statuses: string[] = [];
  const details: string[] = [];
  let targetCount = 0;
  let tails = 0;
  const snapshots: InvocationSnapshot[] = [];
  for (const id of ids) {
    const commands = await deps.client.send(new ListCommandsCommand({ CommandId: id }));
    const command = commands.Commands?.[0];
    if (!command) throw new Error(`SSM command ${id} was not found`);
    statuses.push(String(command.Status ?? 'Pending'));
    if (command.StatusDetails) details.push(command.StatusDetails);
    const invocations = await listInvocations(deps.client, id);
    targetCount += command.TargetCount ?? invocations.length;
    for (const invocation of invocations) {
      const instanceId = invocation.InstanceId ?? 'unknown';
      const status = String(invocation.Status ?? 'Pending');
      let outputTail = '';
      if ((status === 'Failed' || status === 'TimedOut') && tails < MAX_OUTPUT_TAILS) {
        tails += 1;
        const sources = { ssm: deps.client, s3: deps.s3, logGroup: deps.logGroup };
        outputTail = tailOutput(await instanceOutput(sources, id, instanceId, pluginOutput(invocation)));
      }
      snapshots.push({ instanceId, status, outputTail });
    }
  }
  const status = mergeCommandStatus(statuses);
  return classifyRelease(
    {
      status,
      ...(details.length > 0 ? { statusDetails: [...new Set(details)].join('; ') } : {}),
      targetCount,
    },
    snapshots,
  );
}
