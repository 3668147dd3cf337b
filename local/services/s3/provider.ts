/**
 * S3's wire API (REST, path style `/<bucket>/<key>` or virtual-hosted `<bucket>.localhost`) over
 * the in-memory store: ListBuckets, ListObjectsV2, HeadBucket, PutObject, GetObject, HeadObject,
 * DeleteObject, with S3's XML errors. Operation names are the API reference's, so the request
 * pipeline's checks see `ListObjectsV2`, `GetObject`, ….
 */
import type { RawRequest, RawResponse } from '../../aws/server';
import { escapeXml, toXml } from '../../aws/xml';
import { decodeAwsChunked, type S3Store } from './model';

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
/** ListObjectsV2 returns at most 1,000 keys per page (API reference, ListObjectsV2, MaxKeys). */
const MAX_KEYS = 1000;
/** The sandbox account's canonical user (ListBuckets' Owner). */
const OWNER = {
  ID: '75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a',
  DisplayName: 'sandbox',
};

/** One S3 request, located: which bucket and key it names (either may be empty). */
export interface S3Target {
  bucket: string;
  key: string;
}

function xmlError(status: number, code: string, message: string, resource: string): RawResponse {
  return {
    status,
    headers: { 'content-type': 'application/xml' },
    body: `${XML_DECLARATION}${toXml('Error', { Code: code, Message: message, Resource: resource })}`,
  };
}

/** The bucket and key a request names, path style or virtual-hosted style. */
export function locate(request: RawRequest): S3Target {
  const host = (request.headers.host ?? '').split(':')[0]!;
  const hostBucket = /^(.+)\.(localhost|s3\.[^.]+\.amazonaws\.com)$/.exec(host)?.[1];
  if (hostBucket) return { bucket: hostBucket, key: decodeURIComponent(request.path.slice(1)) };
  const slash = request.path.indexOf('/', 1);
  const bucket = decodeURIComponent(slash < 0 ? request.path.slice(1) : request.path.slice(1, slash));
  return { bucket, key: slash < 0 ? '' : decodeURIComponent(request.path.slice(slash + 1)) };
}

/** The S3 API operation a request calls (API reference names), or `<METHOD> <resource>` if none. */
export function s3Operation(request: RawRequest): string {
  const { bucket, key } = locate(request);
  const method = request.method;
  if (!bucket) return method === 'GET' ? 'ListBuckets' : `${method} service`;
  if (!key) {
    if (method === 'GET') return request.query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    if (method === 'HEAD') return 'HeadBucket';
    return `${method} bucket`;
  }
  const byMethod: Record<string, string> = {
    GET: 'GetObject',
    HEAD: 'HeadObject',
    PUT: 'PutObject',
    DELETE: 'DeleteObject',
  };
  return byMethod[method] ?? `${method} object`;
}

/**
 * Keys and prefixes as S3 writes them with `encoding-type=url` (API reference, ListObjectsV2,
 * EncodingType): percent-encoded, `/` kept.
 */
function encodeKey(key: string, encoding: string | null): string {
  return encoding === 'url' ? encodeURIComponent(key).replace(/%2F/g, '/') : key;
}

/** Continuation tokens are opaque to clients: here the base64url of the last key returned. */
const token = {
  encode: (key: string) => Buffer.from(`k:${key}`, 'utf8').toString('base64url'),
  decode: (value: string): string | undefined => {
    const text = Buffer.from(value, 'base64url').toString('utf8');
    return text.startsWith('k:') ? text.slice(2) : undefined;
  },
};

/** The S3 REST service answering from `store`. */
export class S3Provider {
  constructor(private readonly store: S3Store) {}

