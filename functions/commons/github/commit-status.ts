/**
 * GitHub commit statuses (`POST /repos/{owner}/{repo}/statuses/{sha}`) so a commit shows how its
 * deployment went, next to its CI checks. The token is a secret (GITHUB_TOKEN_SECRET_ARN in AWS,
 * GITHUB_TOKEN locally) and never appears in an error or a log line. `GITHUB_API_URL` points at
 * GitHub Enterprise or a local test server.
 */
import { getSecret, type SecretSource } from '../secrets';
import { cutText } from '../text';

export const GITHUB_TOKEN_SECRET: SecretSource = {
  arnVariable: 'GITHUB_TOKEN_SECRET_ARN',
  valueVariable: 'GITHUB_TOKEN',
};

/** The states GitHub accepts. */
export type CommitState = 'pending' | 'success' | 'failure' | 'error';

export interface CommitStatus {
  /** "owner/name". */
  repository: string;
  /** Full 40-hex sha. */
  commitSha: string;
  state: CommitState;
  /** Shown next to the context; cut to GitHub's 140 characters. */
  description: string;
  /** e.g. `deploy/retail-bank`. */
  context: string;
  targetUrl?: string;
}

/** GitHub refused or could not be reached; `status` is GitHub's HTTP status when it answered. */
export class CommitStatusError extends Error {
  override readonly name = 'CommitStatusError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const REPOSITORY = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;
const SHA = /^[0-9a-f]{40}$/i;
export const MAX_DESCRIPTION = 140;

/** Whether a token is configured at all (statuses are optional). */
export function githubTokenConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env[GITHUB_TOKEN_SECRET.arnVariable] || env[GITHUB_TOKEN_SECRET.valueVariable]);
}

/** Cuts to `max` characters with an ellipsis. */
export function cut(text: string, max: number): string {
  return cutText(text, max);
}

/** Posts one commit status; throws CommitStatusError on anything but 201. */
export async function postCommitStatus(
  status: CommitStatus,
  options: { token?: string; apiUrl?: string; timeoutMs?: number; fetchFn?: typeof fetch } = {},
): Promise<void> {
  if (!REPOSITORY.test(status.repository)) throw new CommitStatusError('repository must be owner/name');
  if (!SHA.test(status.commitSha)) throw new CommitStatusError('commit sha must be 40 hex characters');
  const token = options.token ?? (await getSecret(GITHUB_TOKEN_SECRET));
  const base = (options.apiUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
  const url = `${base}/repos/${status.repository}/statuses/${status.commitSha.toLowerCase()}`;
  const body = {
    state: status.state,
    description: cut(status.description, MAX_DESCRIPTION),
    context: status.context,
    ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
  };
  let response: Response;
  try {
    response = await (options.fetchFn ?? fetch)(url, {
      method: 'POST',
      headers: {
        Accept: 'application/vnd.github+json',
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        'User-Agent': 'deploy-controller',
        'X-GitHub-Api-Version': '2022-11-28',
      },
      body: JSON.stringify(body),
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
  } catch (error) {
    // Network errors carry no secret, but keep only the kind of failure.
    throw new CommitStatusError(`GitHub status request failed (${(error as Error).name})`);
  }
  if (response.status !== 201) {
    // GitHub's error body is `{message, documentation_url}`: the message helps (e.g. "Bad credentials").
    const detail = await response
      .json()
      .then((json: unknown) => (json as { message?: unknown }).message)
      .catch(() => undefined);
    throw new CommitStatusError(
      `GitHub answered HTTP ${response.status}${typeof detail === 'string' ? `: ${cut(detail, 200)}` : ''}`,
      response.status,
    );
  }
  await response.body?.cancel();
}
