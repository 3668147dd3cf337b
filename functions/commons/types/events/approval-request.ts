/**
 * approval-request's events: prepare signed links, then ask a person (`.waitForTaskToken`). Only
 * the execution input fields the message shows are checked; the rest passes through.
 */
import * as z from 'zod/mini';
import { text, timestamp } from './fields';

const input = z.looseObject({
  pipeline: text,
  repository: text,
  commitSha: z.string().check(z.regex(/^[0-9a-f]{40}$/, { error: 'must be a 40-character hex commit sha' })),
  branch: text,
  commitMessage: z.string(),
  pusher: text,
  compareUrl: z.string(),
});

export const approvalLinks = z.object({
  // String formats used as checks, as classic zod's .uuid()/.url() do: a non-string keeps the
  // default "expected string" message.
  approvalId: z.string().check(z.uuid({ error: 'must be a UUID' })),
  approveUrl: z.string().check(z.url({ error: 'must be a URL' })),
  rejectUrl: z.string().check(z.url({ error: 'must be a URL' })),
  expiresAt: timestamp,
});
export type ApprovalLinks = z.infer<typeof approvalLinks>;

const prepareApprovalEvent = z.object({
  action: z.literal('prepare'),
  pipeline: text,
  executionArn: text,
  input,
});
export type PrepareApprovalEvent = z.infer<typeof prepareApprovalEvent>;

const requestApprovalEvent = z.object({
  action: z.literal('request'),
  taskToken: text,
  pipeline: text,
  executionArn: text,
  input,
  links: approvalLinks,
  /**
   * The build and scan of this run (the pipeline's `$.build`), for the approval page. A retry or
   * redeploy that reuses an artifact has no build of its own: null ids and `reusedFrom`, the run
   * whose build it reuses ("Reuse the build artifact" in pipeline.asl.json).
   */
  build: z.exactOptional(
    z.object({
      buildId: z.exactOptional(z.nullable(z.string())),
      scanBuildId: z.exactOptional(z.nullable(z.string())),
      reusedFrom: z.exactOptional(z.string()),
    }),
  ),
});
export type RequestApprovalEvent = z.infer<typeof requestApprovalEvent>;

export const approvalRequestEvent = z.discriminatedUnion(
  'action',
  [prepareApprovalEvent, requestApprovalEvent],
  { error: 'action must be "prepare" or "request"' },
);
export type ApprovalRequestEvent = z.infer<typeof approvalRequestEvent>;
