/**
 * The deployed apps as the smoke test sees them: one HTTP server, one path prefix per pipeline
 * (`/<pipeline>/<configured path>`, which `SMOKE_TEST_URL_OVERRIDE_<PIPELINE>` points at). Each
 * answers for the version currently live on its target, and with a 503 while a commit whose
 * scenario says `smokeTestFails` is live.
 */
import { createServer, type Server } from 'node:http';

export interface AppState {
  /** Commit live on the target (Beanstalk version's commit, or the first instance's release). */
  liveCommit(pipeline: string): string | null;
  /** Label shown by the app. */
  liveVersion(pipeline: string): string | null;
  smokeTestFails(commitSha: string | null): boolean;
}

export function createAppServer(pipelines: string[], state: AppState): Server {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pipeline = pipelines.find((p) => url.pathname === `/${p}` || url.pathname.startsWith(`/${p}/`));
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
    };
    if (!pipeline)
      return send(404, 'application/json', JSON.stringify({ error: 'no such app', apps: pipelines }));
    const commit = state.liveCommit(pipeline);
    const version = state.liveVersion(pipeline);
    if (state.smokeTestFails(commit))
      return send(
        503,
        'application/json',
        JSON.stringify({ status: 'error', version, error: 'database connection pool exhausted' }),
      );
    if (pipeline === 'microblog')
      return send(
        200,
        'text/html; charset=utf-8',
        `<!doctype html><title>Welcome - Microblog</title><p>Hi, guest! <small>release ${commit ?? 'none'}</small></p>`,
      );
    return send(200, 'application/json', JSON.stringify({ status: 'ok', version, commit }));
  });
  server.keepAliveTimeout = 1000;
  return server;
}
