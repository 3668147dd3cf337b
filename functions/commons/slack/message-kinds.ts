/**
 * The `block_id` of the first block of each message the controller posts, so that a reader (a
 * Slack workflow, a log search, the sandbox's Slack sink) tells notices from approval messages
 * without parsing their text. Block Kit reference, "Blocks": `block_id` is "a unique identifier for
 * a block", at most 255 characters, unique within its message.
 */
export const SLACK_BLOCK_IDS = {
  /** The notifier's notice of a run's outcome. */
  notice: 'deploy-notice',
  /** approval-request's question to a person. */
  approvalRequest: 'deploy-approval-request',
  /** The follow-up once an approval was decided or expired. */
  approvalDecided: 'deploy-approval-decided',
} as const;
