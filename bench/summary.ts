/**
 * The headline figures of `npm run bench`, written as `summary` in .bench/results.json so scripts
 * (and the README table, `npm run bench:readme`) read them by name. Each bench module fills the
 * names it measures; a name a run did not measure (`npm run bench -- <module>`) is null.
 */

/** Every summary name, in the order they are written. Units are in the names. */
export const SUMMARY_NAMES = [
  'webhookImportMsOverEmptyNode',
  'webhookBundleBytes',
  'warmRatioDuplicate',
  'warmRatioIgnored',
  'costRatioMinDeploying',
  'transitionsCanary',
  'transitionsSsm',
  'overheadShareHappyMax',
  'pollLagSecondsHappy',
  'leadTimeSecondsCanary',
  'leadTimeSecondsSsm',
] as const;

export type SummaryName = (typeof SUMMARY_NAMES)[number];
export type Summary = Record<SummaryName, number | null>;

/** Aims from the performance issue; `max` aims are met at or under, `min` aims at or over. */
export const AIMS: Partial<Record<SummaryName, { max?: number; min?: number; text: string }>> = {
  webhookImportMsOverEmptyNode: { max: 45, text: '<= 45 ms' },
  webhookBundleBytes: { max: 350 * 1024, text: '<= 350 KB' },
  warmRatioDuplicate: { min: 0.5, text: '>= 0.5x' },
  warmRatioIgnored: { min: 0.5, text: '>= 0.5x' },
  costRatioMinDeploying: { min: 40, text: '>= 40x' },
  transitionsCanary: { max: 52, text: '<= 52' },
  transitionsSsm: { max: 42, text: '<= 42' },
  overheadShareHappyMax: { max: 0.01, text: '<= 1 %' },
};

/** Merges the parts the modules reported into one summary with every name present. */
export function buildSummary(parts: readonly Partial<Summary>[]): Summary {
  const summary = Object.fromEntries(SUMMARY_NAMES.map((name) => [name, null])) as Summary;
  for (const part of parts)
    for (const name of SUMMARY_NAMES) {
      const value = part[name];
      if (value === undefined || value === null) continue;
      if (!Number.isFinite(value)) throw new Error(`summary ${name} is not a finite number: ${value}`);
      summary[name] = value;
    }
  return summary;
}

/** "met", "NOT met" or "" (no aim or not measured). */
export function verdict(name: SummaryName, value: number | null): string {
  const aim = AIMS[name];
  if (!aim || value === null) return '';
  const ok = (aim.max === undefined || value <= aim.max) && (aim.min === undefined || value >= aim.min);
  return ok ? 'met' : 'NOT met';
}
