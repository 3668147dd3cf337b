/**
 * Reads the pipeline's execution input (PipelineInput) defensively: a notice about a broken run
 * must still go out when the input is odd, so missing fields become null rather than an error.
 */
import type { PipelineInput } from '../commons/types/pipeline-input';

/** The fields the notifier uses; every one may be missing. */
export type NoticeInput = {
  [
    K in keyof Pick<
      PipelineInput,
      | 'pipeline'
      | 'repository'
      | 'commitSha'
      | 'commitMessage'
      | 'commitAuthor'
      | 'commitTimestamp'
      | 'pusher'
      | 'branch'
    >
  ]: string | null;
};

const FIELDS = [
  'pipeline',
  'repository',
  'commitSha',
  'commitMessage',
  'commitAuthor',
  'commitTimestamp',
  'pusher',
  'branch',
] as const;

/** Parses the input JSON; unknown or mistyped fields are null, a non-object input gives all nulls. */
export function readNoticeInput(json: string | null | undefined): NoticeInput {
  let value: unknown = null;
  if (json) {
    try {
      value = JSON.parse(json);
    } catch {
      value = null;
    }
  }
  const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const out = {} as NoticeInput;
  for (const field of FIELDS) {
    const v = record[field];
    out[field] = typeof v === 'string' && v.length > 0 ? v : null;
  }
  return out;
}
