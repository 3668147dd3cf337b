/**
 * The commit-message markers GitHub Actions honours for skipping a run, honoured here the same
 * way: `[skip ci]`, `[ci skip]`, `[no ci]`, `[skip actions]`, `[actions skip]` anywhere in the
 * message (any case), or a `skip-checks: true` trailer in the message's last paragraph.
 */
const MARKER = /\[(skip ci|ci skip|no ci|skip actions|actions skip)\]/i;
const TRAILER = /^skip-checks:\s*true\s*$/i;

/** The marker found in a commit message, or undefined. */
export function findSkipMarker(message: string): string | undefined {
  const marker = MARKER.exec(message);
  if (marker) return marker[0].toLowerCase();
  const paragraphs = message
    .replace(/\r\n/g, '\n')
    .trimEnd()
    .split(/\n\s*\n/);
  const trailers = paragraphs.length > 1 ? paragraphs[paragraphs.length - 1]!.split('\n') : [];
  return trailers.some((line) => TRAILER.test(line.trim())) ? 'skip-checks: true' : undefined;
}
