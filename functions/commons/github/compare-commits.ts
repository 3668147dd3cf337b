/**
 * GitHub's compare API: `GET /repos/{owner}/{repo}/compare/{base}...{head}` answers whether head is
 * `ahead` of base (base is an ancestor), `behind` (head is an ancestor of base), `identical` or
 * `diverged`. Source: GitHub REST API docs, "Compare two commits"
 * (https://docs.github.com/en/rest/commits/commits#compare-two-commits). The token is the same
 * secret as the commit statuses' (GITHUB_TOKEN_SECRET_ARN / GITHUB_TOKEN) and never appears in an
 * error or a log line.
 */
import { getSecret } from '../secrets';
import { GITHUB_TOKEN_SECRET, githubTokenConfigured } from './commit-status';

/** The `status` field of GitHub's comparison. */
export type CompareStatus = 'ahead' | 'behind' | 'identical' | 'diverged';

/** GitHub did not answer with a comparison; `status` is its HTTP status when it answered. */
export class CompareCommitsError extends Error {
  override readonly name = 'CompareCommitsError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const REPOSITORY = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;
const SHA = /^[0-9a-f]{40}$/i;
const STATUSES = new Set<string>(['ahead', 'behind', 'identical', 'diverged']);

export interface CompareOptions {
  token?: string;
  apiUrl?: string;
  /** Per request (default 3000 ms): the lock must answer quickly even when GitHub does not. */
  timeoutMs?: number;
  fetchFn?: typeof fetch;
}

/** Whether GitHub can be asked at all (a token is configured). */
export const canCompareCommits = (env: NodeJS.ProcessEnv = process.env) => githubTokenConfigured(env);

/** How `head` relates to `base` in `repository`; throws CompareCommitsError otherwise. */
export async function compareCommits(
  repository: string,
  base: string,
  head: string,
  options: CompareOptions = {},
): Promise<CompareStatus> {
  if (!REPOSITORY.test(repository)) throw new CompareCommitsError('repository must be owner/name');
  if (!SHA.test(base) || !SHA.test(head)) throw new CompareCommitsError('commits must be 40 hex characters');
  const token = options.token ?? (await getSecret(GITHUB_TOKEN_SECRET));
  const api = (options.apiUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
  // per_page=1: only `status` is read, not the commit list.
  const url = `${api}/repos/${repository}/compare/${base.toLowerCase()}...${head.toLowerCase()}?per_page=1`;
  let response: Response;
  try {
    response = await (options.fetchFn ?? fetch)(url, {
      headers: {
        Accept: 'application/vnd.github+json',
        Authorization: `Bearer ${token}`,
        'User-Agent': 'deploy-controller',
        'X-GitHub-Api-Version': '2022-11-28',
      },
      signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
    });
  } catch (error) {
    throw new CompareCommitsError(`GitHub compare did not answer (${(error as Error).name})`);
  }
  if (response.status !== 200)
    throw new CompareCommitsError(`GitHub compare answered HTTP ${response.status}`, response.status);
  const body = (await response.json().catch(() => null)) as { status?: unknown } | null;
  const status = typeof body?.status === 'string' ? body.status : '';
  if (!STATUSES.has(status)) throw new CompareCommitsError('GitHub compare answered without a status');
  return status as CompareStatus;
}
