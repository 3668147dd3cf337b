/**
 * One manifest per function (functions/<name>/manifest.ts, listed in functions/manifest.ts):
 * the list matches the folders, and what the manifests say matches the state machine files and
 * the table designs.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TABLES } from '../../functions/commons/tables';
import {
  FUNCTION_MANIFESTS,
  FUNCTION_NAMES,
  functionsInvokedBy,
  manifestOf,
  TASK_FUNCTIONS,
} from '../../functions/manifest';
import {
  DEFINITION_FILES,
  deploySubstitutions,
  functionArnPlaceholder,
  loadDefinition,
  placeholdersIn,
  type DefinitionName,
} from '../../statemachines/definitions';

const FUNCTIONS_DIR = resolve(__dirname, '../../functions');

describe('function manifests', () => {
  test('every folder with a handler has a manifest in the list, and nothing else is listed', () => {
    // Prepare
    const folders = readdirSync(FUNCTIONS_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(FUNCTIONS_DIR, d.name, 'handler.ts')))
      .map((d) => d.name)
      .sort();

    // Assess
    expect([...FUNCTION_NAMES].sort()).toEqual(folders);
    for (const name of folders) expect(existsSync(join(FUNCTIONS_DIR, name, 'manifest.ts'))).toBe(true);
  });

  test('names are unique and are the folder names (lower-case words joined by "-")', () => {
    expect(new Set(FUNCTION_NAMES).size).toBe(FUNCTION_NAMES.length);
    for (const name of FUNCTION_NAMES) expect(name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
  });

  test('sizing is within what Lambda allows', () => {
    // Lambda quotas: memory 128-10240 MB, timeout 1-900 s
    // (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
    for (const m of FUNCTION_MANIFESTS) {
      expect(m.memoryMb).toBeGreaterThanOrEqual(128);
      expect(m.memoryMb).toBeLessThanOrEqual(10240);
      expect(m.timeoutSeconds).toBeGreaterThanOrEqual(1);
      expect(m.timeoutSeconds).toBeLessThanOrEqual(900);
    }
  });

  test.each(Object.keys(DEFINITION_FILES) as DefinitionName[])(
    '%s: the function ARN placeholders of the file are exactly the functions whose manifest names it',
    (definition) => {
      // Prepare
      const used = placeholdersIn(loadDefinition(definition)).filter((p) => p.endsWith('FunctionArn'));

      // Assess
      expect(used.sort()).toEqual(functionsInvokedBy(definition).map(functionArnPlaceholder).sort());
    },
  );

  test('task functions are the ones some state machine invokes; the deploy sub-workflows get theirs', () => {
    expect([...TASK_FUNCTIONS].sort()).toEqual(
      FUNCTION_MANIFESTS.filter((m) => m.invokedBy.length > 0)
        .map((m) => m.name)
        .sort(),
    );
    expect(Object.keys(deploySubstitutions({ functionArn: (name) => `arn:${name}` })).sort()).toEqual([
      'BeanstalkDeployFunctionArn',
      'SsmDeployFunctionArn',
      'WaitRouterFunctionArn',
    ]);
  });

  test("a table's name goes in the variable its design names", () => {
    for (const m of FUNCTION_MANIFESTS)
      for (const [variable, source] of Object.entries(m.environment))
        if (source.kind === 'tableName') {
          expect(TABLES).toContain(source.table);
          expect(variable).toBe(source.table.envVar);
        }
  });

  test('an unknown function name is refused with the known names', () => {
    expect(() => manifestOf('deploy-lok')).toThrow(
      /no function "deploy-lok" in functions\/manifest\.ts \(known: github-webhook, deploy-lock, /,
    );
  });
});
