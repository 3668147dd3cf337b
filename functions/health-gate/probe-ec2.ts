/**
 * Finds the pipeline's EC2 instances by tag through SSM (no EC2 API needed), checks that each
 * SSM agent is online, then runs the fixed resource check on the online ones and judges it.
 */
import {
  DescribeInstanceInformationCommand,
  SendCommandCommand,
  type InstanceInformation,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { Ec2SsmTarget, PipelineSettings } from '../commons/config/schema';
import { TargetNotFoundError } from '../commons/errors';
import type { HealthFinding } from '../commons/types/tasks';
import { waitForInvocations, type PollOptions } from './command-poller';
import { judgeResources, RESOURCE_CHECK_SCRIPT } from './resource-check';

/** SendCommand accepts at most 50 instance ids per call. */
const MAX_TARGETS_PER_COMMAND = 50;

/** Instances registered with SSM that carry the tag. */
export async function listTaggedInstances(
  client: SSMClient,
  tag: Ec2SsmTarget['instanceTag'],
): Promise<InstanceInformation[]> {
  const instances: InstanceInformation[] = [];
  let nextToken: string | undefined;
  do {
    const out = await client.send(
      new DescribeInstanceInformationCommand({
        Filters: [{ Key: `tag:${tag.key}`, Values: [tag.value] }],
        MaxResults: 50,
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    instances.push(...(out.InstanceInformationList ?? []));
    nextToken = out.NextToken;
  } while (nextToken);
  return instances;
}

/** Runs the resource check on `instanceIds` and returns the invocations' results. */
async function runResourceCheck(client: SSMClient, instanceIds: string[], poll: PollOptions) {
  const executionTimeout = String(Math.max(10, Math.ceil(poll.timeoutMs / 1000)));
  const batches: string[][] = [];
  for (let i = 0; i < instanceIds.length; i += MAX_TARGETS_PER_COMMAND)
    batches.push(instanceIds.slice(i, i + MAX_TARGETS_PER_COMMAND));
  const results = await Promise.all(
    batches.map(async (batch) => {
      const out = await client.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: batch,
          Parameters: { commands: [...RESOURCE_CHECK_SCRIPT], executionTimeout: [executionTimeout] },
          TimeoutSeconds: 30,
          Comment: 'deploy-controller health gate: resource check',
        }),
      );
      const commandId = out.Command?.CommandId;
      if (!commandId) throw new Error('SSM SendCommand returned no CommandId');
      return waitForInvocations(client, commandId, batch, poll);
    }),
  );
  return results.flat();
}

/** Findings for every tagged instance; TargetNotFoundError when no instance carries the tag. */
export async function probeEc2(
  client: SSMClient,
  target: Ec2SsmTarget,
  health: PipelineSettings['health'],
  poll: PollOptions,
): Promise<HealthFinding[]> {
  const instances = await listTaggedInstances(client, target.instanceTag);
  if (instances.length === 0) {
    throw new TargetNotFoundError(
      `no EC2 instances with tag ${target.instanceTag.key}=${target.instanceTag.value} are registered with Systems Manager`,
    );
  }
  const findings: HealthFinding[] = instances.map((instance) => ({
    resource: instance.InstanceId ?? 'unknown',
    check: 'ssm-agent',
    ok: instance.PingStatus === 'Online',
    detail: `SSM agent ${instance.PingStatus ?? 'unknown'}`,
  }));
  const online = instances.filter((i) => i.PingStatus === 'Online' && i.InstanceId).map((i) => i.InstanceId!);
  if (online.length === 0) return findings;
  for (const result of await runResourceCheck(client, online, poll)) {
    findings.push(...judgeResources(result.instanceId, result.status, result.output, health));
  }
  return findings;
}
