/**
 * The SSM side of a rolling EC2 release. Each function takes the client (built once in
 * commons/clients) and the pipeline's target; parameter rules and status reading live beside.
 */
import {
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type CommandInvocation,
  type SendCommandCommandInput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { Ec2SsmTarget } from '../commons/config/schema';
import type { ArtifactLocation, StartReleaseResult } from '../commons/types/tasks';
import { classifyRelease, type InvocationSnapshot, type ReleaseClassification } from './classify-release';
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
  now?: () => Date;
}

/**
 * How long an instance's turn may wait to start. With MaxConcurrency 1 the last instance starts
 * only after every other one has finished, so this is generous; each run is bounded by the
 * document's executionTimeout (900 s).
 */
export const DELIVERY_TIMEOUT_SECONDS = 3600;

/** Output of failed instances is re-read in full (ListCommandInvocations keeps only its start). */
const MAX_FULL_OUTPUT_READS = 10;

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
    Comment: `${deps.pipeline} release ${commitSha.slice(0, 12)}`.slice(0, 100),
  });
}

/**
 * Switches the given instances back (to `commitSha` when installed there, else to their previous
 * release), MaxConcurrency at a time. MaxErrors is 100%: one instance failing to roll back must
 * not stop the others from getting back to a known-good release.
 */
export function rollback(
  deps: Deps,
  instanceIds: string[],
  commitSha: string | null,
): Promise<StartReleaseResult> {
  const parameters = parametersFor(deps, 'rollback', commitSha ?? 'previous');
  return send(deps, {
    InstanceIds: instanceIds,
    MaxConcurrency: deps.target.maxConcurrency,
    MaxErrors: '100%',
    Parameters: toCommandParameters(parameters),
    Comment: `${deps.pipeline} rollback to ${commitSha ? commitSha.slice(0, 12) : 'previous'}`.slice(0, 100),
  });
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

async function fullOutput(
  client: SSMClient,
  commandId: string,
  instanceId: string,
  fallback: string,
): Promise<string> {
  try {
    const out = await client.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
    );
    const text = [out.StandardOutputContent, out.StandardErrorContent]
      .map((part) => (part ?? '').trimEnd())
      .filter(Boolean)
      .join('\n');
    return text || fallback;
  } catch {
    return fallback; // the summary output is still worth reporting
  }
}

/** Where the release stands on each instance. */
export async function releaseStatus(deps: Deps, commandId: string): Promise<ReleaseClassification> {
  const commands = await deps.client.send(new ListCommandsCommand({ CommandId: commandId }));
  const command = commands.Commands?.[0];
  if (!command) throw new Error(`SSM command ${commandId} was not found`);
  const invocations = await listInvocations(deps.client, commandId);
  let fullReads = 0;
  const snapshots: InvocationSnapshot[] = [];
  for (const invocation of invocations) {
    const instanceId = invocation.InstanceId ?? 'unknown';
    const status = String(invocation.Status ?? 'Pending');
    let output = pluginOutput(invocation);
    if ((status === 'Failed' || status === 'TimedOut') && fullReads < MAX_FULL_OUTPUT_READS) {
      fullReads += 1;
      output = await fullOutput(deps.client, commandId, instanceId, output);
    }
    snapshots.push({ instanceId, status, outputTail: tailOutput(output) });
  }
  return classifyRelease(
    {
      status: String(command.Status ?? 'Pending'),
      ...(command.StatusDetails ? { statusDetails: command.StatusDetails } : {}),
      targetCount: command.TargetCount ?? snapshots.length,
    },
    snapshots,
  );
}
