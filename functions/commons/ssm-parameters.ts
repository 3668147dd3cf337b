/**
 * Values the project's SSM Command document (ssm-documents/release-systemd-service.yaml) accepts,
 * shared by the configuration schema (commons/config/schema.ts), the ssm-deploy event and
 * functions/ssm-deploy/parameters.ts. The patterns are the document's `allowedPattern`s, character
 * for character (test/ssm-deploy/document.test.ts compares them). None of them can hold a space,
 * quote, `$`, backtick, `;`, `|`, `&` or newline.
 */

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

/**
 * Instance ids SendCommand accepts (EC2 and hybrid managed nodes). botocore's ssm service model
 * (ssm/2014-11-06/service-2.json) gives the `InstanceId` shape the pattern
 * `(^i-(\w{8}|\w{17})$)|(^mi-\w{17}$)`; ids are lower-case hex, which this checks.
 */
export const INSTANCE_ID = /^(i|mi)-[0-9a-f]{8,17}$/;
