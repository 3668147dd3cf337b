/**
 * EventBridge "Step Functions Execution Status Change" events for the pipeline state machines,
 * delivered to the notifier handler the way an EventBridge rule invokes a Lambda target:
 * asynchronously, with Lambda's async retries (2 more attempts, 1 and 2 simulated minutes apart),
 * then into a dead-letter list (the DLQ; its depth is what the alarm watches).
 */
import { randomUUID } from 'node:crypto';
import type { SimClock } from '../../clock';
import type { Execution } from '../../sfn/engine';
import { redriveStatus } from '../../sfn/redrive';
import type { LambdaRuntime } from '../lambda/runtime';

export interface StatusDelivery {
  eventId: string;
  executionArn: string;
  status: string;
  attempts: number;
  state: 'pending' | 'delivered' | 'dead-letter';
  lastError?: string;
  event: Record<string, unknown>;
}

const RETRY_DELAYS_SECONDS = [60, 120];

export class StatusEventBus {
  readonly deliveries: StatusDelivery[] = [];
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly options: {
      clock: SimClock;
      lambda: LambdaRuntime;
      region: string;
      account: string;
      /** State machines whose executions the rule matches (the pipelines, not the sub-workflows). */
      matches: (stateMachineArn: string) => boolean;
      functionName?: string;
    },
  ) {}

  /** The event AWS would put on the default bus for the execution's current status. */
  eventFor(execution: Execution): Record<string, unknown> {
    const ended = execution.status !== 'RUNNING';
    const redrive = redriveStatus(execution);
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: this.options.account,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.options.region,
      resources: [execution.arn],
      detail: {
        executionArn: execution.arn,
        stateMachineArn: execution.stateMachine.arn,
        name: execution.name,
        status: execution.status,
        startDate: execution.startDate.getTime(),
        stopDate: ended ? (execution.stopDate?.getTime() ?? null) : null,
        input: execution.input,
        output: execution.output ?? null,
        inputDetails: { included: true },
        outputDetails: ended && execution.output !== undefined ? { included: true } : null,
        error: execution.error ?? null,
        cause: execution.cause ?? null,
        // A redriven run reports its redriveCount and redriveDate (epoch ms) and goes through
        // RUNNING again ("Step Functions Execution Status Change" events, Step Functions developer
        // guide "Automating Step Functions event delivery with EventBridge"; the fixtures in
        // events/eventbridge/ carry the same fields). redriveStatusReason is null when redrivable.
        redriveCount: execution.redriveCount,
        redriveDate: execution.redriveDate?.getTime() ?? null,
        redriveStatus: redrive.redriveStatus,
        redriveStatusReason: redrive.redriveStatusReason ?? null,
      },
    };
  }

  /** Queues the status change; delivery happens on the next tick, never inside the engine. */
  publish(execution: Execution): void {
    if (!this.options.matches(execution.stateMachine.arn)) return;
    const event = this.eventFor(execution);
    const delivery: StatusDelivery = {
      eventId: String(event.id),
      executionArn: execution.arn,
      status: execution.status,
      attempts: 0,
      state: 'pending',
      event,
    };
    this.deliveries.push(delivery);
    setImmediate(() => void this.attempt(delivery));
  }

  private async attempt(delivery: StatusDelivery): Promise<void> {
    if (this.options.clock.isStopped) return;
    delivery.attempts++;
    const result = await this.options.lambda.invoke(this.options.functionName ?? 'notifier', delivery.event);
    if (!('errorType' in result)) {
      delivery.state = 'delivered';
      delete delivery.lastError;
      return;
    }
    delivery.lastError = `${result.errorType}: ${result.errorMessage}`.slice(0, 500);
    const delay = RETRY_DELAYS_SECONDS[delivery.attempts - 1];
    if (delay === undefined) {
      delivery.state = 'dead-letter';
      return;
    }
    this.timers.push(this.options.clock.after(delay * 1000, () => void this.attempt(delivery)));
  }

  get deadLetters(): StatusDelivery[] {
    return this.deliveries.filter((d) => d.state === 'dead-letter');
  }

  /** True when nothing is waiting for a (re)try. */
  get idle(): boolean {
    return this.deliveries.every((d) => d.state !== 'pending');
  }

  reset(): void {
    for (const timer of this.timers) this.options.clock.cancel(timer);
    this.timers = [];
    this.deliveries.length = 0;
  }
}
