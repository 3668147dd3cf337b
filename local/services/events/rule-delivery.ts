/**
 * Delivery of AWS service events (SSM command status changes, ...) to the Lambda targets of the
 * rules that match them, as EventBridge does: asynchronously, best effort (EventBridge events
 * reference: service events are delivered "best effort"), each event as the envelope a rule's
 * target receives (version, id, detail-type, source, account, time, region, resources, detail;
 * Amazon EventBridge User Guide, "Amazon EventBridge events"). A failed invocation is retried
 * like Lambda's asynchronous invocation (2 more attempts, 1 and 2 simulated minutes apart), then
 * dropped. The fault book can drop events on the way (a lost event), to show that every wait
 * still ends through its safety poll.
 */
import type { SimClock } from '../../clock';
import type { LambdaRuntime } from '../lambda/runtime';
import type { EventBridgeModel, PutEvent } from './model';
import { matchesPattern, type EventPattern } from './pattern';

/** One delivery of one event to one rule's function. */
export interface RuleDelivery {
  eventId: string;
  rule: string;
  functionName: string;
  detailType: string;
  attempts: number;
  state: 'pending' | 'delivered' | 'failed' | 'dropped';
  lastError?: string;
}

const RETRY_DELAYS_SECONDS = [60, 120];

export interface RuleDeliveryOptions {
  clock: SimClock;
  lambda: Pick<LambdaRuntime, 'invoke'>;
  model: EventBridgeModel;
  region: string;
  account: string;
  /** True when this event is lost on the way (a fault scenario). */
  drop?: (event: PutEvent) => boolean;
}

export class RuleTargetDelivery {
  readonly deliveries: RuleDelivery[] = [];
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: RuleDeliveryOptions) {
    options.model.subscribe((event) => this.route(event));
  }

  /** The envelope a rule's target receives for `event`. */
  envelope(event: PutEvent): Record<string, unknown> {
    return {
      version: '0',
      id: event.id,
      'detail-type': event.detailType,
      source: event.source,
      account: this.options.account,
      time: event.time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.options.region,
      resources: event.resources,
      detail: event.detail,
    };
  }

  private route(event: PutEvent): void {
    const envelope = this.envelope(event);
    for (const { rule, functionName } of this.options.model.functionTargets()) {
      if (rule.State !== 'ENABLED') continue;
      if (!matchesPattern(JSON.parse(rule.EventPattern) as EventPattern, envelope)) continue;
      const delivery: RuleDelivery = {
        eventId: event.id,
        rule: rule.Name,
        functionName,
        detailType: event.detailType,
        attempts: 0,
        state: 'pending',
      };
      this.deliveries.push(delivery);
      if (this.options.drop?.(event)) {
        delivery.state = 'dropped';
        continue;
      }
      // Never inside the caller (a service model's timer): on the next tick, like a real bus.
      setImmediate(() => void this.attempt(delivery, envelope));
    }
  }

  private async attempt(delivery: RuleDelivery, envelope: Record<string, unknown>): Promise<void> {
    if (this.options.clock.isStopped) return;
    delivery.attempts++;
    const result = await this.options.lambda.invoke(delivery.functionName, envelope);
    if (!('errorType' in result)) {
      delivery.state = 'delivered';
      delete delivery.lastError;
      return;
    }
    delivery.lastError = `${result.errorType}: ${result.errorMessage}`.slice(0, 500);
    const delay = RETRY_DELAYS_SECONDS[delivery.attempts - 1];
    if (delay === undefined) {
      delivery.state = 'failed';
      return;
    }
    this.timers.push(this.options.clock.after(delay * 1000, () => void this.attempt(delivery, envelope)));
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
