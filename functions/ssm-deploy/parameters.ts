/**
 * Parameters of the project's SSM Command document (ssm-documents/release-systemd-service.yaml).
 * The patterns are the document's `allowedPattern`s, character for character (a test compares
 * them): every value is checked here before SendCommand so a bad value fails with a clear error
 * in the Lambda rather than as an opaque InvalidParameters from SSM, and again by SSM, and again
 * by the script. None of them can hold a space, quote, `$`, backtick, `;`, `|`, `&` or newline.
 */
import { cutText } from '../commons/text';

export const DOCUMENT_PARAMETER_PATTERNS = {
  action: /^(release|rollback)$/,
  /** A full commit sha; `previous` asks a rollback for the release before the current one. */
  commitSha: /^(previous|[0-9a-f]{40})$/,
  /** Empty for a rollback, which downloads nothing. */
  artifactBucket: /^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])?$/,
  artifactKey: /^([A-Za-z0-9_-][A-Za-z0-9._/-]{0,511})?$/,
  serviceName: /^[A-Za-z0-9_@][A-Za-z0-9_.@-]{0,63}$/,
  /** Absolute; no segment may start with a dot, so no `.` or `..` segments. */
  appDirectory: /^(\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}){1,8}$/,
  healthUrl: /^http:\/\/127\.0\.0\.1:[0-9]{2,5}\/[A-Za-z0-9._/-]{0,200}$/,
  pythonVersion: /^3\.[0-9]{1,2}$/,
  /**
   * Environment of the release steps: up to 10 `NAME:value` pairs joined by `+`, e.g.
   * `FLASK_APP:microblog.py`; empty for none. No shell metacharacter, not even `=` or a space.
   */
  releaseEnvironment:
    /^([A-Z][A-Z0-9_]{0,63}:[A-Za-z0-9_.:/@-]{0,200}(\+[A-Z][A-Z0-9_]{0,63}:[A-Za-z0-9_.:/@-]{0,200}){0,9})?$/,
  /**
   * Release steps run after the venv, up to 10 joined by `:`, each a program of the release's venv
   * (`venv/bin/<name>`) and its literal arguments joined by `+`, e.g.
   * `flask+db+upgrade:flask+translate+compile`; empty for none. The script splits them itself:
   * no word is ever evaluated by a shell.
   */
  releaseCommands:
    /^([a-z0-9][a-z0-9_.-]{0,63}(\+[A-Za-z0-9_./@-]{1,128}){0,15}(:[a-z0-9][a-z0-9_.-]{0,63}(\+[A-Za-z0-9_./@-]{1,128}){0,15}){0,9})?$/,
} as const;

export type DocumentParameterName = keyof typeof DOCUMENT_PARAMETER_PATTERNS;
export type DocumentParameters = Record<DocumentParameterName, string>;

/** A parameter value the document would refuse; names the parameter and the allowed form. */
export class InvalidReleaseParameterError extends Error {
  override readonly name = 'InvalidReleaseParameterError';
}

/** Shows a rejected value safely: JSON-escaped (newlines visible), at most 60 characters. */
function show(value: string): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${cutText(text, 57, { ellipsis: '' })}..."` : text;
}

/** Checks every value against its pattern; throws one error listing every problem. */
export function validateDocumentParameters(parameters: DocumentParameters): DocumentParameters {
  const problems = (Object.keys(DOCUMENT_PARAMETER_PATTERNS) as DocumentParameterName[])
    .filter(
      (name) =>
        typeof parameters[name] !== 'string' || !DOCUMENT_PARAMETER_PATTERNS[name].test(parameters[name]),
    )
    .map(
      (name) =>
        `${name} = ${show(String(parameters[name]))} must match ${DOCUMENT_PARAMETER_PATTERNS[name].source}`,
    );
  if (parameters.action === 'release' && !/^[0-9a-f]{40}$/.test(parameters.commitSha)) {
    problems.push('commitSha must be a full 40-character sha for a release');
  }
  if (parameters.action === 'release' && (!parameters.artifactBucket || !parameters.artifactKey)) {
    problems.push('artifactBucket and artifactKey are required for a release');
  }
  if (problems.length > 0)
    throw new InvalidReleaseParameterError(
      `release parameters rejected before SendCommand: ${problems.join('; ')}`,
    );
  return parameters;
}

/** SendCommand's `Parameters` shape: one-element lists. */
export function toCommandParameters(parameters: DocumentParameters): Record<string, string[]> {
  return Object.fromEntries(Object.entries(parameters).map(([name, value]) => [name, [value]]));
}

/** Instance ids SendCommand accepts (EC2 and hybrid managed nodes). */
export const INSTANCE_ID = /^(i|mi)-[0-9a-f]{8,17}$/;
