/**
 * Which state machine a push starts. The webhook reads its routes from `PIPELINE_ROUTES` (a JSON
 * array) instead of loading pipelines.yaml, so zod and yaml stay out of its bundle; the CDK stack
 * and the local sandbox build that array from the validated configuration with `buildRoutes`.
 */
import type { PipelinesConfig } from '../commons/config/schema';

/** One pipeline fed by one repository and branch. */
export interface Route {
  pipeline: string;
  /** GitHub `owner/name`; matched case-insensitively against `repository.full_name`. */
  repository: string;
  branch: string;
  stateMachineArn: string;
}

/** `PIPELINE_ROUTES` is missing or not a valid route list (a deployment mistake). */
export class RoutesConfigError extends Error {
  override readonly name = 'RoutesConfigError';
}

/** Standard Step Functions state machine ARN in any partition. */
export const STATE_MACHINE_ARN =
  /^arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;
// The same rules as config/schema.ts (a test keeps them equal); importing them from there would
// pull zod into this bundle.
export const PIPELINE_NAME = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;
export const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
export const BRANCH = /^(?!\/|.*\/\/|.*\.\.|.*\.lock$|.*\/$)[A-Za-z0-9._/-]{1,200}$/;

/** The routes of every pipeline in the configuration. */
export function buildRoutes(
  config: PipelinesConfig,
  stateMachineArnFor: (pipeline: string) => string,
): Route[] {
  return validateRoutes(
    config.pipelines.map((p) => ({
      pipeline: p.name,
      repository: p.repository,
      branch: p.branch,
      stateMachineArn: stateMachineArnFor(p.name),
    })),
    'buildRoutes',
  );
}

/** Checks an untrusted value field by field; throws RoutesConfigError naming every problem. */
export function validateRoutes(value: unknown, source = 'PIPELINE_ROUTES'): Route[] {
  if (!Array.isArray(value))
    throw new RoutesConfigError(
      `${source} must be a JSON array of {pipeline, repository, branch, stateMachineArn}`,
    );
  if (value.length === 0) throw new RoutesConfigError(`${source} must list at least one route`);
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => ok || problems.push(problem);
  const seen = new Set<string>();
  value.forEach((item: unknown, i) => {
    const where = `${source}[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      return void problems.push(`${where} must be an object`);
    const r = item as Record<string, unknown>;
    const str = (key: string) => (typeof r[key] === 'string' ? (r[key] as string) : undefined);
    check(
      PIPELINE_NAME.test(str('pipeline') ?? ''),
      `${where}.pipeline must be 3-32 lower-case letters, digits and hyphens, starting with a letter`,
    );
    check(
      REPOSITORY.test(str('repository') ?? ''),
      `${where}.repository must be a GitHub repository as owner/name`,
    );
    check(BRANCH.test(str('branch') ?? ''), `${where}.branch must be a branch name such as main`);
    check(
      STATE_MACHINE_ARN.test(str('stateMachineArn') ?? ''),
      `${where}.stateMachineArn must be a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>)`,
    );
    const unknown = Object.keys(r).filter(
      (k) => !['pipeline', 'repository', 'branch', 'stateMachineArn'].includes(k),
    );
    check(unknown.length === 0, `${where} has unknown field(s) ${unknown.join(', ')}`);
    const name = str('pipeline');
    if (name !== undefined) check(!seen.has(name), `${where}.pipeline "${name}" is listed twice`);
    if (name !== undefined) seen.add(name);
  });
  if (problems.length) throw new RoutesConfigError(`${source} is not valid: ${problems.join('; ')}`);
  return (value as Route[]).map(({ pipeline, repository, branch, stateMachineArn }) => ({
    pipeline,
    repository,
    branch,
    stateMachineArn,
  }));
}

let parsed: { text: string; routes: Route[] } | undefined;

/** Routes from `PIPELINE_ROUTES`, parsed once per distinct value. */
export function routesFromEnv(text = process.env.PIPELINE_ROUTES): Route[] {
  if (!text) throw new RoutesConfigError('PIPELINE_ROUTES is not set');
  if (parsed?.text === text) return parsed.routes;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RoutesConfigError(`PIPELINE_ROUTES is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  parsed = { text, routes: validateRoutes(value) };
  return parsed.routes;
}

/** Routes for a repository (case-insensitive), every branch. */
export function routesForRepository(routes: readonly Route[], repository: string): Route[] {
  const wanted = repository.toLowerCase();
  return routes.filter((r) => r.repository.toLowerCase() === wanted);
}
