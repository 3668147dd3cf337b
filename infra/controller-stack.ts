/**
 * The deploy controller on AWS, generated from pipelines.yaml: HTTP API -> webhook -> one
 * Step Functions pipeline per app (CodeBuild build/test and scan, health gate, approval, deploy
 * sub-workflow, verify), notifications, dashboard and alarms. Each part lives in constructs/.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { PipelinesConfig } from '../functions/commons/config/schema';
import { APPROVALS_PATH, ControllerApi, WEBHOOK_PATH } from './constructs/api';
import { PipelineBuildProjects } from './constructs/build-projects';
import { ControllerDashboard, DASHBOARD_NAME } from './constructs/dashboard';
import { wireFunctions } from './constructs/function-wiring';
import { ControllerFunctions } from './constructs/functions';
import { EventWaits } from './constructs/event-waits';
import { Notifications } from './constructs/notifications';
import { ControllerSecrets } from './constructs/secrets';
import { ReleaseDocument } from './constructs/ssm-document';
import { ControllerStateMachines } from './constructs/state-machines';
import { Storage } from './constructs/storage';
import { exportNames } from './sample-targets-stack';

export interface ControllerStackProps extends StackProps {
  config: PipelinesConfig;
  /** Reserve concurrency for the capped functions (default true; false for accounts with a quota of 10). */
  reserveConcurrency?: boolean;
  /** Retention of every log group (default one month). */
  logRetention?: RetentionDays;
}

export class ControllerStack extends Stack {
  readonly storage: Storage;
  readonly secrets: ControllerSecrets;
  readonly functions: ControllerFunctions;
  readonly api: ControllerApi;
  readonly builds = new Map<string, PipelineBuildProjects>();
  readonly stateMachines: ControllerStateMachines;
  readonly notifications: Notifications;
  readonly eventWaits: EventWaits;
  readonly dashboard: ControllerDashboard;
  readonly releaseDocument: ReleaseDocument;
  /** Output of the release command on each instance (the instances write here). */
  readonly commandOutputLogs: LogGroup;

