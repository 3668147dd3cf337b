/**
 * The simulated S3 (REST, path-style `/<bucket>/<key>`): PutObject, GetObject, HeadObject, and
 * DeleteObject, with S3's XML errors (NoSuchBucket, NoSuchKey). Builds write artifacts here and
 * Elastic Beanstalk and the simulated instances read them.
 */
import { createHash } from 'node:crypto';
import type { RawRequest, RawResponse } from '../../aws/server';
import { toXml } from '../../aws/xml';

export interface StoredObject {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
  metadata: Record<string, string>;
}

function xmlError(status: number, code: string, message: string, resource: string): RawResponse {
  return {
    status,
    headers: { 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?>${toXml('Error', { Code: code, Message: message, Resource: resource })}`,
  };
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

  createBucket(name: string): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
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

  /** Answers one REST request. */
  handle(request: RawRequest): RawResponse {
    let path = request.path;
    let bucket: string | undefined;
    // Virtual-hosted style (`bucket.localhost:4566`) as well as path style.
    const host = (request.headers.host ?? '').split(':')[0]!;
    const hostBucket = /^(.+)\.(localhost|s3\.[^.]+\.amazonaws\.com)$/.exec(host)?.[1];
    if (hostBucket) bucket = hostBucket;
    else {
      const slash = path.indexOf('/', 1);
      bucket = decodeURIComponent(slash < 0 ? path.slice(1) : path.slice(1, slash));
      path = slash < 0 ? '/' : path.slice(slash);
    }
    const key = decodeURIComponent(path.slice(1));
    const resource = `/${bucket}/${key}`;
    if (!bucket)
      return xmlError(
        400,
        'InvalidRequest',
        'the sandbox S3 needs a bucket in the path (/<bucket>/<key>)',
        resource,
      );
    const objects = this.buckets.get(bucket);
    if (!objects) return xmlError(404, 'NoSuchBucket', 'The specified bucket does not exist', resource);
    if (!key)
      return xmlError(
        400,
        'InvalidRequest',
        `the sandbox S3 implements object operations only (${request.method} ${resource})`,
        resource,
      );

    switch (request.method) {
      case 'PUT': {
        const chunked =
          (request.headers['content-encoding'] ?? '').includes('aws-chunked') ||
          (request.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
        const body = chunked ? decodeAwsChunked(request.body) : request.body;
        const metadata: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers))
          if (name.startsWith('x-amz-meta-')) metadata[name.slice(11)] = value;
        const object = this.put(
          bucket,
          key,
          body,
          request.headers['content-type'] ?? 'application/octet-stream',
          metadata,
        );
        return { status: 200, headers: { etag: object.etag } };
      }
      case 'GET':
      case 'HEAD': {
        const object = objects.get(key);
        if (!object)
          return request.method === 'HEAD'
            ? { status: 404 }
            : xmlError(404, 'NoSuchKey', 'The specified key does not exist.', resource);
        const headers: Record<string, string> = {
          'content-type': object.contentType,
          etag: object.etag,
          'last-modified': object.lastModified.toUTCString(),
          'accept-ranges': 'bytes',
        };
        for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
        if (request.method === 'HEAD')
          return { status: 200, headers: { ...headers, 'content-length': String(object.body.length) } };
        return { status: 200, headers, body: object.body };
      }
      case 'DELETE':
        objects.delete(key);
        return { status: 204 };
      default:
        return xmlError(
          405,
          'MethodNotAllowed',
          `The specified method is not allowed against this resource: ${request.method}`,
          resource,
        );
    }
  }
}
