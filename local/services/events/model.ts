/**
 * EventBridge's state: the rules on the default bus (the ones the CDK stack creates, and the
 * managed rules Step Functions creates for `.sync` integrations) and the events put on a bus
 * (kept for tests and the control API).
 */
import { randomUUID } from 'node:crypto';
import { ServiceError } from '../../aws/service-error';

export interface PutEvent {
  id: string;
  source: string;
  detailType: string;
  detail: unknown;
  eventBusName: string;
  resources: string[];
  time: Date;
}

/** A rule as ListRules describes it (API reference, ListRules: Rule). */
export interface EventRule {
  Name: string;
  Arn: string;
  EventPattern: string;
  State: 'ENABLED' | 'DISABLED';
  Description?: string;
  EventBusName: string;
  ManagedBy?: string;
}

/** One PutEvents request entry (API reference, PutEventsRequestEntry). */
export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: number;
}

/** Statuses the notifier's rule matches (infra/constructs/notifications.ts NOTIFIED_STATUSES). */
const NOTIFIED_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

export class EventBridgeModel {
  readonly events: PutEvent[] = [];
  readonly rules: EventRule[];
  private readonly listeners: ((event: PutEvent) => void)[] = [];
  /** Rules (added with `addFunctionRule`) whose target is a Lambda function, by rule name. */
  private readonly targets = new Map<string, string>();

  constructor(
    private readonly region: string,
    private readonly account: string,
    /** The pipelines' state machine ARNs (the notifier rule's pattern). */
    pipelineStateMachineArns: string[],
  ) {
    const arn = (name: string) => `arn:aws:events:${region}:${account}:rule/${name}`;
    this.rules = [
      {
        // infra/constructs/notifications.ts: the PipelineStatusRule to the notifier.
        Name: 'DeployController-PipelineStatusRule',
        Arn: arn('DeployController-PipelineStatusRule'),
        EventPattern: JSON.stringify({
          source: ['aws.states'],
          'detail-type': ['Step Functions Execution Status Change'],
          detail: { status: NOTIFIED_STATUSES, stateMachineArn: pipelineStateMachineArns },
        }),
        State: 'ENABLED',
        Description: 'Deploy controller: pipeline execution status changes to the notifier',
        EventBusName: 'default',
      },
      // Managed rules Step Functions creates for `.sync` integrations ("Step Functions
      // integration with EventBridge", Step Functions developer guide; their names are in
      // infra/constructs/state-machines.ts grants).
      ...[
        ['StepFunctionsGetEventsForCodeBuildStartBuildRule', 'aws.codebuild', 'CodeBuild Build State Change'],
        [
          'StepFunctionsGetEventsForStepFunctionsExecutionRule',
          'aws.states',
          'Step Functions Execution Status Change',
        ],
      ].map(([name, source, detailType]) => ({
        Name: name!,
        Arn: arn(name!),
        EventPattern: JSON.stringify({ source: [source], 'detail-type': [detailType] }),
        State: 'ENABLED' as const,
        Description: `This rule is used to notify Step Functions regarding ${source === 'aws.codebuild' ? 'CodeBuild' : 'Step Functions'} integration`,
        EventBusName: 'default',
        ManagedBy: 'states.amazonaws.com',
      })),
    ];
  }

  /**
   * PutEvents (API reference, PutEvents): 1 to 10 entries; an entry without Source, DetailType
   * or Detail, or with Detail that is not JSON, fails on its own (ErrorCode per entry).
   */
  put(entries: PutEventsEntry[] | undefined): {
    FailedEntryCount: number;
    Entries: Record<string, string>[];
  } {
    const list = entries ?? [];
    if (list.length < 1 || list.length > 10)
      throw new ServiceError(
        'ValidationException',
        "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10",
      );
    let failed = 0;
    const results = list.map((entry) => {
      if (!entry.Source || !entry.DetailType || !entry.Detail) {
        failed++;
        return {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: 'Parameters Source, DetailType and Detail are required.',
        };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail);
      } catch {
        failed++;
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      const id = randomUUID();
      this.events.push({
        id,
        source: entry.Source,
        detailType: entry.DetailType,
        detail,
        eventBusName: entry.EventBusName ?? 'default',
        resources: entry.Resources ?? [],
        time: entry.Time ? new Date(entry.Time * 1000) : new Date(),
      });
      return { EventId: id };
    });
    return { FailedEntryCount: failed, Entries: results };
  }

  /**
   * An AWS service's own event on the default bus (SSM command status changes, ...): recorded
   * like a PutEvents entry, then handed to every subscriber (the rule targets' delivery).
   */
  emit(event: Pick<PutEvent, 'source' | 'detailType' | 'detail' | 'resources'>): PutEvent {
    const put: PutEvent = { id: randomUUID(), eventBusName: 'default', time: new Date(), ...event };
    this.events.push(put);
    for (const listener of this.listeners) listener(put);
    return put;
  }

  /**
   * Adds a rule of the stack whose target is a controller function (infra/constructs; e.g. the
   * SSM command status rule to wait-router): listed by ListRules, and service events that match
   * its pattern are delivered to the function (rule-delivery.ts).
   */
  addFunctionRule(
    rule: { Name: string; EventPattern: object; Description: string },
    functionName: string,
  ): void {
    this.rules.push({
      Name: rule.Name,
      Arn: `arn:aws:events:${this.region}:${this.account}:rule/${rule.Name}`,
      EventPattern: JSON.stringify(rule.EventPattern),
      State: 'ENABLED',
      Description: rule.Description,
      EventBusName: 'default',
    });
    this.targets.set(rule.Name, functionName);
  }

  /** The rules with a function target, with that function's name. */
  functionTargets(): { rule: EventRule; functionName: string }[] {
    return this.rules.flatMap((rule) => {
      const functionName = this.targets.get(rule.Name);
      return functionName ? [{ rule, functionName }] : [];
    });
  }

  /** Calls `listener` with every service event emitted from now on. */
  subscribe(listener: (event: PutEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Back to no events (rules stay). */
  reset(): void {
    this.events.length = 0;
  }

  /** The default bus's ARN. */
  get defaultBusArn(): string {
    return `arn:aws:events:${this.region}:${this.account}:event-bus/default`;
  }
}
