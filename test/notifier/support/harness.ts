/**
 * Runs the real notifier handler against local stand-ins: the fake AWS endpoint (Step Functions,
 * DynamoDB), a Slack webhook stub and a GitHub API stub, all on 127.0.0.1 with port 0. EMF lines
 * written to stdout are captured so tests can read the metrics.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { getPipelineSettings } from '../../../functions/commons/config/pipeline-settings';
import type { PipelineSettings } from '../../../functions/commons/config/schema';
import { githubTokenConfigured, postCommitStatus } from '../../../functions/commons/github/commit-status';
import { createDeliveryMetrics } from '../../../functions/commons/metrics';
import { postSlackMessage } from '../../../functions/commons/slack/post-message';
import { createHandler } from '../../../functions/notifier/handler';
import { dynamoNotificationStore } from '../../../functions/notifier/notification-store';
import type { NotifierDeps, NotifierResult } from '../../../functions/notifier/process-status-change';
import { startFakeAws, type FakeAws } from './fake-aws';
import {
  historyInput,
  loadEvent,
  loadHistoryResponse,
  type EventBridgeSample,
  type HistoryName,
} from './fixtures';
import { startHttpStub, type HttpStub } from './http-stub';

export const SLACK_PATH = '/services/T0TEST/B0TEST/slackhooksecret0123456789';
export const GITHUB_TOKEN = 'ghs_testonlytoken0123456789abcdefghijklmnop';

export interface Harness {
  aws: FakeAws;
  slack: HttpStub;
  github: HttpStub;
  /** Everything written to stdout and stderr while the handler ran (EMF records, log lines). */
  output: string[];
  invoke(event: unknown, overrides?: Partial<NotifierDeps>): Promise<NotifierResult>;
  /** EMF records written so far. */
  emf(): Record<string, unknown>[];
  /** A FAILED/TIMED_OUT/ABORTED event for a history fixture, with the execution registered. */
  failureEvent(name: HistoryName, status?: 'FAILED' | 'TIMED_OUT' | 'ABORTED'): EventBridgeSample;
  /** Registers the execution an EventBridge sample talks about. */
  register(event: EventBridgeSample, history?: unknown[]): void;
  reset(): void;
  close(): Promise<void>;
}

export const lambdaContext = {
  functionName: 'deploy-controller-notifier',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:deploy-controller-notifier',
  memoryLimitInMB: '256',
  awsRequestId: '3b8e1f2a-0c4d-4e5f-9a6b-7c8d9e0f1a2b',
  logGroupName: '/aws/lambda/deploy-controller-notifier',
  logStreamName: '2026/03/02/[$LATEST]0123456789abcdef',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

/** Pipeline settings with `notify` overridden. */
export function withNotify(notify: Partial<PipelineSettings['notify']>): (name: string) => PipelineSettings {
  return (name) => {
    const settings = getPipelineSettings(name);
    return { ...settings, notify: { ...settings.notify, ...notify } };
  };
}

export async function startHarness(): Promise<Harness> {
  const aws = await startFakeAws(['notifications']);
  const slack = await startHttpStub({ status: 200, body: 'ok' });
  const github = await startHttpStub({ status: 201, body: '{}', contentType: 'application/json' });
  process.env.SLACK_WEBHOOK_URL = `${slack.url}${SLACK_PATH}`;
  delete process.env.SLACK_WEBHOOK_SECRET_ARN;
  process.env.GITHUB_TOKEN = GITHUB_TOKEN;
  delete process.env.GITHUB_TOKEN_SECRET_ARN;
  process.env.GITHUB_API_URL = github.url;

  const region = 'eu-west-1';
  const sfn = new SFNClient({ endpoint: aws.url, region, maxAttempts: 1 });
  const documentClient = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: aws.url, region, maxAttempts: 1 }),
  );
  const output: string[] = [];
  const logger = new Logger({ serviceName: 'notifier-test', logLevel: 'DEBUG' });

  const harness: Harness = {
    aws,
    slack,
    github,
    output,
    async invoke(event, overrides = {}) {
      const deps: NotifierDeps = {
        sfn,
        store: dynamoNotificationStore(documentClient, { table: 'notifications' }),
        postSlack: (message) => postSlackMessage(message, { timeoutMs: 250 }),
        postStatus: (status) => postCommitStatus(status),
        githubConfigured: () => githubTokenConfigured(),
        settings: getPipelineSettings,
        metrics: createDeliveryMetrics(),
        logger,
        slackRetry: { backoffMs: 1 },
        ...overrides,
      };
      const capture = (chunk: string | Uint8Array) => {
        output.push(String(chunk));
        return true;
      };
      const spies = [
        jest.spyOn(process.stdout, 'write').mockImplementation(capture),
        jest.spyOn(process.stderr, 'write').mockImplementation(capture),
      ];
      try {
        return await createHandler(deps)(event, lambdaContext);
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
    },
    emf() {
      return output
        .flatMap((chunk) => chunk.split('\n'))
        .filter((line) => line.includes('"_aws"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    register(event, history) {
      const d = event.detail;
      aws.executions.set(d.executionArn, {
        executionArn: d.executionArn,
        stateMachineArn: d.stateMachineArn,
        name: d.name,
        status: d.status,
        startDate: d.startDate / 1000,
        ...(d.stopDate ? { stopDate: d.stopDate / 1000 } : {}),
        ...(d.input ? { input: d.input } : {}),
        ...(d.output ? { output: d.output } : {}),
        ...(history ? { history } : {}),
      });
    },
    failureEvent(name, status = 'FAILED') {
      const input = historyInput(name);
      const pipeline = input.pipeline!;
      const history = loadHistoryResponse(name).events;
      const terminal = history.at(-1) as Record<string, { error?: string; cause?: string } | undefined>;
      const details =
        terminal.executionFailedEventDetails ??
        terminal.executionTimedOutEventDetails ??
        terminal.executionAbortedEventDetails;
      const event = loadEvent('failed');
      event.id = `event-${name}`;
      event.detail.status = status;
      event.detail.name = name;
      event.detail.stateMachineArn = `arn:aws:states:eu-west-1:123456789012:stateMachine:deploy-${pipeline}`;
      event.detail.executionArn = `arn:aws:states:eu-west-1:123456789012:execution:deploy-${pipeline}:${name}`;
      event.detail.input = JSON.stringify(input);
      event.detail.error = details?.error ?? null;
      event.detail.cause = details?.cause ?? null;
      harness.register(event, history);
      return event;
    },
    reset() {
      aws.executions.clear();
      aws.calls.length = 0;
      for (const table of aws.tables.values()) table.clear();
      slack.reset();
      github.reset();
      slack.fallback = { status: 200, body: 'ok' };
      github.fallback = { status: 201, body: '{}', contentType: 'application/json' };
      output.length = 0;
    },
    async close() {
      sfn.destroy();
      documentClient.destroy();
      await Promise.all([aws.close(), slack.close(), github.close()]);
    },
  };
  return harness;
}
