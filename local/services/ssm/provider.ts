/**
 * SSM's wire API (JSON 1.1, `X-Amz-Target: AmazonSSM.<Operation>`) over the simulated fleet:
 * DescribeInstanceInformation, SendCommand, ListCommands, ListCommandInvocations, GetCommandInvocation.
 */
import type { JsonService, RequestContext } from '../../aws/server';
import { ServiceError } from '../../aws/service-error';
import { pageOf } from '../pagination';
import { OUTPUT_LIMIT, outputKey, SSM_AGENT_VERSION, type Command, type FleetSimulator } from './model';

/** SSM's answer to a NextToken it did not issue (API reference, ListCommands errors: InvalidNextToken). */
const badToken = () => new ServiceError('InvalidNextToken', "The specified token isn't valid.");

/** A command as ListCommands / SendCommand describe it. */
function describeCommand(c: Command) {
  const invocations = [...c.invocations.values()];
  return {
    CommandId: c.id,
    DocumentName: c.documentName,
    DocumentVersion: '$DEFAULT',
    Comment: c.comment,
    ExpiresAfter: new Date(c.requested.getTime() + (c.timeoutSeconds + 3600) * 1000),
    Parameters: c.parameters,
    InstanceIds: c.targets.length ? [] : c.instanceIds,
    Targets: c.targets,
    RequestedDateTime: c.requested,
    Status: c.status,
    StatusDetails: c.status,
    MaxConcurrency: c.maxConcurrency,
    MaxErrors: c.maxErrors,
    TargetCount: c.instanceIds.length,
    CompletedCount: invocations.filter((i) => !['Pending', 'InProgress'].includes(i.status)).length,
    ErrorCount: invocations.filter((i) => i.status === 'Failed').length,
    DeliveryTimedOutCount: invocations.filter((i) => i.status === 'TimedOut').length,
    TimeoutSeconds: c.timeoutSeconds,
  };
}

