/** Slack Block Kit messages for approvals (pure: the poster is commons/slack/post-message.ts). */
import { SLACK_BLOCK_IDS } from '../commons/slack/message-kinds';
import type { SlackMessage } from '../commons/slack/post-message';
import { cutText, escapeSlackMrkdwn, firstLineOf } from '../commons/text';
import type { ApprovalLinks } from '../commons/types/tasks';
import type { ApprovalRecord } from './approval-store';
import { compareLink } from './compare-link';

/** Escapes the three characters Slack mrkdwn gives meaning to; commit text is user-controlled. */
export function escapeSlack(text: string): string {
  return escapeSlackMrkdwn(text);
}

/** The Step Functions console page of an execution (region taken from its ARN). */
export function executionConsoleUrl(executionArn: string): string {
  const region = executionArn.split(':')[3] || 'us-east-1';
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${encodeURIComponent(executionArn)}`;
}

/** First line of a commit message, bounded. */
export function commitTitle(message: string): string {
  return firstLineOf(message, 120, { ellipsis: '...' });
}

type Info = Pick<
  ApprovalRecord,
  | 'pipeline'
  | 'repository'
  | 'branch'
  | 'commitSha'
  | 'commitTitle'
  | 'pusher'
  | 'compareUrl'
  | 'executionArn'
  | 'context'
>;

const safeUrl = (url: string) => (/^https:\/\/[^\s<>|]+$/.test(url) ? url : null);

/** "Approval needed" with who pushed what, links to the changes and the execution, two buttons and the expiry. */
export function approvalRequestMessage(info: Info, links: ApprovalLinks): SlackMessage {
  const shortSha = info.commitSha.slice(0, 7);
  const expiresEpoch = Math.floor(Date.parse(links.expiresAt) / 1000);
  const compare = safeUrl(compareLink(info, info.context?.live?.commitSha));
  const lines = [
    `*${escapeSlack(info.pusher)}* pushed \`${shortSha}\` to \`${escapeSlack(info.branch)}\` of ${escapeSlack(info.repository)}`,
    `> ${escapeSlack(info.commitTitle) || '(no commit message)'}`,
    [
      compare ? `<${compare}|Compare changes>` : null,
      `<${executionConsoleUrl(info.executionArn)}|Execution in the console>`,
    ]
      .filter(Boolean)
      .join(' · '),
  ];
  return {
    text: `Approval needed: ${info.pipeline} ${shortSha} by ${info.pusher}`,
    blocks: [
      {
        type: 'header',
        block_id: SLACK_BLOCK_IDS.approvalRequest,
        text: { type: 'plain_text', text: cutText(`Approval needed: ${info.pipeline}`, 150) },
      },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Approve' },
            style: 'primary',
            url: links.approveUrl,
            action_id: 'approve',
          },
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Reject' },
            style: 'danger',
            url: links.rejectUrl,
            action_id: 'reject',
          },
        ],
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Links work once and expire <!date^${expiresEpoch}^{date_short_pretty} at {time}|${links.expiresAt}>. Or: \`deployctl approve ${info.executionArn.split(':').pop()}\``,
          },
        ],
      },
    ],
  };
}

/** Follow-up once a person decided (or the request expired). */
export function approvalDecidedMessage(
  info: Info,
  outcome: 'approved' | 'rejected' | 'expired',
  by?: string,
): SlackMessage {
  const shortSha = info.commitSha.slice(0, 7);
  const head = {
    approved: ':white_check_mark: Approved',
    rejected: ':no_entry: Rejected',
    expired: ':hourglass: Approval expired',
  }[outcome];
  const who = by ? ` by *${escapeSlack(by)}*` : '';
  const text = `${head}${who}: ${escapeSlack(info.pipeline)} \`${shortSha}\` (<${executionConsoleUrl(info.executionArn)}|execution>)`;
  return {
    text: `${head.replace(/^:[a-z_]+: /, '')}: ${info.pipeline} ${shortSha}`,
    blocks: [{ type: 'section', block_id: SLACK_BLOCK_IDS.approvalDecided, text: { type: 'mrkdwn', text } }],
  };
}
