import type { RawRequest } from '../../../local/aws/server';
import { S3Store } from '../../../local/services/s3/model';
import { S3Provider, s3Operation } from '../../../local/services/s3/provider';

const BUCKET = 'artifacts';
const request = (method: string, path: string, query: Record<string, string> = {}): RawRequest => ({
  method,
  path,
  query: new URLSearchParams(query),
  headers: { host: '127.0.0.1:4566' },
  body: Buffer.alloc(0),
});
const text = (body: unknown) => String(body);
const all = (xml: string, tag: string) =>
  [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]);

let store: S3Store;
let s3: S3Provider;
beforeEach(() => {
  // Prepare
  store = new S3Store();
  store.createBucket(BUCKET);
  store.createBucket('another');
  for (const key of [
    'microblog/a/release.tar.gz',
    'microblog/b/release.tar.gz',
    'retail-bank/c/app.zip',
    'top.txt',
  ])
    store.put(BUCKET, key, key);
  s3 = new S3Provider(store);
});

describe('ListBuckets', () => {
  it('lists every bucket by name with its creation date and the owner', () => {
    // Act
    const answer = s3.handle(request('GET', '/'));
    // Assess
    expect(answer.status).toBe(200);
    const xml = text(answer.body);
    expect(xml).toContain('<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">');
    expect(all(xml, 'Name')).toEqual(['another', BUCKET]);
    expect(all(xml, 'CreationDate')[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(xml).toContain('<Owner>');
  });
});

describe('ListObjectsV2', () => {
  it('rolls keys up into CommonPrefixes at the delimiter', () => {
    const xml = text(s3.handle(request('GET', `/${BUCKET}`, { 'list-type': '2', delimiter: '/' })).body);
    expect(all(xml, 'Key')).toEqual(['top.txt']);
    expect(all(xml, 'Prefix')).toEqual(['', 'microblog/', 'retail-bank/']);
    expect(all(xml, 'KeyCount')).toEqual(['3']);
  });

  it('filters by prefix', () => {
    const xml = text(
      s3.handle(request('GET', `/${BUCKET}`, { 'list-type': '2', prefix: 'microblog/', delimiter: '/' }))
        .body,
    );
    expect(all(xml, 'Key')).toEqual([]);
    expect(all(xml, 'Prefix')).toEqual(['microblog/', 'microblog/a/', 'microblog/b/']);
  });

  it('pages with max-keys and continuation tokens until IsTruncated is false', () => {
    const keys: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query: Record<string, string> = { 'list-type': '2', 'max-keys': '3' };
      if (token) query['continuation-token'] = token;
      const xml = text(s3.handle(request('GET', `/${BUCKET}`, query)).body);
      keys.push(...all(xml, 'Key').map(String));
      token = all(xml, 'NextContinuationToken')[0];
      expect(all(xml, 'IsTruncated')).toEqual([token ? 'true' : 'false']);
      pages++;
    } while (token);
    expect(pages).toBe(2);
    expect(keys).toEqual([
      'microblog/a/release.tar.gz',
      'microblog/b/release.tar.gz',
      'retail-bank/c/app.zip',
      'top.txt',
    ]);
  });

  it('a common prefix is not repeated on the next page', () => {
    const first = text(
      s3.handle(request('GET', `/${BUCKET}`, { 'list-type': '2', delimiter: '/', 'max-keys': '1' })).body,
    );
    expect(all(first, 'Prefix')).toEqual(['', 'microblog/']);
    const token = all(first, 'NextContinuationToken')[0]!;
    const second = text(
      s3.handle(
        request('GET', `/${BUCKET}`, {
          'list-type': '2',
          delimiter: '/',
          'max-keys': '1',
          'continuation-token': token,
        }),
      ).body,
    );
    expect(all(second, 'Prefix')).toEqual(['', 'retail-bank/']);
  });

  it('url-encodes keys when asked (encoding-type=url)', () => {
    store.put(BUCKET, 'odd key+1.txt', 'x');
    const xml = text(
      s3.handle(request('GET', `/${BUCKET}`, { 'list-type': '2', prefix: 'odd', 'encoding-type': 'url' }))
        .body,
    );
    expect(all(xml, 'Key')).toEqual(['odd%20key%2B1.txt']);
  });

  it('refuses a token it did not issue and a missing bucket, as S3 does', () => {
    const bad = s3.handle(request('GET', `/${BUCKET}`, { 'list-type': '2', 'continuation-token': 'bogus' }));
    expect(bad.status).toBe(400);
    expect(text(bad.body)).toContain('<Code>InvalidArgument</Code>');
    const missing = s3.handle(request('GET', '/nope', { 'list-type': '2' }));
    expect(missing.status).toBe(404);
    expect(text(missing.body)).toContain('<Code>NoSuchBucket</Code>');
  });
});

describe('operation names for the request pipeline', () => {
  it('names each request as the API reference does', () => {
    expect(s3Operation(request('GET', '/'))).toBe('ListBuckets');
    expect(s3Operation(request('GET', `/${BUCKET}`, { 'list-type': '2' }))).toBe('ListObjectsV2');
    expect(s3Operation(request('HEAD', `/${BUCKET}`))).toBe('HeadBucket');
    expect(s3Operation(request('GET', `/${BUCKET}/top.txt`))).toBe('GetObject');
    expect(s3Operation(request('PUT', `/${BUCKET}/top.txt`))).toBe('PutObject');
    expect(s3Operation(request('DELETE', `/${BUCKET}/top.txt`))).toBe('DeleteObject');
  });
});
