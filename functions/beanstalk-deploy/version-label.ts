/**
 * Application version labels. One label per commit (`<sha12>`): every run of the same commit
 * (a retry, a redeploy, a rollback target from the history) names the same bundle, so the label
 * is deterministic per execution and a Lambda retry after a timeout finds the version it created.
 */
import { cutText } from '../commons/text';

/** Elastic Beanstalk's limit on VersionLabel. */
export const MAX_VERSION_LABEL_LENGTH = 100;

/** `3f2a9c1b7d4e` for commit `3f2a9c1b7d4e...`. */
export function versionLabelFor(commitSha: string): string {
  if (!/^[0-9a-f]{40}$/.test(commitSha))
    throw new RangeError('commitSha must be a 40-character lower-case hex sha');
  return commitSha.slice(0, 12);
}

/** Version description: `<pipeline> <sha12>: <first line>` within EB's 200 characters, no control characters. */
export function versionDescription(pipeline: string, commitSha: string, description?: string): string {
  const firstLine = (description ?? '')
    .split(/\r?\n/, 1)[0]!
    .replace(/[\p{Cc}]/gu, ' ')
    .trim();
  const text = `${pipeline} ${commitSha.slice(0, 12)}${firstLine ? `: ${firstLine}` : ''}`;
  return cutText(text, 200, { ellipsis: '...' });
}
