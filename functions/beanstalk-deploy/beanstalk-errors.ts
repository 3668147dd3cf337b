/** Recognises the Elastic Beanstalk errors that mean something for the pipeline (awsQuery error codes). */

function codeOf(error: unknown): string {
  const e = error as { name?: string; Code?: string; code?: string };
  return e?.Code ?? e?.code ?? e?.name ?? '';
}

const messageOf = (error: unknown) => String((error as { message?: unknown })?.message ?? '');

/**
 * UpdateEnvironment refused because the environment is busy: "Environment named X is in an
 * invalid state for this operation. Must be Ready." or an "...is in progress" message.
 */
export function isUpdateInProgress(error: unknown): boolean {
  return (
    codeOf(error) === 'InvalidParameterValue' &&
    /in progress|invalid state|must be ready/i.test(messageOf(error))
  );
}

/** CreateApplicationVersion for a label that exists: "Application Version X already exists." */
export function isVersionAlreadyExists(error: unknown): boolean {
  return codeOf(error) === 'InvalidParameterValue' && /already exists/i.test(messageOf(error));
}

/** The account's application-version quota is used up (a lifecycle policy is missing). */
export function isTooManyVersions(error: unknown): boolean {
  return codeOf(error) === 'TooManyApplicationVersionsException';
}
