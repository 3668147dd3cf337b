/**
 * The sandbox's GitHub, for what the controller asks it besides commit statuses: a commit graph
 * per repository (scenarios register each pushed commit with its parent) and the compare API,
 * `GET /repos/{owner}/{repo}/compare/{base}...{head}`, answering `status` ahead (base is an
 * ancestor of head), behind (head is an ancestor of base), identical or diverged, with
 * `ahead_by` / `behind_by`, and 404 for a commit it does not know. Source: GitHub REST API docs,
 * "Compare two commits" (https://docs.github.com/en/rest/commits/commits#compare-two-commits).
 */

export interface Comparison {
  status: 'ahead' | 'behind' | 'identical' | 'diverged';
  ahead_by: number;
  behind_by: number;
  total_commits: number;
}

const MAX_DEPTH = 10_000;

export class GitHubStandIn {
  /** `owner/name` -> commit -> parent (null for a root). */
  private readonly graphs = new Map<string, Map<string, string | null>>();
  /** Compare requests answered, for tests and the control API. */
  readonly compares: { repository: string; base: string; head: string; status: string | null }[] = [];

  /** Records a commit and its parent (the push's `before`), both 40-hex shas. */
  addCommit(repository: string, sha: string, parent: string | null): void {
    const graph = this.graphs.get(repository) ?? new Map<string, string | null>();
    this.graphs.set(repository, graph);
    if (parent && !graph.has(parent)) graph.set(parent, null);
    graph.set(sha, parent);
  }

  /** Distance from `from` back to `ancestor` along first parents, or -1. */
  private distance(graph: Map<string, string | null>, from: string, ancestor: string): number {
    let current: string | null | undefined = from;
    for (let depth = 0; current && depth < MAX_DEPTH; depth += 1) {
      if (current === ancestor) return depth;
      current = graph.get(current);
    }
    return -1;
  }

  /** GitHub's comparison of `head` with `base`, or undefined (404) for an unknown commit. */
  compare(repository: string, base: string, head: string): Comparison | undefined {
    const graph = this.graphs.get(repository);
    const known = graph?.has(base) && graph.has(head);
    let result: Comparison | undefined;
    if (graph && known) {
      const ahead = this.distance(graph, head, base);
      const behind = this.distance(graph, base, head);
      if (base === head) result = { status: 'identical', ahead_by: 0, behind_by: 0, total_commits: 0 };
      else if (ahead > 0) result = { status: 'ahead', ahead_by: ahead, behind_by: 0, total_commits: ahead };
      else if (behind > 0) result = { status: 'behind', ahead_by: 0, behind_by: behind, total_commits: 0 };
      else result = { status: 'diverged', ahead_by: 1, behind_by: 1, total_commits: 1 };
    }
    this.compares.push({ repository, base, head, status: result?.status ?? null });
    return result;
  }

  reset(): void {
    this.graphs.clear();
    this.compares.length = 0;
  }
}
