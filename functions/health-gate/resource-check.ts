/**
 * The resource check run on each EC2 instance through SSM `AWS-RunShellScript`, and the judging
 * of its output. The script is a constant: nothing from the configuration, a commit or a branch
 * is ever put into it. It prints one JSON line:
 * `{"cpuPercent":12.5,"memoryPercent":40.1,"diskPercent":55}`
 * (CPU = 1-minute load average over online CPUs, memory = (MemTotal - MemAvailable) / MemTotal,
 * disk = used share of the root file system).
 */
import * as z from 'zod/mini';
import '../commons/zod-locale';
import type { HealthFinding } from '../commons/types/tasks';

/** Shell lines of the check, exactly as sent (one `commands` entry each). */
export const RESOURCE_CHECK_SCRIPT: readonly string[] = [
  String.raw`cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)`,
  String.raw`read -r load _rest < /proc/loadavg`,
  String.raw`mem=$(awk '/^MemTotal:/ {t=$2} /^MemAvailable:/ {a=$2} END {if (t > 0) printf "%.1f", (t - a) * 100 / t; else printf "null"}' /proc/meminfo)`,
  String.raw`disk=$(df -P / | awk 'NR == 2 {sub(/%/, "", $5); print $5 + 0}')`,
  String.raw`awk -v l="$load" -v c="$cores" -v m="$mem" -v d="$disk" 'BEGIN {if (c < 1) c = 1; printf "{\"cpuPercent\":%.1f,\"memoryPercent\":%s,\"diskPercent\":%s}\n", l * 100 / c, m, d}'`,
];

const usageSchema = z.object({
  cpuPercent: z.number().check(z.gte(0)),
  memoryPercent: z.number().check(z.gte(0), z.lte(100)),
  diskPercent: z.number().check(z.gte(0), z.lte(100)),
});
export type ResourceUsage = z.infer<typeof usageSchema>;

/** The usage from the script's output (its last JSON line), or null when it cannot be read. */
export function parseResourceUsage(output: string): ResourceUsage | null {
  const line = output
    .split('\n')
    .map((l) => l.trim())
    .reverse()
    .find((l) => l.startsWith('{'));
  if (!line) return null;
  try {
    const parsed = usageSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export interface ResourceThresholds {
  maxCpuPercent: number;
  maxMemoryPercent: number;
  maxDiskPercent: number;
}

/** Last characters of an output, on one line, for a finding's detail. */
function tail(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `...${flat.slice(-max)}` : flat || '(no output)';
}

/** cpu, memory and disk findings for one instance; one failed finding when the output is unusable. */
export function judgeResources(
  instanceId: string,
  status: string,
  output: string,
  limits: ResourceThresholds,
): HealthFinding[] {
  const usage = status === 'Success' ? parseResourceUsage(output) : null;
  if (!usage) {
    return [
      {
        resource: instanceId,
        check: 'resource-check',
        ok: false,
        detail: `could not read resource usage (command ${status}): ${tail(output)}`,
      },
    ];
  }
  const judge = (check: string, value: number, max: number): HealthFinding => ({
    resource: instanceId,
    check,
    ok: value <= max,
    detail: `${check} ${value}% (max ${max}%)`,
  });
  return [
    judge('cpu', usage.cpuPercent, limits.maxCpuPercent),
    judge('memory', usage.memoryPercent, limits.maxMemoryPercent),
    judge('disk', usage.diskPercent, limits.maxDiskPercent),
  ];
}
