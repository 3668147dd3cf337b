/**
 * How the sandbox names what the stacks create (account, region, bucket, document, log group,
 * secrets): the policy model resolves the synthesized templates' references to these names, so
 * a grant on "the artifacts bucket" is a grant on the sandbox's bucket.
 */
import type { SandboxNames } from './synth-policies';

export const SANDBOX_NAMES: SandboxNames = {
  account: '123456789012',
  region: 'us-east-1',
  artifactsBucket: 'deploy-controller-artifacts-sandbox',
  releaseDocument: 'deploy-controller-release-systemd-service',
  commandOutputLogGroup: 'deploy-controller-ssm-command-output',
  secrets: {
    githubWebhookSecret: 'deploy-controller/github-webhook-secret',
    slackWebhookSecret: 'deploy-controller/slack-webhook-url',
    approvalLinkKey: 'deploy-controller/approval-link-key',
    githubTokenSecret: 'deploy-controller/github-token',
  },
};
