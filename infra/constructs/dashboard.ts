/**
 * One CloudWatch dashboard for the team (the four DORA keys per pipeline, webhook errors,
 * function errors and durations, failed executions) and the alarms that need a person.
 */
import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  METRICS_NAMESPACE,
  MetricNames,
  PIPELINE_DIMENSION,
  type MetricName,
} from '../../functions/commons/metrics';

export const DASHBOARD_NAME = 'DeployController';

export interface DashboardProps {
  pipelines: string[];
  httpApi: HttpApi;
  functions: Map<string, IFunction>;
  pipelineStateMachines: Map<string, IStateMachine>;
  deployStateMachines: Map<string, IStateMachine>;
}

/** A delivery metric of one pipeline, as the notifier emits it (functions/commons/metrics.ts). */
export function deliveryMetric(
  name: MetricName,
  pipeline: string,
  statistic: string,
  period = Duration.days(1),
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { [PIPELINE_DIMENSION]: pipeline },
    statistic,
    period,
    label: pipeline,
  });
}

export class ControllerDashboard extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const { pipelines } = props;
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: DASHBOARD_NAME,
      defaultInterval: Duration.days(30),
    });

    const perPipeline = (name: MetricName, statistic: string, period?: Duration): IMetric[] =>
      pipelines.map((p) => deliveryMetric(name, p, statistic, period));
    const failureRate = pipelines.map(
      (p, i) =>
        new MathExpression({
          label: p,
          expression: `100 * f${i} / IF(s${i} + f${i} > 0, s${i} + f${i}, 1)`,
          usingMetrics: {
            [`f${i}`]: deliveryMetric(MetricNames.DeploymentFailed, p, 'Sum', Duration.days(7)),
            [`s${i}`]: deliveryMetric(MetricNames.DeploymentSucceeded, p, 'Sum', Duration.days(7)),
          },
          period: Duration.days(7),
        }),
    );
    const hours = (name: MetricName) =>
      pipelines.map(
        (p, i) =>
          new MathExpression({
            label: p,
            expression: `m${i} / 3600`,
            usingMetrics: { [`m${i}`]: deliveryMetric(name, p, 'Average') },
            period: Duration.days(1),
          }),
      );

    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# Deploy controller\nDORA keys per pipeline (from the notifier), then the controller itself. ' +
          'Deployment frequency = succeeded per day; change failure rate = failed / (succeeded + failed).',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Deployments started per day',
        left: perPipeline(MetricNames.DeploymentStarted, 'Sum'),
        width: 6,
      }),
      new GraphWidget({
        title: 'Deployment frequency (succeeded per day)',
        left: perPipeline(MetricNames.DeploymentSucceeded, 'Sum'),
        width: 6,
      }),
      new GraphWidget({
        title: 'Deployments failed per day',
        left: perPipeline(MetricNames.DeploymentFailed, 'Sum'),
        width: 6,
      }),
      new GraphWidget({
        title: 'Rolled back per day',
        left: perPipeline(MetricNames.DeploymentRolledBack, 'Sum'),
        width: 6,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Lead time for changes (hours, commit to production)',
        left: hours(MetricNames.LeadTimeSeconds),
        width: 8,
      }),
      new GraphWidget({
        title: 'Time to restore service (hours)',
        left: hours(MetricNames.TimeToRestoreSeconds),
        width: 8,
      }),
      new GraphWidget({
        title: 'Change failure rate (% per week)',
        left: failureRate,
        width: 8,
        leftYAxis: { min: 0, max: 100 },
      }),
    );

    const apiMetric = (metricName: string) =>
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: props.httpApi.apiId },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Webhook requests and errors',
        left: [apiMetric('Count'), apiMetric('4xx'), apiMetric('5xx')],
        width: 8,
      }),
      new GraphWidget({
        title: 'Function errors',
        left: [...props.functions].map(([name, fn]) =>
          fn.metricErrors({ period: Duration.minutes(5), label: name }),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'Function duration p90 (ms)',
        left: [...props.functions].map(([name, fn]) =>
          fn.metricDuration({ period: Duration.minutes(5), statistic: 'p90', label: name }),
        ),
        width: 8,
      }),
    );
    const allMachines = [...props.pipelineStateMachines, ...props.deployStateMachines];
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Executions failed, timed out or aborted',
        left: allMachines.flatMap(([name, sm]) => [
          sm.metricFailed({ period: Duration.minutes(5), label: `${name} failed` }),
          sm.metricTimedOut({ period: Duration.minutes(5), label: `${name} timed out` }),
          sm.metricAborted({ period: Duration.minutes(5), label: `${name} aborted` }),
        ]),
        width: 16,
      }),
      new SingleValueWidget({
        title: 'Succeeded (30 days)',
        metrics: perPipeline(MetricNames.DeploymentSucceeded, 'Sum', Duration.days(30)),
        width: 8,
      }),
    );

    // Alarms: a person should look when any of these fire.
    for (const [name, fn] of props.functions) {
      this.alarms.push(
        new Alarm(this, `${name}-errors`, {
          alarmDescription: `Function ${name} reported errors (see its log group).`,
          metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    for (const [name, sm] of allMachines) {
      this.alarms.push(
        new Alarm(this, `${name}-failed`, {
          alarmDescription: `State machine ${name} had failed, timed-out or aborted executions (superseded runs succeed and do not count).`,
          metric: new MathExpression({
            expression: 'f + t + a',
            usingMetrics: {
              f: sm.metricFailed({ statistic: 'Sum' }),
              t: sm.metricTimedOut({ statistic: 'Sum' }),
              a: sm.metricAborted({ statistic: 'Sum' }),
            },
            period: Duration.minutes(5),
          }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    this.alarms.push(
      new Alarm(this, 'webhook-5xx', {
        alarmDescription: 'The HTTP API answered 5xx: GitHub deliveries or approval links are failing.',
        metric: apiMetric('5xx'),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
