/**
 * The approval routes. GET /approvals/{approvalId}?decision&expires&sig checks the link and shows
 * a confirmation page (never acts: link scanners prefetch); POST with the same fields as a form
 * decides. Link problems get a page with a fitting status, never a stack trace:
 * 403 forged, 410 expired, 404 unknown, 409 already used, 503 try again.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { isApprovalId, type LinkCheck } from '../commons/approval-links';
import type { ApprovalStore } from '../approval-request/approval-store';
import { cleanActor, decideApproval, type DecideDeps } from './decide';
import { confirmationPage, pages, type HtmlResponse } from './pages';
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
}

function linkProblem(check: Exclude<LinkCheck, { ok: true }>): HtmlResponse {
  return check.reason === 'expired' ? pages.expired() : pages.forged();
}

async function show(request: ApprovalRequest, approvalId: string, deps: CallbackDeps): Promise<HtmlResponse> {
  const fields = { approvalId, ...pick(request.query) };
  const check = await deps.verify(fields);
  if (!check.ok) return linkProblem(check);
  const record = await deps.store.get(approvalId);
  if (!record) return pages.unknown();
  if (record.status === 'expired') return pages.expired();
  if (record.status !== 'pending') return pages.used(record.status, record.decidedBy);
  return confirmationPage(check.claims, fields.sig!, record);
}

async function act(request: ApprovalRequest, approvalId: string, deps: CallbackDeps): Promise<HtmlResponse> {
  const check = await deps.verify({ approvalId, ...pick(request.form) });
  if (!check.ok) {
    deps.logger.warn('approval link rejected', { approvalId, reason: check.reason });
    return linkProblem(check);
  }
  const by = cleanActor(request.form.by);
  const outcome = await decideApproval({ approvalId, decision: check.claims.decision, by }, deps);
  switch (outcome.kind) {
    case 'decided':
      return outcome.decision === 'approve'
        ? pages.approved(outcome.record.pipeline, by)
        : pages.rejected(outcome.record.pipeline, by);
    case 'used':
      return pages.used(outcome.status, outcome.decidedBy);
    case 'expired':
      return pages.expired();
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
