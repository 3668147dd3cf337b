/**
 * Pipeline status changes -> notifier. EventBridge invokes the notifier asynchronously; Lambda
 * retries twice within an hour, then the event lands in an encrypted dead-letter queue whose
 * alarm fires on the first message, so a Slack outage never loses a notice silently.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';

/** Execution statuses the notifier hears about (RUNNING feeds the "started" metric). */
export const NOTIFIED_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;

export interface NotificationsProps {
  notifier: IFunction;
  /** ARNs of the pipeline state machines whose executions are reported. */
  pipelineStateMachineArns: string[];
}

export class Notifications extends Construct {
  readonly rule: Rule;
  readonly deadLetterQueue: Queue;
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'NotifierDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.deadLetterQueue,
      {
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is itself the dead-letter queue of the notifier; nothing consumes it automatically.',
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          'This queue is itself the dead-letter queue of the notifier; nothing consumes it automatically.',
      },
    );

    // Asynchronous invocations: two retries, events older than an hour are stale, then the DLQ.
    props.notifier.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    acknowledge(props.notifier, {
      id: 'Serverless-LambdaDLQ',
      reason:
        'Asynchronous failures go to the on-failure destination (the SQS dead-letter queue above), which supersedes a function-level DLQ and keeps the request and response context.',
    });

    this.rule = new Rule(this, 'PipelineStatusRule', {
      description: 'Deploy controller: pipeline execution status changes to the notifier',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: [...NOTIFIED_STATUSES], stateMachineArn: props.pipelineStateMachineArns },
      },
    });
    // EventBridge's own delivery failures (throttling, permissions) go to the same queue.
    this.rule.addTarget(
      new LambdaFunction(props.notifier, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(1),
      }),
    );

    this.deadLetterAlarm = new Alarm(this, 'NotifierDeadLetterAlarm', {
      alarmDescription:
        'A pipeline status notice could not be delivered (Slack or GitHub down, or a notifier bug): read the message in the dead-letter queue.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
