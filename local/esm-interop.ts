/**
 * Lets the sandbox load the real handlers under tsx (CommonJS, like the rest of the project):
 * @middy/core 7 and @octokit/webhooks-methods 6 publish only an `import` export condition, so a
 * CommonJS `require` of them fails with ERR_PACKAGE_PATH_NOT_EXPORTED. When that happens this
 * resolves the package's `import` entry instead, which Node 22 can `require()` (require(esm)).
 * It is the sandbox-side twin of test/support/esm-fallback-resolver.cjs (jest). The Lambda
 * bundles do not need it: esbuild resolves the `import` condition itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';

type Resolve = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
const moduleWithResolve = Module as unknown as { _resolveFilename: Resolve };
let installed = false;

/** The `import` target of a package export entry (string, or a conditions object). */
function importTarget(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (!entry || typeof entry !== 'object') return undefined;
  const conditions = entry as Record<string, unknown>;
  for (const key of ['import', 'node', 'default']) {
    const found = importTarget(conditions[key]);
    if (found) return found;
  }
  return undefined;
}

/** Finds `node_modules/<package>` from the requiring file's directory upwards. */
function packageDir(name: string, from: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function installEsmInterop(): void {
  if (installed) return;
  installed = true;
  const original = moduleWithResolve._resolveFilename;
  moduleWithResolve._resolveFilename = function (request, parent, isMain, options) {
    try {
      return original.call(this, request, parent, isMain, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
      const match = /^((?:@[^/]+\/)?[^/]+)(\/.*)?$/.exec(request);
      const from = (parent as { filename?: string } | undefined)?.filename;
      const dir = match && from ? packageDir(match[1]!, dirname(from)) : undefined;
      if (!dir) throw error;
      const exports = (
        JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> }
      ).exports;
      const target = importTarget(exports?.[`.${match![2] ?? ''}`]);
      if (!target) throw error;
      return join(dir, target);
    }
  };
}
