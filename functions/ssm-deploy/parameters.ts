/**
 * Parameters of the project's SSM Command document (ssm-documents/release-systemd-service.yaml).
 * The patterns (functions/commons/ssm-parameters.ts) are the document's `allowedPattern`s,
 * character for character (a test compares them): every value is checked here before SendCommand
 * so a bad value fails with a clear error in the Lambda rather than as an opaque InvalidParameters
 * from SSM, and again by SSM, and again by the script. None of them can hold a space, quote, `$`, backtick, `;`, `|`, `&` or newline.
 */
import { cutText } from '../commons/text';
import {
  DOCUMENT_PARAMETER_PATTERNS,
  type DocumentParameterName,
  type DocumentParameters,
} from '../commons/ssm-parameters';

export {
  DOCUMENT_PARAMETER_PATTERNS,
  INSTANCE_ID,
  type DocumentParameterName,
  type DocumentParameters,
} from '../commons/ssm-parameters';

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
