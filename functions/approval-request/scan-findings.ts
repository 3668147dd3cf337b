/**
 * The dependency scan's summary, as buildspecs/dependency-scan.yml exports it (env
 * exported-variables, set from severity_gate.py --assess), and its wording on the approval page,
 * in the console and in `deployctl show`. No AWS client here: the CLI imports it too.
 */

/** What the dependency scan exported (buildspecs/dependency-scan.yml, severity_gate.py --assess). */
export interface ScanFindings {
  /**
   * The highest severity published for any finding: low | medium | high | critical; `none` without
   * findings; `unknown` when no finding has a published severity.
   */
  highestSeverity?: string;
  /** Number of findings. */
  findings?: number;
  /** Findings without a published severity (the gate counts them at its threshold). */
  unrated?: number;
}

/** Variables the dependency scan exports (buildspec `env.exported-variables`). */
export const SCAN_EXPORTS = {
  highest: 'SCAN_HIGHEST_SEVERITY',
  findings: 'SCAN_FINDINGS',
  unrated: 'SCAN_UNRATED',
} as const;

const count = (value: string | undefined): number | undefined => {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isInteger(n) && n >= 0 ? n : undefined;
};

/**
 * The scan's findings from a build's exported variables (BatchGetBuilds
 * `exportedEnvironmentVariables`, or `ExportedEnvironmentVariables` with Name/Value in a
 * startBuild.sync result). Values that are not what the buildspec writes are left out.
 */
export function scanFindings(
  variables: readonly { name?: string | undefined; value?: string | undefined }[] | undefined,
): ScanFindings {
  const exported = new Map((variables ?? []).map((v) => [v.name, v.value]));
  const result: ScanFindings = {};
  const highest = exported.get(SCAN_EXPORTS.highest);
  if (highest && /^(none|low|medium|high|critical|unknown)$/.test(highest)) result.highestSeverity = highest;
  const findings = count(exported.get(SCAN_EXPORTS.findings));
  if (findings !== undefined) result.findings = findings;
  const unrated = count(exported.get(SCAN_EXPORTS.unrated));
  if (unrated !== undefined) result.unrated = unrated;
  return result;
}

/**
 * The scan's findings in words: `no findings`, `highest finding: medium (2 findings)`, or with
 * findings that have no published severity, `highest finding: low (3 findings, 1 without a
 * published severity)`; undefined when the scan exported no highest severity.
 */
export function scanFindingsText(scan: ScanFindings): string | undefined {
  const { highestSeverity, findings, unrated } = scan;
  if (highestSeverity === undefined) return undefined;
  if (highestSeverity === 'none') return 'no findings';
  const counted = [
    findings !== undefined ? `${findings} finding${findings === 1 ? '' : 's'}` : undefined,
    unrated ? `${unrated} without a published severity` : undefined,
  ].filter(Boolean);
  return `highest finding: ${highestSeverity === 'unknown' ? 'no published severity' : highestSeverity}${counted.length ? ` (${counted.join(', ')})` : ''}`;
}
