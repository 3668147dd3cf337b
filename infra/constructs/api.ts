/**
 * The HTTP API: GitHub deliveries and approval links. Both routes are public by nature (GitHub
 * and a person's browser call them); the functions authenticate every request themselves (HMAC
 * signature of the delivery, signed single-use approval links). The default stage throttles
 * and writes one JSON access-log line per request.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';

/** Steady-state requests per second and burst the stage accepts before answering 429. */
export const API_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;

/** Paths of the routes (the README and the GitHub webhook settings use these). */
export const WEBHOOK_PATH = '/webhooks/github';
export const APPROVALS_PATH = '/approvals';

/** One JSON object per request: enough to trace a delivery without logging bodies or headers. */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  userAgent: '$context.identity.userAgent',
} as const;

export interface ApiProps {
  webhookFunction: IFunction;
  approvalCallbackFunction: IFunction;
  logRetention: RetentionDays;
}

export class ControllerApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Deploy controller: GitHub webhook and approval links',
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const webhook = new HttpLambdaIntegration('WebhookIntegration', props.webhookFunction);
    const approvals = new HttpLambdaIntegration('ApprovalIntegration', props.approvalCallbackFunction);
    const routes = [
      ...this.httpApi.addRoutes({ path: WEBHOOK_PATH, methods: [HttpMethod.POST], integration: webhook }),
      ...this.httpApi.addRoutes({
        path: `${APPROVALS_PATH}/{approvalId}`,
        methods: [HttpMethod.GET, HttpMethod.POST],
        integration: approvals,
      }),
    ];
    for (const route of routes) {
      acknowledge(route, {
        id: 'AwsSolutions-APIG4',
        reason:
          'Called by GitHub and by a person following a Slack link, neither of which can present AWS or JWT credentials; the function verifies the HMAC signature of the delivery or the signed, expiring, single-use approval link.',
      });
    }
  }

  /** Base URL of the API, without a trailing slash. */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }
}
