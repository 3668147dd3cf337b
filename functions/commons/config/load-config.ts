/**
 * Loads and validates `pipelines.yaml`. The same loader feeds `cdk synth`, the local sandbox
 * and the tests, so a mistake is caught before anything is deployed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { PipelinesConfig } from './schema';
import { ConfigError, parseConfig } from './validate-config';

export { ConfigError, findPipeline, formatPath, parseConfig } from './validate-config';

/** Where the configuration lives unless `PIPELINES_FILE` says otherwise. */
export const DEFAULT_CONFIG_PATH = resolve(__dirname, '../../../pipelines.yaml');

/** Parses YAML text and validates it. */
export function parseConfigText(text: string, source = 'pipelines.yaml'): PipelinesConfig {
  let document: unknown;
  try {
    document = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new ConfigError(source, [`not valid YAML: ${(error as Error).message.split('\n')[0]}`], {
      cause: error,
    });
  }
  return parseConfig(document, source);
}

/** Reads the configuration file (default: `PIPELINES_FILE`, then the repository's pipelines.yaml). */
export function loadConfig(path = process.env.PIPELINES_FILE ?? DEFAULT_CONFIG_PATH): PipelinesConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      path,
      [`cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`],
      { cause: error },
    );
  }
  return parseConfigText(text, path);
}
