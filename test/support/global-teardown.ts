/**
 * After the last suite: jest runs in band on small machines, so a server, socket or timer that a
 * suite left open keeps this process, and CI, waiting forever ("Jest did not exit"). This turns
 * such a leak into a red run with the kinds of resources still open, rather than a hang. The
 * timer is unref'd: a run that ends cleanly exits at once and never sees it.
 */
const GRACE_MS = 10_000;

export default function globalTeardown(): void {
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((kind) => kind !== 'TTYWrap');
    console.error(
      `\nA suite left resources open ${GRACE_MS / 1000} s after the last test: ${open.join(', ')}.` +
        ' Stop every server, client and timer a test starts (run one folder with --detectOpenHandles to find it).',
    );
    process.exit(1);
  }, GRACE_MS).unref();
}
