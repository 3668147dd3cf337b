/**
 * Judges an Elastic Beanstalk environment from DescribeEnvironments and DescribeEnvironmentHealth
 * answers: Ready (no update in progress), an allowed health colour, enhanced health Ok.
 */
import type { HealthFinding } from '../commons/types/tasks';

/** The fields of DescribeEnvironments' EnvironmentDescription this gate reads. */
export interface EnvironmentView {
  EnvironmentName?: string | undefined;
  Status?: string | undefined;
  Health?: string | undefined;
  VersionLabel?: string | undefined;
}

/** The fields of DescribeEnvironmentHealth this gate reads; null when enhanced health is off. */
export interface EnvironmentHealthView {
  HealthStatus?: string | undefined;
  Color?: string | undefined;
  Causes?: string[] | undefined;
}

const IN_PROGRESS = new Set(['Launching', 'Updating', 'Aborting', 'LinkingFrom', 'LinkingTo']);
/** Enhanced health statuses that allow a deploy: Ok, and Info (an operation is noted, nothing is wrong). */
export const DEPLOYABLE_HEALTH_STATUSES = ['Ok', 'Info'];

function statusFinding(name: string, env: EnvironmentView): HealthFinding {
  const status = env.Status ?? 'unknown';
  if (status === 'Ready')
    return { resource: name, check: 'environment-status', ok: true, detail: 'Status Ready' };
  const why = IN_PROGRESS.has(status) ? 'an update is in progress' : 'the environment is not Ready';
  return { resource: name, check: 'environment-status', ok: false, detail: `Status ${status}: ${why}` };
}

function healthFinding(name: string, env: EnvironmentView, allowed: readonly string[]): HealthFinding {
  const health = env.Health ?? 'unknown';
  return {
    resource: name,
    check: 'environment-health',
    ok: allowed.includes(health),
    detail: `Health ${health} (allowed: ${allowed.join(', ')})`,
  };
}

function enhancedFinding(name: string, health: EnvironmentHealthView | null): HealthFinding {
  if (!health)
    return {
      resource: name,
      check: 'enhanced-health',
      ok: true,
      detail: 'enhanced health reporting is not enabled; basic health only',
    };
  const status = health.HealthStatus ?? 'unknown';
  const causes = (health.Causes ?? []).filter((cause) => cause.trim() !== '');
  const detail = `HealthStatus ${status}${health.Color ? ` (${health.Color})` : ''}${causes.length ? `: ${causes.join('; ')}` : ''}`;
  return {
    resource: name,
    check: 'enhanced-health',
    ok: DEPLOYABLE_HEALTH_STATUSES.includes(status),
    detail,
  };
}

/** Every finding about one environment. */
export function judgeEnvironment(
  name: string,
  env: EnvironmentView,
  health: EnvironmentHealthView | null,
  allowedHealth: readonly string[],
): HealthFinding[] {
  return [statusFinding(name, env), healthFinding(name, env, allowedHealth), enhancedFinding(name, health)];
}
