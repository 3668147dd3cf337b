/**
 * Jest gives each test file a vm context but hands it the outer realm's `structuredClone`, so a
 * clone's objects fail `Object.getPrototypeOf(v) === Object.prototype` in aws-local-stepfunctions
 * (the sandbox clones its ASL definitions with structuredClone: every `.$` key is then left
 * unevaluated and each run ends in States.Runtime). Outside jest the realm is one and this is a
 * no-op in effect. Import it before the sandbox in tests that run executions.
 */
function cloneHere<T>(value: T, seen = new Map<unknown, unknown>()): T {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value) as T;
  let out: unknown;
  if (Array.isArray(value)) {
    const list: unknown[] = [];
    seen.set(value, list);
    for (const item of value) list.push(cloneHere(item, seen));
    out = list;
  } else if (value instanceof Date) out = new Date(value.getTime());
  else if (ArrayBuffer.isView(value)) out = new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  else if (value instanceof Map) {
    const map = new Map();
    seen.set(value, map);
    for (const [k, v] of value) map.set(cloneHere(k, seen), cloneHere(v, seen));
    out = map;
  } else if (value instanceof Set) {
    const set = new Set();
    seen.set(value, set);
    for (const v of value) set.add(cloneHere(v, seen));
    out = set;
  } else {
    const object: Record<string, unknown> = {};
    seen.set(value, object);
    for (const [k, v] of Object.entries(value)) object[k] = cloneHere(v, seen);
    out = object;
  }
  seen.set(value, out);
  return out as T;
}

globalThis.structuredClone = ((value: unknown) => cloneHere(value)) as typeof structuredClone;
