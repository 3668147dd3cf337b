/** Runs the probe for the pipeline's target kind and turns failed findings into TargetUnhealthyError. */
import type { ElasticBeanstalkClient } from '@aws-sdk/client-elastic-beanstalk';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { PipelineSettings } from '../commons/config/schema';
import { TargetUnhealthyError } from '../commons/errors';
import type { HealthFinding, HealthGateResult } from '../commons/types/tasks';
import type { PollOptions } from './command-poller';
import { probeBeanstalk } from './probe-beanstalk';
import { probeEc2 } from './probe-ec2';

export interface HealthGateClients {
  elasticBeanstalk: ElasticBeanstalkClient;
  ssm: SSMClient;
}

/**
 * Findings a result lists, and failures an error names; the rest are counted. The result travels
 * in the pipeline's state (256 KiB per task result, Step Functions quotas) and the error becomes
 * the run's cause (32,768 characters): a fleet of 500 has 2,000 findings.
 */
export const MAX_LISTED_FINDINGS = 20;

/** "i-1 cpu: cpu 93% (max 80%); i-2 ssm-agent: SSM agent ConnectionLost" (and "; and 7 more failures"). */
export function describeFailures(findings: readonly HealthFinding[]): string {
  const failed = findings.filter((f) => !f.ok);
  const listed = failed.slice(0, MAX_LISTED_FINDINGS).map((f) => `${f.resource} ${f.check}: ${f.detail}`);
  const more = failed.length - listed.length;
  return [...listed, ...(more > 0 ? [`and ${more} more failures`] : [])].join('; ');
}

/**
 * The first findings (MAX_LISTED_FINDINGS) and how many more there are when all are ok;
 * TargetUnhealthyError naming the failed ones otherwise.
 */
export async function runHealthGate(
  settings: PipelineSettings,
  clients: HealthGateClients,
  poll: PollOptions,
): Promise<HealthGateResult> {
  const target = settings.target;
  const findings =
    target.kind === 'elastic-beanstalk'
      ? await probeBeanstalk(clients.elasticBeanstalk, target, settings.health)
      : await probeEc2(clients.ssm, target, settings.health, poll);
  if (findings.some((f) => !f.ok)) {
    throw new TargetUnhealthyError(
      `${settings.name}: target is not healthy enough to deploy into: ${describeFailures(findings)}`,
    );
  }
  return {
    healthy: true,
    findings: findings.slice(0, MAX_LISTED_FINDINGS),
    omittedFindings: Math.max(0, findings.length - MAX_LISTED_FINDINGS),
  };
}

/** Resource-check deadline from HEALTH_CHECK_TIMEOUT_SECONDS (10-600), default 60 s. */
export function healthCheckTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.HEALTH_CHECK_TIMEOUT_SECONDS;
  if (raw === undefined || raw === '') return 60_000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 10 || value > 600) {
    throw new RangeError(
      `HEALTH_CHECK_TIMEOUT_SECONDS must be a whole number of seconds from 10 to 600, got "${raw}"`,
    );
  }
  return value * 1000;
}
