/**
 * S3's state: buckets of objects in memory (the wire API is provider.ts). Builds write artifacts
 * here and Elastic Beanstalk and the simulated instances read them.
 */
import { createHash } from 'node:crypto';

export interface StoredObject {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
  metadata: Record<string, string>;
}

/** `aws-chunked` bodies (streamed uploads with trailing checksums) to plain bytes. */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(offset, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

export class S3Store {
  readonly buckets = new Map<string, Map<string, StoredObject>>();
  private readonly createdAt = new Map<string, Date>();

  /** Creates an empty bucket (no-op if it exists). */
  createBucket(name: string): void {
    if (this.buckets.has(name)) return;
    this.buckets.set(name, new Map());
    this.createdAt.set(name, new Date());
  }

  /** When a bucket was created. */
  created(name: string): Date {
    return this.createdAt.get(name) ?? new Date(0);
  }

  /** Writes an object directly (simulated builds). */
  put(
    bucket: string,
    key: string,
    body: Buffer | string,
    contentType = 'application/octet-stream',
    metadata: Record<string, string> = {},
  ): StoredObject {
    this.createBucket(bucket);
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const object = {
      body: bytes,
      contentType,
      etag: `"${createHash('md5').update(bytes).digest('hex')}"`,
      lastModified: new Date(),
      metadata,
    };
    this.buckets.get(bucket)!.set(key, object);
    return object;
  }

  get(bucket: string, key: string): StoredObject | undefined {
    return this.buckets.get(bucket)?.get(key);
  }

  reset(): void {
    for (const bucket of this.buckets.values()) bucket.clear();
  }
}
