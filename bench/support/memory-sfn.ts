/**
 * An in-memory Step Functions that keeps StartExecution's real idempotency rules: a name is unique
 * per state machine; the same name with the same input while the execution runs returns the
 * original execution; a different input (or a closed execution) is `ExecutionAlreadyExists`.
 * The load test and the webhook bench count executions here instead of trusting the webhook.
 */
import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';

/** One execution as StartExecution created it. */
export interface StoredExecution {
  stateMachineArn: string;
  name: string;
  executionArn: string;
  input: string;
  startDate: Date;
}

export interface MemorySfnOptions {
  /** Await this before each check-and-insert so concurrent calls interleave as they would over HTTP. */
  latency?: () => Promise<void>;
}

/** Counts of what StartExecution answered. */
export interface StartCounts {
  calls: number;
  created: number;
  idempotent: number;
  alreadyExists: number;
}

export class MemoryStepFunctions {
  readonly executions = new Map<string, StoredExecution>();
  readonly counts: StartCounts = { calls: 0, created: 0, idempotent: 0, alreadyExists: 0 };

  constructor(private readonly options: MemorySfnOptions = {}) {}

  /** What the webhook gets as its SFNClient: only StartExecution is answered. */
  client(): SFNClient {
    return { send: (command: unknown) => this.send(command) } as unknown as SFNClient;
  }

  async send(command: unknown): Promise<{ executionArn: string; startDate: Date }> {
    if (!(command instanceof StartExecutionCommand))
      throw new TypeError(
        `memory SFN answers StartExecution only, got ${(command as object)?.constructor?.name}`,
      );
    const { stateMachineArn, name, input } = command.input;
    if (!stateMachineArn || !name) throw new TypeError('StartExecution needs stateMachineArn and name');
    this.counts.calls++;
    await this.options.latency?.();
    // From here to the insert nothing awaits: the check and the insert are one atomic step.
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.input === (input ?? '{}')) {
        this.counts.idempotent++;
        return { executionArn, startDate: existing.startDate };
      }
      this.counts.alreadyExists++;
      throw new ExecutionAlreadyExists({
        message: `Execution Already Exists: '${executionArn}'`,
        $metadata: { httpStatusCode: 400 },
      });
    }
    const stored = { stateMachineArn, name, executionArn, input: input ?? '{}', startDate: new Date() };
    this.executions.set(executionArn, stored);
    this.counts.created++;
    return { executionArn, startDate: stored.startDate };
  }
}
