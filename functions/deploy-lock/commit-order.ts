/**
 * How a run's commit relates to the commits already on its target (live, in flight, waiting),
 * decided in this order:
 * 1. GitHub's compare API when a token is configured (ahead: newer, behind: older, identical);
 * 2. otherwise, or when GitHub cannot tell (diverged, an error), the pushes' own `before` ->
 *    `after` links recorded on the target (an ancestor is older);
 * 3. otherwise unknown: the lock orders by arrival, and the log says so.
 */
import type { LockItem, LockRequest, Relation } from './lock-state';

/** GitHub's answer for compare/{base}...{head}, or null when it could not be asked or answered. */
export type CompareFn = (
  base: string,
  head: string,
) => Promise<'ahead' | 'behind' | 'identical' | 'diverged' | null>;

export interface OrderEvidence {
  relation: Relation;
  /** What decided: github, pushes (the before -> after chain) or arrival (nothing knew). */
  source: 'same-commit' | 'github' | 'pushes' | 'arrival';
}

const MAX_HOPS = 500;

/** True when `ancestor` is reached from `commit` by following `parents`. */
function reaches(parents: Readonly<Record<string, string>>, commit: string, ancestor: string): boolean {
  let current: string | undefined = parents[commit];
  for (let hops = 0; current && hops < MAX_HOPS; hops += 1) {
    if (current === ancestor) return true;
    current = parents[current];
  }
  return false;
}

/** The request's relation to `other`, from the recorded push chain alone. */
export function relationFromPushes(
  parents: Readonly<Record<string, string>>,
  request: Pick<LockRequest, 'commitSha' | 'beforeSha'>,
  other: string,
): Relation {
  if (request.commitSha === other) return 'same';
  const chain = request.beforeSha ? { ...parents, [request.commitSha]: request.beforeSha } : parents;
  if (reaches(chain, request.commitSha, other)) return 'newer';
  if (reaches(chain, other, request.commitSha)) return 'older';
  return 'unknown';
}

/** Evidence for each commit the lock decision may compare the request with. */
export async function orderEvidence(
  item: LockItem | undefined,
  request: LockRequest,
  compare: CompareFn | null,
): Promise<Map<string, OrderEvidence>> {
  const others = new Set(
    [item?.liveCommitSha, item?.holderCommitSha, item?.latestRequest?.commitSha].filter(
      (sha): sha is string => !!sha,
    ),
  );
  const out = new Map<string, OrderEvidence>();
  for (const other of others) {
    if (other === request.commitSha) {
      out.set(other, { relation: 'same', source: 'same-commit' });
      continue;
    }
    const answer = compare ? await compare(other, request.commitSha) : null;
    if (answer === 'ahead' || answer === 'behind' || answer === 'identical') {
      const relation = answer === 'ahead' ? 'newer' : answer === 'behind' ? 'older' : 'same';
      out.set(other, { relation, source: 'github' });
      continue;
    }
    const relation = relationFromPushes(item?.parents ?? {}, request, other);
    out.set(other, { relation, source: relation === 'unknown' ? 'arrival' : 'pushes' });
  }
  return out;
}
