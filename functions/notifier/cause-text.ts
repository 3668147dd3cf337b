/**
 * Turns a Step Functions `cause` into one readable line. Causes are often JSON: a Lambda error
 * (`{errorType, errorMessage, trace}`) or, for CodeBuild `.sync` tasks, the whole Build object.
 * The person reading Slack wants the message, the failed phase and where the logs are.
 */

export interface CauseSummary {
  /** Readable text (not yet scrubbed or trimmed). */
  text: string;
  /** The error type a Lambda reported, when the cause said so. */
  errorType: string | null;
  /** Link to build logs, when the cause was a CodeBuild build. */
  logsUrl: string | null;
}

interface CodeBuildPhase {
  PhaseType?: string;
  PhaseStatus?: string;
  Contexts?: { StatusCode?: string; Message?: string }[];
}

interface CodeBuildBuild {
  Id?: string;
  BuildStatus?: string;
  Phases?: CodeBuildPhase[];
  Logs?: { DeepLink?: string };
}

function parseJson(text: string): Record<string, unknown> | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return null;
  try {
    const value = JSON.parse(trimmed) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function summariseBuild(build: CodeBuildBuild): CauseSummary {
  const failed = (build.Phases ?? []).filter((p) => p.PhaseStatus && p.PhaseStatus !== 'SUCCEEDED');
  const phaseText = failed
    .map((p) => {
      const context = (p.Contexts ?? [])
        .map((c) => [c.StatusCode, c.Message].filter(Boolean).join(': '))
        .filter(Boolean)
        .join('; ');
      return `phase ${p.PhaseType ?? '?'} ${p.PhaseStatus}${context ? ` (${context})` : ''}`;
    })
    .join(', ');
  const id = build.Id?.split(':').slice(-2).join(':') ?? 'build';
  const text = `CodeBuild ${id} ${build.BuildStatus ?? 'FAILED'}${phaseText ? `: ${phaseText}` : ''}`;
  const link = build.Logs?.DeepLink;
  return {
    text,
    errorType: null,
    logsUrl: typeof link === 'string' && link.startsWith('https://') ? link : null,
  };
}

/**
 * The Beanstalk sub-workflow's summary (`Environment <status>, health <colour>. Newest events:
 * [<ISO> <SEVERITY> <message>, ...]`, newest first) describes the environment after the fact:
 * once Beanstalk reverted a canary it reads "Ready, health Green", which sounds like success.
 * Lead with what failed instead: the oldest WARN/ERROR/FATAL event since the deploy began, then
 * the environment's state. Event severities: Elastic Beanstalk API Reference, EventDescription.
 */
const BEANSTALK_SUMMARY = /^([\s\S]*?)Environment (\S+), health (\S+)\. Newest events: (\[[\s\S]*\])\s*$/;
const EVENT_LINE = /^(\S+) (TRACE|DEBUG|INFO|WARN|ERROR|FATAL) ([\s\S]*)$/;

export function summariseBeanstalkStatus(text: string): string | null {
  const match = BEANSTALK_SUMMARY.exec(text.trim());
  if (!match) return null;
  let events: unknown;
  try {
    events = JSON.parse(match[4]!);
  } catch {
    return null;
  }
  if (!Array.isArray(events)) return null;
  const parsed = events
    .filter((e): e is string => typeof e === 'string')
    .map((line) => EVENT_LINE.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ severity: m[2]!, message: m[3]!.trim() }));
  // Newest first in the summary: the first failure is the last one listed.
  const failures = parsed.filter((e) => e.severity === 'ERROR' || e.severity === 'FATAL');
  const warnings = parsed.filter((e) => e.severity === 'WARN');
  const lead = failures.at(-1) ?? warnings.at(-1);
  const prefix = match[1]!.trim();
  const after = `Afterwards the environment is ${match[2]}, health ${match[3]}.`;
  if (!lead) return `${prefix ? `${prefix} ` : ''}No failure event was reported. ${after}`;
  // The other warnings and errors, oldest first.
  const others = parsed
    .filter((e) => e !== lead && ['WARN', 'ERROR', 'FATAL'].includes(e.severity))
    .reverse()
    .map((e) => e.message);
  const more = others.length > 0 ? ` Also reported: ${others.join(' / ')}` : '';
  return `${prefix ? `${prefix} ` : ''}${lead.message}${more} ${after}`.replace(/\s+/g, ' ').trim();
}

/** A readable summary of a cause string (null in, null out). */
export function summariseCause(cause: string | null | undefined): CauseSummary | null {
  if (!cause) return null;
  const beanstalk = summariseBeanstalkStatus(cause);
  if (beanstalk) return { text: beanstalk, errorType: null, logsUrl: null };
  const json = parseJson(cause);
  if (!json) return { text: cause, errorType: null, logsUrl: null };
  if (typeof json.Cause === 'string' && typeof json.Error === 'string') {
    // A nested execution (startExecution.sync) failed: its own error and cause are what matter.
    const inner = summariseCause(json.Cause);
    return {
      text: inner?.text ?? json.Cause,
      errorType: inner?.errorType ?? json.Error,
      logsUrl: inner?.logsUrl ?? null,
    };
  }
  if (typeof json.errorMessage === 'string') {
    return {
      text: json.errorMessage,
      errorType: typeof json.errorType === 'string' ? json.errorType : null,
      logsUrl: null,
    };
  }
  if (typeof json.Build === 'object' && json.Build !== null)
    return summariseBuild(json.Build as CodeBuildBuild);
  if (typeof json.BuildStatus === 'string') return summariseBuild(json as CodeBuildBuild);
  // An execution-level cause may itself wrap a task's cause (Fail state with CausePath).
  if (typeof json.Cause === 'string') return summariseCause(json.Cause);
  return { text: cause, errorType: null, logsUrl: null };
}
