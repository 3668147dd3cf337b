/**
 * XML for the awsQuery and S3 protocols: `<member>` lists, ISO-8601 timestamps, escaped text.
 * Only what the sandbox writes; parsing XML is never needed (requests are form-encoded or raw).
 */

/** Escapes text and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );
}

/** `<name>value</name>`; arrays become `<member>` lists, objects nest, null/undefined are left out. */
export function toXml(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (Array.isArray(value))
    return `<${name}>${value.map((item) => toXml('member', item)).join('')}</${name}>`;
  if (typeof value === 'object') return `<${name}>${fields(value as Record<string, unknown>)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** The children of an object, without a wrapping element. */
export function fields(value: Record<string, unknown>): string {
  return Object.entries(value)
    .map(([key, child]) => toXml(key, child))
    .join('');
}