  /** Answers one REST request. */
  handle(request: RawRequest): RawResponse {
    const { bucket, key } = locate(request);
    const resource = `/${bucket}${key ? `/${key}` : ''}`;
    if (!bucket) {
      if (request.method === 'GET') return this.listBuckets();
      return xmlError(
        405,
        'MethodNotAllowed',
        'The specified method is not allowed against this resource.',
        '/',
      );
    }
    const objects = this.store.buckets.get(bucket);
    if (!objects) {
      // HEAD answers carry no body (API reference, HeadBucket: 404 Not Found).
      if (request.method === 'HEAD') return { status: 404 };
      return xmlError(404, 'NoSuchBucket', 'The specified bucket does not exist', resource);
    }
    if (!key) {
      if (request.method === 'HEAD') return { status: 200, headers: { 'x-amz-bucket-region': 'us-east-1' } };
      if (request.method === 'GET') return this.listObjects(bucket, request.query);
      return xmlError(
        405,
        'MethodNotAllowed',
        `The specified method is not allowed against this resource: ${request.method}`,
        resource,
      );
    }
    switch (request.method) {
      case 'PUT': {
        const chunked =
          (request.headers['content-encoding'] ?? '').includes('aws-chunked') ||
          (request.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
        const body = chunked ? decodeAwsChunked(request.body) : request.body;
        const metadata: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers))
          if (name.startsWith('x-amz-meta-')) metadata[name.slice(11)] = value;
        const object = this.store.put(
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

  /** ListBuckets (API reference: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html). */
  private listBuckets(): RawResponse {
    const buckets = [...this.store.buckets.keys()]
      .sort()
      .map(
        (name) =>
          `<Bucket><Name>${escapeXml(name)}</Name><CreationDate>${this.store.created(name).toISOString()}</CreationDate></Bucket>`,
      )
      .join('');
    return {
      status: 200,
      headers: { 'content-type': 'application/xml' },
      body: `${XML_DECLARATION}<ListAllMyBucketsResult xmlns="${XMLNS}"><Buckets>${buckets}</Buckets>${toXml('Owner', OWNER)}</ListAllMyBucketsResult>`,
    };
  }

  /**
   * ListObjectsV2 (API reference: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html):
   * keys in UTF-8 binary order after `start-after` / `continuation-token`, filtered by `prefix`,
   * rolled up into CommonPrefixes at the first `delimiter` after the prefix; keys and common
   * prefixes together count toward `max-keys` (default and maximum 1,000). ListObjects (v1) is
   * answered the same way with `marker` / `NextMarker`.
   */
  private listObjects(bucket: string, query: URLSearchParams): RawResponse {
    const v2 = query.get('list-type') === '2';
    const prefix = query.get('prefix') ?? '';
    const delimiter = query.get('delimiter') ?? '';
    const encoding = query.get('encoding-type');
    const maxKeysText = query.get('max-keys');
    const maxKeys = maxKeysText === null ? MAX_KEYS : Number(maxKeysText);
    const resource = `/${bucket}`;
    if (!Number.isInteger(maxKeys) || maxKeys < 0)
      return xmlError(
        400,
        'InvalidArgument',
        'Provided max-keys not an integer or within integer range',
        resource,
      );
    const continuation = query.get('continuation-token');
    let after = v2 ? (query.get('start-after') ?? '') : (query.get('marker') ?? '');
    if (v2 && continuation !== null) {
      const decoded = token.decode(continuation);
      if (decoded === undefined)
        return xmlError(400, 'InvalidArgument', 'The continuation token provided is incorrect', resource);
      if (decoded > after) after = decoded;
    }
    const keys = [...this.store.buckets.get(bucket)!.keys()]
      .filter((k) => k.startsWith(prefix) && k > after)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const contents: string[] = [];
    const commonPrefixes: string[] = [];
    let last = '';
    let truncated = false;
    for (const key of keys) {
      const rest = key.slice(prefix.length);
      const cut = delimiter ? rest.indexOf(delimiter) : -1;
      const rolled = cut >= 0 ? prefix + rest.slice(0, cut + delimiter.length) : undefined;
      if (rolled !== undefined && commonPrefixes.at(-1) === rolled) {
        last = key;
        continue;
      }
      if (contents.length + commonPrefixes.length >= maxKeys) {
        truncated = true;
        break;
      }
      if (rolled !== undefined) commonPrefixes.push(rolled);
      else contents.push(key);
      last = key;
    }
    const objects = this.store.buckets.get(bucket)!;
    const contentXml = contents
      .map((key) => {
        const object = objects.get(key)!;
        return `<Contents><Key>${escapeXml(encodeKey(key, encoding))}</Key><LastModified>${object.lastModified.toISOString()}</LastModified><ETag>${escapeXml(object.etag)}</ETag><Size>${object.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
      })
      .join('');
    const prefixXml = commonPrefixes
      .map((p) => `<CommonPrefixes><Prefix>${escapeXml(encodeKey(p, encoding))}</Prefix></CommonPrefixes>`)
      .join('');
    const head = [
      `<Name>${escapeXml(bucket)}</Name>`,
      `<Prefix>${escapeXml(encodeKey(prefix, encoding))}</Prefix>`,
      v2
        ? `<KeyCount>${contents.length + commonPrefixes.length}</KeyCount>`
        : `<Marker>${escapeXml(encodeKey(query.get('marker') ?? '', encoding))}</Marker>`,
      `<MaxKeys>${maxKeys}</MaxKeys>`,
      delimiter ? `<Delimiter>${escapeXml(encodeKey(delimiter, encoding))}</Delimiter>` : '',
      `<IsTruncated>${truncated}</IsTruncated>`,
      encoding ? `<EncodingType>${escapeXml(encoding)}</EncodingType>` : '',
      v2 && continuation !== null ? `<ContinuationToken>${escapeXml(continuation)}</ContinuationToken>` : '',
      v2 && truncated ? `<NextContinuationToken>${token.encode(last)}</NextContinuationToken>` : '',
      !v2 && truncated && delimiter ? `<NextMarker>${escapeXml(encodeKey(last, encoding))}</NextMarker>` : '',
      v2 && query.get('start-after') !== null
        ? `<StartAfter>${escapeXml(encodeKey(query.get('start-after')!, encoding))}</StartAfter>`
        : '',
    ].join('');
    return {
      status: 200,
      headers: { 'content-type': 'application/xml' },
      body: `${XML_DECLARATION}<ListBucketResult xmlns="${XMLNS}">${head}${contentXml}${prefixXml}</ListBucketResult>`,
    };
  }
}