  constructor(scope: Construct, id: string, props: ControllerStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;

    this.storage = new Storage(this, 'Storage');
    this.secrets = new ControllerSecrets(this, 'Secrets');
    this.releaseDocument = new ReleaseDocument(this, 'ReleaseDocument');
    this.functions = new ControllerFunctions(this, 'Functions', {
      config,
      reserveConcurrency: props.reserveConcurrency ?? true,
      logRetention,
    });
    this.api = new ControllerApi(this, 'Api', {
      webhookFunction: this.functions.get('github-webhook'),
      approvalCallbackFunction: this.functions.get('approval-callback'),
      logRetention,
    });
    // approval-request builds `<base>/approvals/<id>?...` links from the API's root URL.
    const approvalBaseUrl = this.api.url;
    this.commandOutputLogs = new LogGroup(this, 'SsmCommandOutput', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    wireFunctions(this, {
      config,
      functions: this.functions,
      storage: this.storage,
      secrets: this.secrets,
      releaseDocumentName: this.releaseDocument.documentName,
      commandOutputLogGroupName: this.commandOutputLogs.logGroupName,
      approvalBaseUrl,
    });

    for (const settings of config.pipelines) {
      this.builds.set(
        settings.name,
        new PipelineBuildProjects(this, `Build-${settings.name}`, {
          settings,
          artifactsBucket: this.storage.artifactsBucket,
          logRetention,
        }),
      );
    }
    this.stateMachines = new ControllerStateMachines(this, 'StateMachines', {
      config,
      functions: this.functions,
      builds: this.builds,
      artifactsBucket: this.storage.artifactsBucket,
      logRetention,
    });
    this.notifications = new Notifications(this, 'Notifications', {
      notifier: this.functions.get('notifier'),
      pipelineStateMachineArns: [...this.stateMachines.pipelines.values()].map((sm) => sm.stateMachineArn),
    });
    this.eventWaits = new EventWaits(this, 'EventWaits', {
      router: this.functions.get('wait-router'),
      releaseDocumentName: this.releaseDocument.documentName,
      beanstalkEnvironments: config.pipelines.flatMap((p) =>
        p.target.kind === 'elastic-beanstalk' ? [p.target.environment] : [],
      ),
      alarms: [...new Set(config.pipelines.flatMap((p) => p.verify.alarms))],
    });
    this.dashboard = new ControllerDashboard(this, 'Monitoring', {
      pipelines: config.pipelines.map((p) => p.name),
      httpApi: this.api.httpApi,
      functions: this.functions.byName,
      pipelineStateMachines: new Map([...this.stateMachines.pipelines].map(([p, sm]) => [`deploy-${p}`, sm])),
      deployStateMachines: this.stateMachines.deployWorkflows,
    });

    this.outputs(approvalBaseUrl);
  }

  private outputs(approvalBaseUrl: string): void {
    const console = `https://${this.region}.console.aws.amazon.com`;
    new CfnOutput(this, 'WebhookUrl', {
      description:
        'Payload URL for the GitHub webhook of each app repository (content type application/json, push events).',
      value: `${this.api.url}${WEBHOOK_PATH}`,
    });
    new CfnOutput(this, 'ApprovalBaseUrl', {
      description: `Base of the approve/reject links sent to Slack (<base>${APPROVALS_PATH}/<approvalId>).`,
      value: approvalBaseUrl,
    });
    new CfnOutput(this, 'GithubWebhookSecretName', {
      description:
        'Secret holding the GitHub webhook secret (generated): read it and paste it into the webhook settings.',
      value: this.secrets.githubWebhookSecret.secretName,
    });
    new CfnOutput(this, 'SlackWebhookSecretName', {
      description: 'Secret to fill with the Slack incoming webhook URL (put-secret-value).',
      value: this.secrets.slackWebhookSecret.secretName,
    });
    new CfnOutput(this, 'GithubTokenSecretName', {
      description: 'Optional: secret to fill with a GitHub token for commit statuses (put-secret-value).',
      value: this.secrets.githubTokenSecret.secretName,
    });
    new CfnOutput(this, 'ApprovalLinkKeySecretName', {
      description: 'Secret holding the key that signs approval links (generated).',
      value: this.secrets.approvalLinkKey.secretName,
    });
    new CfnOutput(this, 'ArtifactsBucketName', {
      description: 'Build artifacts by pipeline and commit.',
      value: this.storage.artifactsBucket.bucketName,
    });
    // Imported by the sample-targets stack (instances read releases, write command output).
    const exports = exportNames(this.stackName);
    new CfnOutput(this, 'ArtifactsBucketArn', {
      value: this.storage.artifactsBucket.bucketArn,
      exportName: exports.artifactsBucketArn,
    });
    new CfnOutput(this, 'SsmCommandOutputLogGroup', {
      description: 'Release output of every instance (SSM Run Command).',
      value: this.commandOutputLogs.logGroupName,
      exportName: exports.commandOutputLogGroup,
    });
    new CfnOutput(this, 'NotifierDeadLetterQueueUrl', {
      description: 'Notices that could not be delivered land here (alarmed).',
      value: this.notifications.deadLetterQueue.queueUrl,
    });
    for (const [pipeline, sm] of this.stateMachines.pipelines) {
      new CfnOutput(this, `StateMachineConsole-${pipeline}`, {
        description: `Executions of pipeline ${pipeline} in the Step Functions console.`,
        value: `${console}/states/home?region=${this.region}#/statemachines/view/${sm.stateMachineArn}`,
      });
    }
    new CfnOutput(this, 'DashboardUrl', {
      description: 'The CloudWatch dashboard (DORA keys, webhook, functions, executions).',
      value: `${console}/cloudwatch/home?region=${this.region}#dashboards:name=${DASHBOARD_NAME}`,
    });
  }
}
