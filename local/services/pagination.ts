/**
 * NextToken pagination over an ordered list, as the List/Describe operations page: an opaque
 * token names where the next page starts. Tokens carry the operation they belong to, so one from
 * another listing is refused rather than silently misread.
 */
import { ServiceError } from '../aws/service-error';

/** A page of `items` and the token for the next one, if any. */
export interface Page<T> {
  items: T[];
  next?: string;
}

/** The error a service answers for a token it did not issue. */
export type BadToken = () => ServiceError;

const defaultBadToken: BadToken = () =>
  new ServiceError('InvalidNextTokenException', 'The NextToken provided is not valid.');

/**
 * The page of `all` that starts at `token` (undefined: the first), `limit` items long.
 * `scope` names the listing (e.g. `events:ListRules`).
 */
export function pageOf<T>(
  all: readonly T[],
  token: string | undefined,
  limit: number,
  scope: string,
  badToken: BadToken = defaultBadToken,
): Page<T> {
  let start = 0;
  if (token !== undefined && token !== '') {
    const [tokenScope, offset] = Buffer.from(token, 'base64url').toString('utf8').split('\n');
    start = Number(offset);
    if (tokenScope !== scope || !Number.isInteger(start) || start < 0) throw badToken();
  }
  const items = all.slice(start, start + limit);
  const end = start + items.length;
  return end < all.length
    ? { items, next: Buffer.from(`${scope}\n${end}`, 'utf8').toString('base64url') }
    : { items };
}
