/** A shallow copy without some keys (for rest-style copies the linter accepts). */
export function omit<T extends object, K extends PropertyKey>(value: T, ...keys: K[]): Omit<T, K> {
  const out = { ...value } as Record<PropertyKey, unknown>;
  for (const key of keys) delete out[key];
  return out as Omit<T, K>;
}
