/**
 * Correlation keys for one delivery (delivery id, event, repository, commit sha), added to every
 * line that delivery logs. A Powertools child logger per request would do the same, but building
 * one (a new Logger and Console, environment re-read) cost more than the rest of the warm path
 * together; a shared logger with persistent keys would mix concurrent deliveries' keys.
 */
import type { Logger } from '@aws-lambda-powertools/logger';

type Attributes = Record<string, unknown>;

/** Logs through a shared Powertools logger with this delivery's keys on each line. */
export class DeliveryLog {
  private keys: Attributes = {};

  constructor(private readonly logger: Logger) {}

  /** Adds keys to every later line of this delivery; `undefined` values are left out. */
  addKeys(keys: Attributes): void {
    for (const [name, value] of Object.entries(keys)) if (value !== undefined) this.keys[name] = value;
  }

  info(message: string, extra?: Attributes): void {
    this.logger.info(message, { ...this.keys, ...extra });
  }

  warn(message: string, extra?: Attributes): void {
    this.logger.warn(message, { ...this.keys, ...extra });
  }

  error(message: string, extra?: Attributes): void {
    this.logger.error(message, { ...this.keys, ...extra });
  }
}
