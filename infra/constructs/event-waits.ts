/**
 * Event-driven waits: EventBridge rules targeting wait-router, which resumes the task waiting on
 * what the event reports: SSM's final "EC2 Command Status-change Notification" events for the
 * release document (deploy-ssm), Elastic Beanstalk's "Elastic Beanstalk resource status change"
 * for the pipelines' environments (deploy-beanstalk), and CloudWatch's "CloudWatch Alarm State
 * Change" to ALARM for the pipelines' alarms (the pipeline's bake window). EventBridge delivers
 * service events best effort (EventBridge events reference, "Amazon EC2 Systems Manager events",
 * "AWS Elastic Beanstalk events"); a lost event costs the wait one safety poll (the bake: its own
 * end), so failed deliveries are retried briefly and then dropped.
 */
import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { alarmStateEventPattern } from '../../functions/wait-router/alarm-events';
import { beanstalkEnvironmentEventPattern } from '../../functions/wait-router/beanstalk-events';
import { ssmCommandEventPattern } from '../../functions/wait-router/service-events';
import { acknowledge } from '../nag';

export interface EventWaitsProps {
  /** The wait-router function. */
  router: IFunction;
  /** Name of the project's SSM Command document (the release and rollback commands). */
  releaseDocumentName: string;
  /** The pipelines' Elastic Beanstalk environment names (no rule when there are none). */
  beanstalkEnvironments: readonly string[];
  /** Every pipeline's verify.alarms (no rule when there are none). */
  alarms: readonly string[];
}

/** How long an event stays worth delivering: after this the safety poll has read the status anyway. */
const MAX_EVENT_AGE = Duration.minutes(10);

export class EventWaits extends Construct {
  readonly ssmCommandRule: Rule;
  readonly beanstalkEnvironmentRule?: Rule;
  readonly alarmStateRule?: Rule;

  constructor(scope: Construct, id: string, props: EventWaitsProps) {
    super(scope, id);
    const pattern = ssmCommandEventPattern(props.releaseDocumentName);
    this.ssmCommandRule = new Rule(this, 'SsmCommandStatusRule', {
      description: 'Deploy controller: final status of release commands to wait-router (ends the SSM wait)',
      eventPattern: { source: pattern.source, detailType: pattern['detail-type'], detail: pattern.detail },
    });
    // The target adds the resource policy that lets events.amazonaws.com invoke the function
    // (lambda:InvokeFunction, source ARN = this rule).
    this.ssmCommandRule.addTarget(
      new LambdaFunction(props.router, { retryAttempts: 2, maxEventAge: MAX_EVENT_AGE }),
    );
    if (props.beanstalkEnvironments.length > 0) {
      // Elastic Beanstalk's update outcomes ("Elastic Beanstalk resource status change") for the
      // pipelines' environments end the canary and rollback waits of deploy-beanstalk.
      const eb = beanstalkEnvironmentEventPattern(props.beanstalkEnvironments);
      this.beanstalkEnvironmentRule = new Rule(this, 'BeanstalkEnvironmentStatusRule', {
        description:
          'Deploy controller: Beanstalk environment update outcomes to wait-router (ends the canary and rollback waits)',
        eventPattern: { source: eb.source, detailType: eb['detail-type'], detail: eb.detail },
      });
      this.beanstalkEnvironmentRule.addTarget(
        new LambdaFunction(props.router, { retryAttempts: 2, maxEventAge: MAX_EVENT_AGE }),
      );
      acknowledge(this.beanstalkEnvironmentRule, {
        id: 'Serverless-EventBusDLQ',
        reason:
          'A status event that cannot be delivered needs no dead letter: the waiting sub-workflow reads the status itself after its safety poll (HeartbeatSeconds).',
      });
    }
    if (props.alarms.length > 0) {
      // The pipelines' alarms going to ALARM ("CloudWatch Alarm State Change") end the bake early.
      const alarm = alarmStateEventPattern(props.alarms);
      this.alarmStateRule = new Rule(this, 'AlarmStateRule', {
        description:
          "Deploy controller: the pipelines' alarms going to ALARM to wait-router (ends the bake early)",
        eventPattern: { source: alarm.source, detailType: alarm['detail-type'], detail: alarm.detail },
      });
      this.alarmStateRule.addTarget(
        new LambdaFunction(props.router, { retryAttempts: 2, maxEventAge: MAX_EVENT_AGE }),
      );
      acknowledge(this.alarmStateRule, {
        id: 'Serverless-EventBusDLQ',
        reason:
          'An alarm event that cannot be delivered needs no dead letter: the bake checks the alarms itself when its window ends.',
      });
    }
    acknowledge(props.router, {
      id: 'Serverless-LambdaDLQ',
      reason:
        'A status event that cannot be routed needs no dead letter: the waiting sub-workflow reads the status itself after its safety poll (HeartbeatSeconds).',
    });
    acknowledge(this.ssmCommandRule, {
      id: 'Serverless-EventBusDLQ',
      reason:
        'A status event that cannot be delivered needs no dead letter: the waiting sub-workflow reads the status itself after its safety poll (HeartbeatSeconds).',
    });
  }
}
