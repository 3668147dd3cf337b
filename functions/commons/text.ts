/**
 * One way to bound text that leaves the controller: Slack messages, GitHub commit statuses, AWS
 * descriptions and comments, execution input. Text is cut between code points, never inside a
 * surrogate pair, and never left ill-formed (a lone surrogate becomes U+FFFD): Slack refuses
 * payloads that are not well-formed UTF-16 (`invalid_blocks`), and JSON encoders differ on lone
 * surrogates. When the text is escaped for its destination (Slack mrkdwn's `&` `<` `>`), the
 * length budget applies to the escaped text, so an escape can never push it over the limit.
 *
 * Lengths are in UTF-16 code units (JavaScript's `length`): the unit of Slack's character limits
 * and the stricter reading of AWS's "characters" (a code point is never more units than itself).
 */

/** The marker put at a cut; one code unit. */
export const ELLIPSIS = '…';

export interface CutOptions {
  /** Marker appended when text was cut (counted in the budget). Default `…`. */
  ellipsis?: string;
  /** Escapes the text for its destination; the budget applies to the escaped result. */
  escape?: (text: string) => string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` with every lone surrogate replaced by U+FFFD (what String.prototype.toWellFormed does). */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** Escapes the three characters Slack mrkdwn gives meaning to (`&`, `<`, `>`; Slack's "Formatting text" guide). */
export function escapeSlackMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** cutText for Slack mrkdwn: escaped, then bounded to `max` code units. */
export function cutMrkdwn(text: string, max: number): string {
  return cutText(text, max, { escape: escapeSlackMrkdwn });
}

/**
 * At most `max` code units after escaping, cut between code points, with `ellipsis` when cut.
 * Escape sequences are never split: the cut falls between whole source code points.
 * `max` smaller than the ellipsis gives the ellipsis's own prefix that fits (possibly empty).
 */
export function cutText(text: string, max: number, options: CutOptions = {}): string {
  if (!Number.isInteger(max) || max < 0) throw new RangeError('max must be a whole number >= 0');
  const { ellipsis = ELLIPSIS, escape = (s: string) => s } = options;
  const source = wellFormed(text);
  const whole = escape(source);
  if (whole.length <= max) return whole;
  const budget = max - ellipsis.length;
  if (budget < 0) return cutText(ellipsis, max, { ellipsis: '' });
  let kept = '';
  let used = 0;
  for (const codePoint of source) {
    const piece = escape(codePoint);
    if (used + piece.length > budget) break;
    kept += piece;
    used += piece.length;
  }
  return `${kept}${ellipsis}`;
}

/** The last `max` code units of `text` (after escaping), cut between code points, marked at the start. */
export function cutTextStart(text: string, max: number, options: CutOptions = {}): string {
  if (!Number.isInteger(max) || max < 0) throw new RangeError('max must be a whole number >= 0');
  const { ellipsis = ELLIPSIS, escape = (s: string) => s } = options;
  const source = wellFormed(text);
  const whole = escape(source);
  if (whole.length <= max) return whole;
  const budget = max - ellipsis.length;
  if (budget < 0) return cutText(ellipsis, max, { ellipsis: '' });
  const codePoints = Array.from(source);
  let kept = '';
  for (let i = codePoints.length - 1; i >= 0; i -= 1) {
    const piece = escape(codePoints[i]!);
    if (kept.length + piece.length > budget) break;
    kept = piece + kept;
  }
  return `${ellipsis}${kept}`;
}

/** First line of a (commit) message, trimmed, bounded like cutText. */
export function firstLineOf(
  message: string | null | undefined,
  max: number,
  options: CutOptions = {},
): string {
  const line = (message ?? '').split(/\r\n|\r|\n/, 1)[0]!.trim();
  return cutText(line, max, options);
}
