/** DynamoDB AttributeValues: equality, ordering, and key validation helpers. */
import { ServiceError } from '../../aws/service-error';

export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { M: Record<string, AttributeValue> }
  | { L: AttributeValue[] }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] };

export type Item = Record<string, AttributeValue>;

const TYPES = ['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS'] as const;

/** The single type key of a value, e.g. `S`; throws a ValidationException for a malformed value. */
export function typeOf(value: AttributeValue): string {
  const keys = Object.keys(value ?? {});
  if (keys.length !== 1 || !(TYPES as readonly string[]).includes(keys[0]!)) {
    throw new ServiceError(
      'ValidationException',
      `Supplied AttributeValue is empty or has more than one data type: ${JSON.stringify(value)}`,
    );
  }
  return keys[0]!;
}

/** Deep equality by DynamoDB rules (numbers by value, sets ignore order). */
export function equals(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const ta = typeOf(a);
  if (ta !== typeOf(b)) return false;
  const va = (a as Record<string, unknown>)[ta];
  const vb = (b as Record<string, unknown>)[ta];
  switch (ta) {
    case 'N':
      return Number(va) === Number(vb);
    case 'SS':
    case 'BS':
      return sameSet(va as string[], vb as string[], (x) => x);
    case 'NS':
      return sameSet(va as string[], vb as string[], (x) => String(Number(x)));
    case 'M': {
      const ma = va as Item;
      const mb = vb as Item;
      const ka = Object.keys(ma);
      return ka.length === Object.keys(mb).length && ka.every((k) => equals(ma[k], mb[k]));
    }
    case 'L': {
      const la = va as AttributeValue[];
      const lb = vb as AttributeValue[];
      return la.length === lb.length && la.every((x, i) => equals(x, lb[i]));
    }
    default:
      return va === vb;
  }
}

function sameSet(a: string[], b: string[], norm: (x: string) => string): boolean {
  const sa = new Set(a.map(norm));
  return sa.size === new Set(b.map(norm)).size && b.every((x) => sa.has(norm(x)));
}

/** -1/0/1 for two scalars of the same ordered type (S, N, B), undefined otherwise. */
export function compare(a: AttributeValue | undefined, b: AttributeValue | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  const ta = typeOf(a);
  if (ta !== typeOf(b) || !['S', 'N', 'B'].includes(ta)) return undefined;
  const va = (a as Record<string, string>)[ta]!;
  const vb = (b as Record<string, string>)[ta]!;
  if (ta === 'N') return Math.sign(Number(va) - Number(vb));
  if (ta === 'B') return Buffer.compare(Buffer.from(va, 'base64'), Buffer.from(vb, 'base64'));
  return va < vb ? -1 : va > vb ? 1 : 0;
}

/**
 * A deep copy (items are stored and returned by value). JSON rather than structuredClone: under
 * jest, structuredClone returns objects of another realm, which plain-object checks reject.
 */
export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
