/** Secrets Manager's state: secrets by name, each with its versions (newest last). */
import { randomUUID } from 'node:crypto';
import { ServiceError } from '../../aws/service-error';

export interface SecretVersion {
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
