/**
 * Runs Debian's AWS CLI v2 (`/usr/bin/aws`, botocore inside) against the sandbox's endpoint.
 * `/usr/bin/aws` on purpose: a pyenv aws-cli 1.x may come first on the PATH.
 * Never reaches AWS: fake keys, the sandbox's endpoint, no config files, no pager.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const AWS_CLI = '/usr/bin/aws';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON when it is JSON (the CLI's default output). */
  json?: unknown;
}

/** Runs `aws <args…> --endpoint-url <endpoint>` and resolves with its exit code and output. */
export function aws(endpoint: string, ...args: string[]): Promise<CliRun> {
  return awsWith({}, endpoint, ...args);
}

/**
 * Newer botocore models than the CLI's own (see local/limits/botocore-data/README.md): Step Functions with
 * RedriveExecution and `--redrive-filter`.
 */
export const NEWER_MODELS = join(__dirname, '..', '..', '..', 'local', 'limits', 'botocore-data');

/** `aws()` with options: `dataPath` is given to botocore as AWS_DATA_PATH (extra model directories). */
export function awsWith(
  options: { dataPath?: string },
  endpoint: string,
  ...args: string[]
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      AWS_CLI,
      [...args, '--endpoint-url', endpoint, '--output', 'json'],
      {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: process.env.HOME ?? '/tmp',
          AWS_ACCESS_KEY_ID: 'AKIDSANDBOX',
          AWS_SECRET_ACCESS_KEY: 'sandbox-secret',
          AWS_REGION: 'us-east-1',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_PAGER: '',
          ...(options.dataPath && { AWS_DATA_PATH: options.dataPath }),
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        let json: unknown;
        try {
          json = stdout.trim() ? JSON.parse(stdout) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ code, stdout, stderr, json });
      },
    );
  });
}
