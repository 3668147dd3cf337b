/**
 * Regenerates local/limits/aws-constraints.json: the request member constraints (required, length,
 * range, enum, pattern) of every AWS operation the sandbox implements, taken from AWS's published
 * service models as botocore ships them (Debian's awscli package:
 * /usr/lib/python3/dist-packages/awscli/botocore/data/<service>/<version>/service-2.json), or,
 * for a service whose newer model is kept in local/limits/botocore-data (Step Functions with
 * RedriveExecution, which Debian's 2.9.19 model predates), from there.
 *
 *   npx tsx scripts/generate-aws-constraints.ts [--data <botocore data dir>] [--check]
 *
 * `--check` exits 1 when the checked-in file differs from what the models give (CI-friendly).
 * Only shapes reachable from the operations' inputs are kept, and only what a check can use.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IMPLEMENTED_OPERATIONS } from '../local/limits/implemented-operations';

const DEFAULT_DATA = '/usr/lib/python3/dist-packages/awscli/botocore/data';
/** Newer models that take precedence over `data`'s, service by service (botocore-data/README.md). */
export const NEWER_MODELS = resolve(__dirname, '../local/limits/botocore-data');
const OUTPUT = resolve(__dirname, '../local/limits/aws-constraints.json');

interface ModelShape {
  type: string;
  required?: string[];
  members?: Record<string, { shape: string; location?: string; locationName?: string }>;
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
}
interface Model {
  metadata: { protocol: string; apiVersion: string; serviceId: string };
  operations: Record<string, { input?: { shape: string } }>;
  shapes: Record<string, ModelShape>;
}

/** A shape as the constraint check reads it (local/limits/constraints.ts). */
export interface ConstraintShape {
  type: string;
  required?: string[];
  members?: Record<string, string>;
  member?: string;
  value?: string;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
}

function latestVersion(data: string, model: string): string {
  const versions = readdirSync(join(data, model)).sort();
  const latest = versions.at(-1);
  if (!latest) throw new Error(`no botocore model for ${model} under ${data}`);
  return latest;
}

/** Keeps a JavaScript-compilable pattern; Java-only syntax is dropped (and counted). */
function usablePattern(pattern: string): boolean {
  try {
    new RegExp(`^(?:${pattern})$`, 'u');
    return true;
  } catch {
    return false;
  }
}

/** The constraints file's content for the data directory (a model in `newer` wins over data's). */
export function generate(installed: string, newer: string = NEWER_MODELS): string {
  const services: Record<string, unknown> = {};
  let droppedPatterns = 0;
  for (const [sandboxName, spec] of Object.entries(IMPLEMENTED_OPERATIONS)) {
    const data = existsSync(join(newer, spec.model)) ? newer : installed;
    const version = latestVersion(data, spec.model);
    const model = JSON.parse(
      readFileSync(join(data, spec.model, version, 'service-2.json'), 'utf8'),
    ) as Model;
    const shapes: Record<string, ConstraintShape> = {};
    const visit = (name: string) => {
      if (shapes[name]) return;
      const shape = model.shapes[name];
      if (!shape) throw new Error(`${spec.model}: shape ${name} is not in the model`);
      const out: ConstraintShape = { type: shape.type };
      shapes[name] = out;
      if (shape.required?.length) out.required = [...shape.required];
      if (shape.min !== undefined) out.min = shape.min;
      if (shape.max !== undefined) out.max = shape.max;
      if (shape.enum) out.enum = [...shape.enum];
      if (shape.pattern !== undefined) {
        if (usablePattern(shape.pattern)) out.pattern = shape.pattern;
        else droppedPatterns += 1;
      }
      if (shape.members) {
        out.members = {};
        for (const [member, ref] of Object.entries(shape.members)) {
          // Only body members: the sandbox's JSON and awsQuery services take everything in the body.
          if (ref.location && ref.location !== 'body') continue;
          out.members[member] = ref.shape;
          visit(ref.shape);
        }
      }
      if (shape.member) {
        out.member = shape.member.shape;
        visit(shape.member.shape);
      }
      if (shape.value) {
        out.value = shape.value.shape;
        visit(shape.value.shape);
      }
    };
    const operations: Record<string, string> = {};
    for (const operation of spec.operations) {
      const definition = model.operations[operation];
      if (!definition) throw new Error(`${spec.model} ${version} has no operation ${operation}`);
      if (!definition.input) continue;
      operations[operation] = definition.input.shape;
      visit(definition.input.shape);
    }
    services[sandboxName] = {
      model: `${spec.model}/${version}/service-2.json`,
      serviceId: model.metadata.serviceId,
      protocol: model.metadata.protocol,
      operations,
      shapes: Object.fromEntries(Object.entries(shapes).sort(([a], [b]) => a.localeCompare(b))),
    };
  }
  return `${JSON.stringify(
    {
      $comment: [
        'Generated by scripts/generate-aws-constraints.ts: do not edit by hand.',
        'Source: AWS service models as shipped by botocore in Debian awscli 2.9.19',
        '(/usr/lib/python3/dist-packages/awscli/botocore/data/<service>/<version>/service-2.json),',
        'or the newer model of a service kept in local/limits/botocore-data (botocore 1.43.67),',
        'for the operations in local/limits/implemented-operations.ts.',
        `Patterns that JavaScript cannot compile were left out: ${droppedPatterns}.`,
      ],
      services,
    },
    null,
    2,
  )}\n`;
}

function main(argv: string[]): number {
  const dataIndex = argv.indexOf('--data');
  const data = dataIndex >= 0 ? argv[dataIndex + 1]! : DEFAULT_DATA;
  const text = generate(data);
  if (argv.includes('--check')) {
    const current = readFileSync(OUTPUT, 'utf8');
    if (current !== text) {
      process.stderr.write(`${OUTPUT} is out of date: run npx tsx scripts/generate-aws-constraints.ts\n`);
      return 1;
    }
    process.stdout.write(`${OUTPUT} is up to date\n`);
    return 0;
  }
  writeFileSync(OUTPUT, text);
  process.stdout.write(`wrote ${OUTPUT}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
