/**
 * The approval routes. GET /approvals/{approvalId}?decision&expires&sig checks the link and shows
 * a confirmation page (never acts: link scanners prefetch); POST with the same fields as a form
 * decides. Link problems get a page with a fitting status, never a stack trace:
 * 403 forged, 410 expired, 404 unknown, 409 already used, 503 try again.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { isApprovalId, type LinkCheck, type LinkClaims } from '../commons/approval-links';
import type { ApprovalRecord, ApprovalStore } from '../approval-request/approval-store';
import type { PipelineSettings } from '../commons/config/schema';
import { cleanActor, cleanReason, decideApproval, type DecideDeps } from './decide';
import { decisionView, executionLink } from './decision-view';
import { stateText, type ExecutionState } from './execution-state';
import { decisionPage, pages, type HtmlResponse } from './pages';
import type { ApprovalRequest } from './read-request';

export interface CallbackDeps extends DecideDeps {
  store: ApprovalStore;
  verify: (fields: {
    approvalId: string;
    decision?: string;
    expires?: string;
    sig?: string;
  }) => Promise<LinkCheck>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Signature of one decision's claims (the page offers both decisions of a valid link). */
  sign: (claims: LinkClaims) => Promise<string>;
  /** The run's state; undefined when unknown (the decision is still offered). */
  executionState?: (executionArn: string) => Promise<ExecutionState | undefined>;
  /** The pipeline's settings, for "what will happen"; undefined when unknown. */
  settings?: (pipeline: string) => PipelineSettings | undefined;
}

/** Where to follow the run after a decision. */
const follow = (record: Pick<ApprovalRecord, 'executionArn'>) => executionLink(record.executionArn);

/**
 * The command that runs an expired approval's commit again, as it works where the run happened:
 * `--aws` only against AWS (the sandbox sets DEPLOY_CONTROLLER_SANDBOX for its handlers).
 */
export function retryCommand(executionArn: string, env: NodeJS.ProcessEnv = process.env): string {
  const name = executionArn.split(':').at(-1) ?? executionArn;
  return env.DEPLOY_CONTROLLER_SANDBOX ? `npx deployctl retry ${name}` : `npx deployctl retry ${name} --aws`;
}

/** The expired page of a record (its run's link and retry command), or without one when unknown. */
const expired = (record: Pick<ApprovalRecord, 'executionArn'> | undefined) =>
  record ? pages.expired(follow(record), retryCommand(record.executionArn)) : pages.expired();

function linkProblem(check: Exclude<LinkCheck, { ok: true }>): HtmlResponse {
  return check.reason === 'expired' ? pages.expired() : pages.forged();
}

/** The "no longer waiting" page when the run has ended or was stopped; undefined while it waits. */
async function notWaiting(record: ApprovalRecord, deps: CallbackDeps): Promise<HtmlResponse | undefined> {
  if (!deps.executionState) return undefined;
  let state: ExecutionState | undefined;
  try {
    state = await deps.executionState(record.executionArn);
  } catch (error) {
    deps.logger.warn('execution state unreadable', { error: (error as Error).name });
    return undefined;
  }
  if (!state || state.status === 'RUNNING') return undefined;
  return pages.notWaiting(record.pipeline, stateText(state), follow(record));
}

/** The page of a decided or expired record; undefined while pending. */
function settled(record: ApprovalRecord): HtmlResponse | undefined {
  if (record.status === 'expired') return expired(record);
  if (record.status !== 'pending')
    return pages.used(record.status, record.decidedBy, follow(record), record.decidedAt);
  return undefined;
}

function settingsOf(record: ApprovalRecord, deps: CallbackDeps): PipelineSettings | undefined {
  try {
    return deps.settings?.(record.pipeline);
  } catch {
    return undefined;
  }
}

async function show(request: ApprovalRequest, approvalId: string, deps: CallbackDeps): Promise<HtmlResponse> {
  const fields = { approvalId, ...pick(request.query) };
  const check = await deps.verify(fields);
  if (!check.ok) {
    if (check.reason !== 'expired') return linkProblem(check);
    // Genuine but past its expiry: a decided approval still says who decided, never "nobody decided".
    const record = await deps.store.get(approvalId);
    return (record && settled(record)) ?? expired(record);
  }
  const record = await deps.store.get(approvalId);
  if (!record) return pages.unknown();
  const done = settled(record) ?? (await notWaiting(record, deps));
  if (done) return done;
  const { claims } = check;
  const other = claims.decision === 'approve' ? 'reject' : 'approve';
  const otherSig = await deps.sign({ ...claims, decision: other });
  const view = decisionView(record, settingsOf(record, deps), deps.now?.() ?? new Date());
  return decisionPage(view, {
    approvalId,
    expires: claims.expires,
    approveSig: claims.decision === 'approve' ? fields.sig! : otherSig,
    rejectSig: claims.decision === 'reject' ? fields.sig! : otherSig,
    opened: claims.decision,
  });
}

async function act(request: ApprovalRequest, approvalId: string, deps: CallbackDeps): Promise<HtmlResponse> {
  const check = await deps.verify({ approvalId, ...pick(request.form) });
  if (!check.ok) {
    deps.logger.warn('approval link rejected', { approvalId, reason: check.reason });
    return linkProblem(check);
  }
  const by = cleanActor(request.form.by);
  const reason = check.claims.decision === 'reject' ? cleanReason(request.form.reason) : undefined;
  const outcome = await decideApproval(
    { approvalId, decision: check.claims.decision, by, ...(reason ? { reason } : {}) },
    deps,
  );
  switch (outcome.kind) {
    case 'decided':
      return outcome.decision === 'approve'
        ? pages.approved(outcome.record.pipeline, by, follow(outcome.record))
        : pages.rejected(outcome.record.pipeline, reason ? `${by}: ${reason}` : by, follow(outcome.record));
    case 'used':
      return pages.used(outcome.status, outcome.decidedBy);
    case 'expired': {
      // Gone before its expiry: the run was stopped, failed or superseded while it waited.
      const record = await deps.store.get(approvalId);
      const now = (deps.now?.() ?? new Date()).getTime();
      const early = record !== undefined && record.expiresAtEpoch * 1000 > now;
      const ended = early ? await notWaiting(record, deps) : undefined;
      return ended ?? expired(record);
    }
    case 'unknown':
      return pages.unknown();
    case 'unavailable':
      return pages.unavailable();
  }
}

function pick(source: Record<string, string>): { decision?: string; expires?: string; sig?: string } {
  const out: { decision?: string; expires?: string; sig?: string } = {};
  if (source.decision !== undefined) out.decision = source.decision;
  if (source.expires !== undefined) out.expires = source.expires;
  if (source.sig !== undefined) out.sig = source.sig;
  return out;
}

/** Routes one request; unexpected errors become a plain 500 page (logged without secrets). */
export async function handleApprovalCallback(
  request: ApprovalRequest,
  deps: CallbackDeps,
): Promise<HtmlResponse> {
  const approvalId = request.approvalId;
  if (!approvalId || !isApprovalId(approvalId)) return pages.unknown();
  try {
    if (request.method === 'GET' || request.method === 'HEAD') {
      const response = await show(request, approvalId, deps);
      return request.method === 'HEAD' ? { ...response, body: '' } : response;
    }
    if (request.method === 'POST') return await act(request, approvalId, deps);
    return pages.notAllowed();
  } catch (error) {
    deps.logger.error('approval callback failed', {
      approvalId,
      error: (error as Error).name,
      message: (error as Error).message,
    });
    return pages.error();
  }
}
