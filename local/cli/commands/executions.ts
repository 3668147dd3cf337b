/** `deployctl executions`: the pipelines' executions, newest first, as a table. */
import type { CliContext } from '../context';
import { CliError } from '../errors';
import { listExecutions } from '../executions';
import { formatDuration } from '../render-timeline';
import { renderTable } from '../table';

export interface ExecutionsOptions {
  pipeline?: string;
  status?: string;
  limit?: string | number;
}

/** A --limit value: a whole number from 1 to 1000. */
export function parseLimit(value: string | number | undefined, fallback = 20): number {
  if (value === undefined) return fallback;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new CliError(`--limit must be a whole number from 1 to 1000, got "${value}".`);
  return limit;
}

const STATUS_COLOUR = { SUCCEEDED: 'green', RUNNING: 'yellow' } as const;

export async function executionsCommand(ctx: CliContext, options: ExecutionsOptions = {}): Promise<number> {
  const limit = parseLimit(options.limit);
  const rows = await listExecutions(ctx, {
    limit,
    ...(options.pipeline !== undefined && { pipeline: options.pipeline }),
    ...(options.status !== undefined && { status: options.status }),
  });
  const { out } = ctx;
  if (!rows.length) {
    out.line(
      `No executions${options.pipeline ? ` of ${options.pipeline}` : ''}${options.status ? ` with status ${options.status.toUpperCase()}` : ''}. Start one with \`deployctl push retail-bank\`.`,
    );
    return 0;
  }
  const table = renderTable(
    ['NAME', 'PIPELINE', 'STATUS', 'STARTED', 'DURATION'],
    rows.map((e) => [
      e.name ?? '',
      e.pipeline,
      out.paint(STATUS_COLOUR[e.status as keyof typeof STATUS_COLOUR] ?? 'red', e.status ?? ''),
      e.startDate
        ?.toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z') ?? '',
      e.startDate && e.stopDate ? formatDuration(e.stopDate.getTime() - e.startDate.getTime()) : 'running',
    ]),
  );
  for (const line of table) out.line(line);
  return 0;
}
