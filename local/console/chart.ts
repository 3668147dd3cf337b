/**
 * A small server-rendered SVG bar chart of deployments per day (successful ones green, failed
 * changes red and hatched, so the two differ without colour), with a text alternative.
 */
import type { DoraDay } from './dora';
import { escapeHtml } from './layout';

const WIDTH = 600;
const HEIGHT = 120;
const PAD = 18;

/** The chart as inline SVG (role img, its summary as the accessible name). */
export function deploymentsChart(days: readonly DoraDay[], label: string): string {
  const totalOk = days.reduce((n, d) => n + d.succeeded, 0);
  const totalFailed = days.reduce((n, d) => n + d.failed, 0);
  const summary = `${label}: ${totalOk} successful and ${totalFailed} failed deployments over ${days.length} days`;
  const max = Math.max(1, ...days.map((d) => d.succeeded + d.failed));
  const slot = days.length ? (WIDTH - PAD) / days.length : 0;
  const bar = Math.max(1, slot - 2);
  const scale = (n: number) => (n / max) * (HEIGHT - PAD * 2);
  const bars = days
    .map((day, i) => {
      const x = (PAD + i * slot).toFixed(1);
      const ok = scale(day.succeeded);
      const bad = scale(day.failed);
      const base = HEIGHT - PAD;
      const title = `<title>${escapeHtml(`${day.date}: ${day.succeeded} successful, ${day.failed} failed`)}</title>`;
      return (
        `<g>${title}` +
        (ok
          ? `<rect x="${x}" y="${(base - ok).toFixed(1)}" width="${bar.toFixed(1)}" height="${ok.toFixed(1)}" fill="#1a7f37"/>`
          : '') +
        (bad
          ? `<rect x="${x}" y="${(base - ok - bad).toFixed(1)}" width="${bar.toFixed(1)}" height="${bad.toFixed(1)}" fill="url(#failed)"/>`
          : '') +
        `</g>`
      );
    })
    .join('');
  const first = days[0]?.date ?? '';
  const last = days[days.length - 1]?.date ?? '';
  return (
    `<svg role="img" aria-label="${escapeHtml(summary)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" style="max-width:${WIDTH}px" xmlns="http://www.w3.org/2000/svg">` +
    `<defs><pattern id="failed" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
    `<rect width="6" height="6" fill="#cf222e"/><rect width="2" height="6" fill="#ffffff"/></pattern></defs>` +
    `<line x1="${PAD}" y1="${HEIGHT - PAD}" x2="${WIDTH}" y2="${HEIGHT - PAD}" stroke="#57606a"/>` +
    `<text x="${PAD}" y="12" font-size="11" fill="#444">max ${max} per day</text>` +
    bars +
    `<text x="${PAD}" y="${HEIGHT - 4}" font-size="11" fill="#444">${escapeHtml(first)}</text>` +
    `<text x="${WIDTH}" y="${HEIGHT - 4}" font-size="11" fill="#444" text-anchor="end">${escapeHtml(last)}</text>` +
    `</svg>`
  );
}
