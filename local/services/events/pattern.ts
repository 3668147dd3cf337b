/**
 * EventBridge event pattern matching, the subset the controller's rules use: every field of the
 * pattern must match; a field holding an array of values matches when the event's value (or one
 * element of an array value) equals one of them; a field holding an object matches the event's
 * object field by field (Amazon EventBridge User Guide, "Event patterns in Amazon EventBridge":
 * "the event must contain all the field names listed in the pattern", values matched as arrays;
 * "If the value in the event is an array, then the event pattern matches if the intersection of
 * the event pattern array and the event array is non-empty").
 */

/** An event pattern as a parsed JSON object (EventRule.EventPattern is its text). */
export type EventPattern = { [field: string]: EventPattern | readonly (string | number | boolean | null)[] };

/** True when `event` (an EventBridge event, kebab-case envelope fields) matches `pattern`. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const record = event as Record<string, unknown>;
  return Object.entries(pattern).every(([field, expected]) => {
    if (!Object.hasOwn(record, field)) return false;
    const actual = record[field];
    if (Array.isArray(expected)) {
      const values = Array.isArray(actual) ? (actual as unknown[]) : [actual];
      return values.some((value) => expected.includes(value as string));
    }
    return matchesPattern(expected as EventPattern, actual);
  });
}
