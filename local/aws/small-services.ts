/**
 * The small services: Secrets Manager (GetSecretValue, PutSecretValue), CloudWatch
 * (DescribeAlarms, JSON 1.0 as @aws-sdk/client-cloudwatch 3.11xx speaks it) and EventBridge
 * (PutEvents, JSON 1.1).
 */
import { randomUUID } from 'node:crypto';
import type { JsonService } from './server';
import { ServiceError } from './service-error';

// ---------------------------------------------------------------- Secrets Manager
interface SecretVersion {
  id: string;
  value: string;
  createdAt: Date;
}

export class SecretsStore {
  readonly secrets = new Map<string, { arn: string; name: string; versions: SecretVersion[] }>();
  constructor(
    private readonly region: string,
    private readonly account: string,
  ) {}

  /** Creates or overwrites a secret (sandbox set-up). */
  set(name: string, value: string): string {
    const existing = this.secrets.get(name);
    const version = { id: randomUUID(), value, createdAt: new Date() };
    if (existing) {
      existing.versions.push(version);
      return existing.arn;
    }
    const arn = `arn:aws:secretsmanager:${this.region}:${this.account}:secret:${name}-${randomUUID().slice(0, 6)}`;
    this.secrets.set(name, { arn, name, versions: [version] });
    return arn;
  }

  find(id: unknown): { arn: string; name: string; versions: SecretVersion[] } {
    if (typeof id !== 'string' || !id)
      throw new ServiceError('InvalidParameterException', 'SecretId is required');
    const secret = this.secrets.get(id) ?? [...this.secrets.values()].find((s) => s.arn === id);
    if (!secret)
      throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return secret;
  }
}

export function secretsManagerService(store: SecretsStore): JsonService {
  return {
    name: 'secretsmanager',
    targetPrefix: 'secretsmanager',
    jsonVersion: '1.1',
    operations: {
      GetSecretValue: (input: { SecretId?: string }) => {
        const secret = store.find(input.SecretId);
        const current = secret.versions[secret.versions.length - 1]!;
        return {
          ARN: secret.arn,
          Name: secret.name,
          VersionId: current.id,
          SecretString: current.value,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: current.createdAt,
        };
      },
      PutSecretValue: (input: { SecretId?: string; SecretString?: string }) => {
        const secret = store.find(input.SecretId);
        if (typeof input.SecretString !== 'string')
          throw new ServiceError(
            'InvalidParameterException',
            'You must provide either SecretString or SecretBinary.',
          );
        store.set(secret.name, input.SecretString);
        const current = secret.versions[secret.versions.length - 1]!;
        return { ARN: secret.arn, Name: secret.name, VersionId: current.id, VersionStages: ['AWSCURRENT'] };
      },
    },
  };
}

// ---------------------------------------------------------------- CloudWatch
export interface Alarm {
  AlarmName: string;
  AlarmArn: string;
  StateValue: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  StateReason: string;
  StateUpdatedTimestamp: Date;
  MetricName: string;
  Namespace: string;
  Statistic: string;
  Period: number;
  EvaluationPeriods: number;
  Threshold: number;
  ComparisonOperator: string;
  ActionsEnabled: boolean;
}

export class AlarmStore {
  readonly alarms = new Map<string, Alarm>();
  constructor(
    private readonly region: string,
    private readonly account: string,
  ) {}

  define(name: string): void {
    if (this.alarms.has(name)) return;
    this.alarms.set(name, {
      AlarmName: name,
      AlarmArn: `arn:aws:cloudwatch:${this.region}:${this.account}:alarm:${name}`,
      StateValue: 'OK',
      StateReason: 'Threshold Crossed: no datapoints were breaching the threshold',
      StateUpdatedTimestamp: new Date(),
      MetricName: /latency/i.test(name) ? 'TargetResponseTime' : 'HTTPCode_Target_5XX_Count',
      Namespace: 'AWS/ApplicationELB',
      Statistic: /latency/i.test(name) ? 'Average' : 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: /latency/i.test(name) ? 1.5 : 5,
      ComparisonOperator: 'GreaterThanThreshold',
      ActionsEnabled: true,
    });
  }

  setState(name: string, state: Alarm['StateValue'], reason: string): void {
    this.define(name);
    const alarm = this.alarms.get(name)!;
    if (alarm.StateValue === state) return;
    Object.assign(alarm, { StateValue: state, StateReason: reason, StateUpdatedTimestamp: new Date() });
  }
}

export function cloudWatchService(store: AlarmStore): JsonService {
  return {
    name: 'cloudwatch',
    targetPrefix: 'GraniteServiceVersion20100801',
    jsonVersion: '1.0',
    queryCompatible: true,
    operations: {
      DescribeAlarms: (input: {
        AlarmNames?: string[];
        AlarmNamePrefix?: string;
        StateValue?: string;
        MaxRecords?: number;
      }) => {
        if (input.AlarmNames && input.AlarmNamePrefix)
          throw new ServiceError(
            'InvalidParameterCombination',
            'AlarmNames and AlarmNamePrefix cannot be used together',
          );
        let alarms = [...store.alarms.values()];
        if (input.AlarmNames) alarms = alarms.filter((a) => input.AlarmNames!.includes(a.AlarmName));
        if (input.AlarmNamePrefix)
          alarms = alarms.filter((a) => a.AlarmName.startsWith(input.AlarmNamePrefix!));
        if (input.StateValue) alarms = alarms.filter((a) => a.StateValue === input.StateValue);
        return { MetricAlarms: alarms.slice(0, input.MaxRecords ?? 100), CompositeAlarms: [] };
      },
    },
  };
}

// ---------------------------------------------------------------- EventBridge
export interface PutEvent {
  id: string;
  source: string;
  detailType: string;
  detail: unknown;
  eventBusName: string;
  resources: string[];
  time: Date;
}

export function eventBridgeService(onEvent: (event: PutEvent) => void): JsonService {
  return {
    name: 'events',
    targetPrefix: 'AWSEvents',
    jsonVersion: '1.1',
    operations: {
      PutEvents: (input: {
        Entries?: {
          Source?: string;
          DetailType?: string;
          Detail?: string;
          EventBusName?: string;
          Resources?: string[];
          Time?: number;
        }[];
      }) => {
        const entries = input.Entries ?? [];
        if (entries.length < 1 || entries.length > 10)
          throw new ServiceError(
            'ValidationException',
            "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10",
          );
        let failed = 0;
        const results = entries.map((entry) => {
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
          onEvent({
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
      },
    },
  };
}