/** The SSM service answering from `fleet`. */
export function ssmProvider(fleet: FleetSimulator): JsonService {
  const pluginName = (c: Command) =>
    c.documentName.endsWith('AWS-RunShellScript') ? 'aws:runShellScript' : 'releaseService';
  const iso = (d: Date | undefined) => (d ? d.toISOString() : '');
  return {
    name: 'ssm',
    targetPrefix: 'AmazonSSM',
    jsonVersion: '1.1',
    operations: {
      DescribeInstanceInformation: (input: {
        Filters?: { Key: string; Values: string[] }[];
        InstanceInformationFilterList?: { key: string; valueSet: string[] }[];
        MaxResults?: number;
        NextToken?: string;
      }) => {
        let list = fleet.list();
        for (const filter of input.Filters ?? []) {
          if (filter.Key.startsWith('tag:'))
            list = list.filter((i) => filter.Values.includes(i.tags[filter.Key.slice(4)] ?? ''));
          else if (filter.Key === 'InstanceIds') list = list.filter((i) => filter.Values.includes(i.id));
          else if (filter.Key === 'PingStatus')
            list = list.filter((i) => filter.Values.includes(i.pingStatus));
          else if (filter.Key === 'tag-key')
            list = list.filter((i) => filter.Values.some((v) => v in i.tags));
          else
            throw new ServiceError(
              'InvalidFilterKey',
              `The filter key ${filter.Key} is not supported by the sandbox`,
            );
        }
        for (const filter of input.InstanceInformationFilterList ?? []) {
          if (filter.key === 'InstanceIds') list = list.filter((i) => filter.valueSet.includes(i.id));
          else if (filter.key === 'PingStatus')
            list = list.filter((i) => filter.valueSet.includes(i.pingStatus));
          else
            throw new ServiceError(
              'InvalidInstanceInformationFilterValue',
              `The filter key ${filter.key} is not supported by the sandbox`,
            );
        }
        const max = input.MaxResults ?? 50;
        const offset = input.NextToken ? Number(Buffer.from(input.NextToken, 'base64url').toString()) : 0;
        if (!Number.isInteger(offset))
          throw new ServiceError('InvalidNextToken', 'The specified token is not valid.');
        const page = list.slice(offset, offset + max);
        return {
          InstanceInformationList: page.map((i) => ({
            InstanceId: i.id,
            PingStatus: i.pingStatus,
            LastPingDateTime: new Date(),
            // A current agent: 3.3.3572.0 (aws/amazon-ssm-agent release of 2025-12-10); the release
            // document's ENV_VAR parameters need 3.3.2746.0 or later ("agents before 3.3.2746.0
            // ignore interpolationType": AWS Systems Manager User Guide; deployctl doctor checks it).
            AgentVersion: SSM_AGENT_VERSION,
            IsLatestVersion: true,
            PlatformType: 'Linux',
            PlatformName: 'Amazon Linux',
            PlatformVersion: '2023',
            ResourceType: 'EC2Instance',
            IPAddress: i.ip,
            ComputerName: `ip-${i.ip.replace(/\./g, '-')}.ec2.internal`,
            AssociationStatus: 'Success',
            SourceId: i.id,
            SourceType: 'AWS::EC2::Instance',
          })),
          ...(offset + max < list.length && {
            NextToken: Buffer.from(String(offset + max)).toString('base64url'),
          }),
        };
      },
      SendCommand: (input: Parameters<FleetSimulator['send']>[0]) => ({
        Command: describeCommand(fleet.send(input)),
      }),
      /**
       * ListCommands (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListCommands.html):
       * newest first, MaxResults 1-50 (default 50) with NextToken; an unknown CommandId is
       * InvalidCommandId.
       */
      ListCommands: (input: {
        CommandId?: string;
        InstanceId?: string;
        MaxResults?: number;
        NextToken?: string;
      }) => {
        const commands = input.CommandId
          ? [fleet.command(input.CommandId)]
          : [...fleet.commands.values()].reverse();
        const matching = commands.filter((c) => !input.InstanceId || c.invocations.has(input.InstanceId));
        const page = pageOf(matching, input.NextToken, input.MaxResults ?? 50, 'ssm:ListCommands', badToken);
        return {
          Commands: page.items.map((c) => describeCommand(c)),
          ...(page.next && { NextToken: page.next }),
        };
      },
      ListCommandInvocations: (input: { CommandId?: string; InstanceId?: string; Details?: boolean }) => {
        const commands = input.CommandId ? [fleet.command(input.CommandId)] : [...fleet.commands.values()];
        return {
          CommandInvocations: commands.flatMap((c) =>
            [...c.invocations.values()]
              .filter((i) => !input.InstanceId || i.instanceId === input.InstanceId)
              .map((i) => ({
                CommandId: c.id,
                InstanceId: i.instanceId,
                InstanceName: `ip-${fleet.instances.get(i.instanceId)?.ip.replace(/\./g, '-') ?? 'unknown'}.ec2.internal`,
                Comment: c.comment,
                DocumentName: c.documentName,
                DocumentVersion: '$DEFAULT',
                RequestedDateTime: i.requested,
                Status: i.status,
                StatusDetails: i.statusDetails,
                StandardOutputUrl: '',
                StandardErrorUrl: '',
                ...(input.Details && {
                  CommandPlugins: [
                    {
                      Name: pluginName(c),
                      Status: i.status,
                      StatusDetails: i.statusDetails,
                      ResponseCode: i.responseCode,
                      ...(i.started && { ResponseStartDateTime: i.started }),
                      ...(i.ended && { ResponseFinishDateTime: i.ended }),
                      Output: `${i.stdout}${i.stderr ? `\n----------ERROR-------\n${i.stderr}` : ''}`.slice(
                        0,
                        OUTPUT_LIMIT,
                      ),
                      StandardOutputUrl: '',
                      StandardErrorUrl: '',
                    },
                  ],
                }),
              })),
          ),
        };
      },
      /**
       * GetCommandInvocation
       * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetCommandInvocation.html):
       * errors InvalidCommandId, InvalidInstanceId, InvalidPluginName and InvocationDoesNotExist
       * as the reference describes them.
       */
      GetCommandInvocation: (
        input: { CommandId?: string; InstanceId?: string; PluginName?: string },
        ctx: RequestContext,
      ) => {
        // A well-formed id (36 characters, botocore's CommandId min/max) that names no command is
        // InvocationDoesNotExist, as right after SendCommand; a malformed one InvalidCommandId.
        if (
          typeof input.CommandId === 'string' &&
          input.CommandId.length === 36 &&
          !fleet.commands.has(input.CommandId)
        )
          throw new ServiceError(
            'InvocationDoesNotExist',
            "The command ID and managed node ID you specified didn't match any invocations. Verify the command ID and the managed node ID and try again.",
          );
        const command = fleet.command(input.CommandId);
        if (!fleet.instances.has(String(input.InstanceId)))
          throw new ServiceError(
            'InvalidInstanceId',
            `Instances [[${String(input.InstanceId)}]] not in a valid state for account`,
          );
        const invocation = command.invocations.get(String(input.InstanceId));
        if (!invocation)
          throw new ServiceError(
            'InvocationDoesNotExist',
            "The command ID and managed node ID you specified didn't match any invocations. Verify the command ID and the managed node ID and try again.",
          );
        if (input.PluginName !== undefined && input.PluginName !== pluginName(command))
          throw new ServiceError('InvalidPluginName', "The plugin name isn't valid.");
        const elapsed = invocation.started
          ? Math.round(((invocation.ended ?? new Date()).getTime() - invocation.started.getTime()) / 1000)
          : 0;
        const done = ['Success', 'Failed', 'Cancelled', 'TimedOut'].includes(invocation.status);
        // GetCommandInvocation (API reference, botocore ssm/2014-11-06): StandardOutputContent is
        // "the first 24,000 characters written by the plugin to stdout ... if ExecutionStatus is
        // neither Succeeded nor Failed, then this string is empty"; StandardErrorContent the first
        // 8,000 characters of stderr once finished; the URLs point at the complete output in S3
        // when the command was sent with OutputS3BucketName, and are empty otherwise.
        const hasOutput = invocation.status === 'Success' || invocation.status === 'Failed';
        const step = command.documentName.endsWith('AWS-RunShellScript')
          ? '0.awsrunShellScript'
          : 'releaseService';
        const url = (stream: 'stdout' | 'stderr') =>
          command.outputS3 && invocation[stream]
            ? `https://s3.${ctx.region}.amazonaws.com/${command.outputS3.bucket}/${outputKey(command, invocation.instanceId, stream, step)}`
            : '';
        return {
          CommandId: command.id,
          InstanceId: invocation.instanceId,
          Comment: command.comment,
          DocumentName: command.documentName,
          DocumentVersion: '$DEFAULT',
          PluginName: pluginName(command),
          ResponseCode: invocation.responseCode,
          ExecutionStartDateTime: iso(invocation.started),
          ExecutionElapsedTime: `PT${elapsed}S`,
          ExecutionEndDateTime: iso(invocation.ended),
          Status: invocation.status,
          StatusDetails: invocation.statusDetails,
          // Like SSM, output is there once the plugin has finished.
          StandardOutputContent: hasOutput ? invocation.stdout.slice(0, 24000) : '',
          StandardOutputUrl: done ? url('stdout') : '',
          StandardErrorContent: done ? invocation.stderr.slice(0, 8000) : '',
          StandardErrorUrl: done ? url('stderr') : '',
          CloudWatchOutputConfig: command.logGroup
            ? { CloudWatchLogGroupName: command.logGroup, CloudWatchOutputEnabled: true }
            : { CloudWatchOutputEnabled: false },
        };
      },
    },
  };
}
