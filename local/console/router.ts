/**
 * The console's routes, shared by the sandbox's HTTP server (local/http-api.ts) and
 * `deployctl console` (server.ts). GET or HEAD only; every page reads AWS through the context's
 * SDK clients (the sandbox endpoint, or the real account with --aws):
 * - `/` pipelines, live versions and recent runs
 * - `/executions/{executionArn}` a run's step timeline; `.../timeline.json` the same as JSON
 * - `/approvals` runs waiting for a decision, linking to the signed decision page
 * - `/failures` recent failed runs with their notice text
 * - `/dora` the four DORA keys per pipeline over 30 days
 */
import type { CliContext } from '../cli/context';
import { approvalsPage, waitingApprovals } from './approvals-page';
import { doraResponse } from './dora-page';
import { executionResponse } from './execution-page';
import { failuresPage, recentFailures } from './failures-page';
import { jsonResponse, problemPage, type HtmlResponse } from './layout';
import { pipelinesPage, pipelineSummaries } from './pipelines-page';

/** Answers a console request, or undefined when the path is not the console's. */
export type ConsoleHandler = (request: { method: string; path: string }) => Promise<HtmlResponse | undefined>;

const EXECUTION_ARN =
  /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[A-Za-z0-9_-]{1,80}:[A-Za-z0-9_-]{1,80}$/;

type Page = (ctx: CliContext) => Promise<HtmlResponse>;

const PAGES: Record<string, Page> = {
  '/': async (ctx) => pipelinesPage(await pipelineSummaries(ctx), ctx.mode),
  '/approvals': async (ctx) => approvalsPage(await waitingApprovals(ctx)),
  '/failures': async (ctx) => failuresPage(await recentFailures(ctx)),
  '/dora': (ctx) => doraResponse(ctx),
};

/** Which page a path asks for; undefined when it is not a console path. */
export function matchConsolePath(
  path: string,
): { page: string } | { executionArn: string; json: boolean } | { badExecution: string } | undefined {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (clean in PAGES) return { page: clean };
  const match = /^\/executions\/([^/]+)(\/timeline\.json)?$/.exec(clean);
  if (!match) return undefined;
  let arn: string;
  try {
    arn = decodeURIComponent(match[1]!);
  } catch {
    return { badExecution: match[1]! };
  }
  return EXECUTION_ARN.test(arn) ? { executionArn: arn, json: Boolean(match[2]) } : { badExecution: arn };
}

/** What went wrong reading AWS, without secrets: the error's name and message. */
function failure(error: unknown, json: boolean): HtmlResponse {
  const e = error as Error & { $metadata?: unknown };
  if (e.name === 'ExecutionDoesNotExist')
    return json
      ? jsonResponse(404, { error: 'ExecutionDoesNotExist' })
      : problemPage(
          404,
          'No such execution',
          'There is no execution with this ARN in this account and region.',
        );
  const text = `${e.name}: ${e.message}`.slice(0, 300);
  return json
    ? jsonResponse(502, { error: e.name })
    : problemPage(502, 'The console could not read AWS', `${text}. Reload the page to try again.`);
}

/** The console's request handler over one context. */
export function consoleHandler(ctx: CliContext): ConsoleHandler {
  return async ({ method, path }) => {
    const route = matchConsolePath(path);
    if (!route) return undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      const page = problemPage(
        405,
        'Method not allowed',
        'The console only reads; decisions go through the approval page.',
      );
      return { ...page, headers: { ...page.headers, allow: 'GET, HEAD' } };
    }
    const json = 'json' in route && route.json;
    let response: HtmlResponse;
    try {
      if ('page' in route) response = await PAGES[route.page]!(ctx);
      else if ('badExecution' in route)
        response = problemPage(404, 'No such execution', 'This is not a Step Functions execution ARN.');
      else response = await executionResponse(ctx, route.executionArn, route.json);
    } catch (error) {
      response = failure(error, json);
    }
    return method === 'HEAD' ? { ...response, body: '' } : response;
  };
}
