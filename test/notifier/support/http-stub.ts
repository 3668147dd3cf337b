/**
 * A local HTTP server on 127.0.0.1:0 that records every request and answers from a script:
 * the stand-in for Slack's incoming webhook and for the GitHub API in tests.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One scripted answer; `hang` never answers (the client's timeout fires). */
export type StubAnswer = { status: number; body?: string; contentType?: string } | { hang: true };

export interface HttpStub {
  url: string;
  requests: RecordedRequest[];
  /** Answers used in order; when they run out, `fallback` answers. */
  script(...answers: StubAnswer[]): void;
  fallback: StubAnswer;
  /** Forgets recorded requests and unused answers. */
  reset(): void;
  close(): Promise<void>;
}

export async function startHttpStub(fallback: StubAnswer = { status: 200, body: 'ok' }): Promise<HttpStub> {
  const queue: StubAnswer[] = [];
  const hanging = new Set<ServerResponse>();
  const stub: HttpStub = {
    url: '',
    requests: [],
    script: (...answers) => queue.push(...answers),
    fallback,
    reset: () => {
      stub.requests.length = 0;
      queue.length = 0;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      stub.requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = queue.shift() ?? stub.fallback;
      if ('hang' in answer) {
        hanging.add(res);
        return;
      }
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/plain' });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stub;
}
