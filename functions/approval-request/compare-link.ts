/** The diff a reviewer should read before approving a release. */
import type { ApprovalRecord } from './approval-store';

const SHA = /^[0-9a-f]{40}$/;
const SAFE_HTTPS = /^https:\/\/[^\s<>"']+$/;

/**
 * The diff to review: live commit ... proposed commit when the live commit is known, else the
 * push's own compare link when it names the pushed commit, else the commit itself.
 */
export function compareLink(
  record: Pick<ApprovalRecord, 'repository' | 'commitSha' | 'compareUrl'>,
  liveSha?: string,
): string {
  const base = `https://github.com/${record.repository}`;
  if (liveSha && SHA.test(liveSha) && liveSha !== record.commitSha)
    return `${base}/compare/${liveSha.slice(0, 12)}...${record.commitSha.slice(0, 12)}`;
  const pushed = record.compareUrl;
  if (SAFE_HTTPS.test(pushed) && pushed.includes(record.commitSha.slice(0, 12))) return pushed;
  return `${base}/commit/${record.commitSha}`;
}
