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

/** A readable summary of a cause string (null in, null out). */
export function summariseCause(cause: string | null | undefined): CauseSummary | null {
  if (!cause) return null;
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
