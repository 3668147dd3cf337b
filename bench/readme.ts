/**
 * `npm run bench:readme`: copies the `summary` of .bench/results.json (written by `npm run bench`)
 * into README.md's performance table, between the `bench-summary` markers. Fails when the results
 * file is missing or has no summary, so the README never shows figures no run produced.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AIMS, SUMMARY_NAMES, verdict, type Summary, type SummaryName } from './summary';

export const START = '<!-- bench-summary:start (npm run bench:readme) -->';
export const END = '<!-- bench-summary:end -->';

const MEANING: Record<SummaryName, string> = {
  webhookImportMsOverEmptyNode: 'webhook cold import: CPU ms of the require in a fresh Node (median)',
  webhookBundleBytes: 'webhook deployed bundle, bytes',
  warmRatioDuplicate: 'webhook warm path, redelivered push: req/s vs a bare HMAC server',
  warmRatioIgnored: 'webhook warm path, ignored push: req/s vs a bare HMAC server',
  costRatioMinDeploying: 'CodePipeline V2 cost / ours, smallest over the paths that deploy',
  transitionsCanary: 'state transitions, Beanstalk canary deploy',
  transitionsSsm: 'state transitions, EC2 deploy via SSM',
  overheadShareHappyMax: 'controller overhead / lead time, largest over the happy paths',
  pollLagSecondsHappy: 'poll lag on the happy path, s',
  leadTimeSecondsCanary: 'lead time push to live, Beanstalk canary, s',
  leadTimeSecondsSsm: 'lead time push to live, EC2 via SSM, s',
};

/** The markdown table of a summary (with the markers). */
export function summaryMarkdown(summary: Summary, at: string, machine = ''): string {
  const rows = SUMMARY_NAMES.map((name) => {
    const value = summary[name];
    return `| \`${name}\` | ${MEANING[name]} | ${value === null ? 'not measured' : value} | ${`${AIMS[name]?.text ?? ''} ${verdict(name, value)}`.trim()} |`;
  });
  return [
    START,
    `From \`.bench/results.json\` of the run at ${at}${machine}. Measured figures (import, warm ratios) grow with the machine's load; modelled ones (cost, transitions, overhead, lead time) do not.`,
    '',
    '| summary name | what | value | aim |',
    '| --- | --- | --- | --- |',
    ...rows,
    END,
  ].join('\n');
}

/** README text with the block between the markers replaced. */
export function withSummary(readme: string, block: string): string {
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error(`README.md has no ${START} ... ${END} block`);
  return readme.slice(0, from) + block + readme.slice(to + END.length);
}

function main(): void {
  const root = join(__dirname, '..');
  const results = JSON.parse(readFileSync(join(root, '.bench', 'results.json'), 'utf8')) as {
    at?: string;
    node?: string;
    loadAverage?: number;
    cpus?: number;
    summary?: Summary;
  };
  if (!results.summary) throw new Error('.bench/results.json has no summary: run npm run bench first');
  const file = join(root, 'README.md');
  writeFileSync(
    file,
    withSummary(
      readFileSync(file, 'utf8'),
      summaryMarkdown(
        results.summary,
        results.at ?? '?',
        results.loadAverage === undefined
          ? ''
          : ` (Node ${results.node}, load average ${results.loadAverage} on ${results.cpus} CPUs)`,
      ),
    ),
  );
  console.log('README.md: performance summary updated from .bench/results.json');
}

if (require.main === module) main();
