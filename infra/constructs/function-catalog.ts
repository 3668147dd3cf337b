/**
 * The controller's Lambda functions, as declared in each function's manifest
 * (functions/<name>/manifest.ts, listed in functions/manifest.ts): names, sizing, environment,
 * grants. Infra reads them from here.
 */
export { pascalCase, type FunctionManifest } from '../../functions/commons/manifest';
export { FUNCTION_MANIFESTS, FUNCTION_NAMES, manifestOf, type FunctionName } from '../../functions/manifest';
