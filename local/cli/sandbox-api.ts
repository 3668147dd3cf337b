/**
 * Client of the sandbox's own JSON control API (`/_sandbox/*` on the AWS endpoint): health,
 * scenarios, the Slack sink. Not AWS: nothing here works with --aws.
 */
import { CliError, sandboxNotRunning, networkCode } from './errors';

/** Paths of the control API under `/_sandbox/` (local/ owns the server side). */
export const SANDBOX_PATHS = {
  health: 'health',
  state: 'state',
  scenarios: 'scenarios',
  activate: 'scenario',
  runScenario: (name: string) => `scenarios/${encodeURIComponent(name)}/run`,
  slack: 'slack',
  reset: 'reset',
} as const;

export class SandboxApi {
  constructor(readonly endpoint: string) {}

  /** GET or POST a control path; JSON in and out. Errors name the path and the sandbox's message. */
  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const url = `${this.endpoint}/_sandbox/${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch (error) {
      if (networkCode(error)) throw sandboxNotRunning(this.endpoint);
      throw error;
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      throw new CliError(
        `The sandbox answered ${method} /_sandbox/${path} with ${response.status} and a body that is not JSON; is ${this.endpoint} the sandbox?`,
      );
    }
    if (!response.ok) {
      const message =
        (parsed as { message?: unknown; error?: unknown }).message ??
        (parsed as { error?: unknown }).error ??
        `HTTP ${response.status}`;
      throw new CliError(`Sandbox ${method} /_sandbox/${path}: ${String(message)}`);
    }
    return parsed as T;
  }
}
