import {
  CommitStatusError,
  githubTokenConfigured,
  postCommitStatus,
  type CommitStatus,
} from '../../functions/commons/github/commit-status';
import { startHttpStub, type HttpStub } from './support/http-stub';

const SHA = '3f9c2a7d8e1b4c5a6f7e8d9c0b1a2f3e4d5c6b7a';
const status: CommitStatus = {
  repository: 'example-org/retail-bank',
  commitSha: SHA,
  state: 'failure',
  description: 'Failed at Verify',
  context: 'deploy/retail-bank',
  targetUrl: 'https://example.com/x',
};

let github: HttpStub;
beforeAll(async () => {
  github = await startHttpStub({ status: 201, body: '{}', contentType: 'application/json' });
});
afterEach(() => github.reset());
afterAll(async () => {
  await github.close();
});

describe('postCommitStatus', () => {
  test('POSTs to /repos/{owner}/{repo}/statuses/{sha} with a Bearer token and a 140-character description', async () => {
    // Act
    await postCommitStatus(
      { ...status, description: 'x'.repeat(300) },
      { token: 'ghs_abc', apiUrl: `${github.url}/` },
    );

    // Assess
    const [request] = github.requests;
    expect(request).toMatchObject({ method: 'POST', path: `/repos/example-org/retail-bank/statuses/${SHA}` });
    expect(request!.headers).toMatchObject({
      authorization: 'Bearer ghs_abc',
      'content-type': 'application/json',
      'x-github-api-version': '2022-11-28',
    });
    const body = JSON.parse(request!.body) as Record<string, string>;
    expect(body).toMatchObject({
      state: 'failure',
      context: 'deploy/retail-bank',
      target_url: 'https://example.com/x',
    });
    expect(body.description).toHaveLength(140);
  });

  test('reads the token from GITHUB_TOKEN and the base URL from GITHUB_API_URL', async () => {
    process.env.GITHUB_TOKEN = 'ghs_from_env';
    process.env.GITHUB_API_URL = github.url;
    try {
      await postCommitStatus(status);
      expect(github.requests[0]!.headers.authorization).toBe('Bearer ghs_from_env');
    } finally {
      delete process.env.GITHUB_TOKEN;
      delete process.env.GITHUB_API_URL;
    }
  });

  test("an error answer becomes a CommitStatusError with GitHub's message and status, without the token", async () => {
    github.script({
      status: 401,
      body: '{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}',
      contentType: 'application/json',
    });
    const failure = postCommitStatus(status, { token: 'ghs_secret_value', apiUrl: github.url });
    await expect(failure).rejects.toThrow(new CommitStatusError('GitHub answered HTTP 401: Bad credentials'));
    await expect(failure).rejects.toMatchObject({ status: 401 });
    await failure.catch((error: Error) => expect(error.message).not.toContain('ghs_secret_value'));
  });

  test('an unreachable API is a CommitStatusError too', async () => {
    await expect(postCommitStatus(status, { token: 't', apiUrl: 'http://127.0.0.1:1' })).rejects.toThrow(
      /GitHub status request failed/,
    );
  });

  test('bad repository or sha is refused before any request', async () => {
    await expect(
      postCommitStatus({ ...status, repository: '../../evil' }, { token: 't', apiUrl: github.url }),
    ).rejects.toThrow('repository must be owner/name');
    await expect(
      postCommitStatus({ ...status, commitSha: 'main' }, { token: 't', apiUrl: github.url }),
    ).rejects.toThrow('commit sha must be 40 hex characters');
    expect(github.requests).toHaveLength(0);
  });
});

test('githubTokenConfigured needs the ARN or the local value', () => {
  expect(githubTokenConfigured({})).toBe(false);
  expect(githubTokenConfigured({ GITHUB_TOKEN: 'x' })).toBe(true);
  expect(
    githubTokenConfigured({ GITHUB_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:gh' }),
  ).toBe(true);
});
