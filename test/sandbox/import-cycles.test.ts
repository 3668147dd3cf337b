/**
 * No import circles under local/: each module's runtime imports (`import type` and
 * `export type … from` are erased and cannot form a load-order circle) read from the TypeScript
 * compiler's syntax tree, relative specifiers resolved to files, then a depth-first search for a
 * path back to a module already on the stack.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '../..');
const LOCAL = join(ROOT, 'local');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
}

/** Module -> the local modules it imports. */
function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    const specifiers = source.statements.flatMap((statement) => {
      if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly)
        return [(statement.moduleSpecifier as ts.StringLiteral).text];
      if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly)
        return [(statement.moduleSpecifier as ts.StringLiteral).text];
      return [];
    });
    const targets = specifiers
      .map((specifier) => resolveImport(file, specifier))
      .filter((target): target is string => target !== undefined && target.startsWith(LOCAL));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle found, each as the list of modules around it (relative to the repository). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (node: string) => {
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (onStack.has(next))
        found.push([...stack.slice(stack.indexOf(next)), next].map((f) => relative(ROOT, f)));
      else if (!done.has(next)) visit(next);
    }
    stack.pop();
    onStack.delete(node);
    done.add(node);
  };
  for (const node of graph.keys()) if (!done.has(node)) visit(node);
  return found;
}

it('the cycle finder finds a planted circle (a -> b -> a)', () => {
  const graph = new Map([
    ['/r/local/a.ts', ['/r/local/b.ts']],
    ['/r/local/b.ts', ['/r/local/a.ts']],
  ]);
  expect(cycles(graph)).toHaveLength(1);
});

it('no module under local/ imports itself through others', () => {
  const graph = importGraph(sources(LOCAL));
  expect(graph.size).toBeGreaterThan(40);
  expect(cycles(graph)).toEqual([]);
});
