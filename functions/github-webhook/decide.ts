/**
 * What a verified delivery means: a ping, something to ignore (with the reason GitHub's
 * "Recent deliveries" page will show), a malformed push, or the pipelines to start with their
 * exact execution input. Plain data in, plain data out: no clients, no clock.
 */
import type { PipelineInput } from '../commons/types/pipeline-input';
import { cutText } from '../commons/text';
import { routesForRepository, type Route } from './routes';
import { findSkipMarker } from './skip-marker';

/** One pipeline to start for a push. */
export interface PipelineStart {
  route: Route;
  input: PipelineInput;
}

export type Decision =
  | { kind: 'ping'; zen: string | undefined; hookId: number | undefined }
  | { kind: 'ignore'; reason: string }
  | { kind: 'malformed'; message: string }
  | { kind: 'start'; starts: PipelineStart[] };

/** What the webhook knows about the delivery besides its payload. */
export interface DeliveryContext {
  event: string;
  deliveryId: string;
  receivedAt: string;
}

const ZERO_SHA = /^0+$/;
const COMMIT_SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
const MAX_MESSAGE = 1000;

type Json = Record<string, unknown>;
const obj = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Trims a commit message to 1,000 characters without splitting a surrogate pair. */
export function trimMessage(message: string): string {
  return cutText(message.trim(), MAX_MESSAGE, { ellipsis: '' });
}

/** Decides what a delivery means for the configured routes. */
export function decide(context: DeliveryContext, payload: Json, routes: readonly Route[]): Decision {
  if (context.event === 'ping') {
    const hookId = payload.hook_id;
    return { kind: 'ping', zen: str(payload.zen), hookId: typeof hookId === 'number' ? hookId : undefined };
  }
  if (context.event !== 'push')
    return { kind: 'ignore', reason: `event "${context.event.slice(0, 60)}" is not handled` };
  return decidePush(context, payload, routes);
}

function decidePush(context: DeliveryContext, payload: Json, routes: readonly Route[]): Decision {
  const ref = str(payload.ref);
  const after = str(payload.after);
  const repository = str(obj(payload.repository)?.full_name);
  const missing = [!ref && 'ref', !after && 'after', !repository && 'repository.full_name'].filter(Boolean);
  if (missing.length || !ref || !after || !repository)
    return { kind: 'malformed', message: `push is missing ${missing.join(', ')}` };

  if (payload.deleted === true || ZERO_SHA.test(after))
    return { kind: 'ignore', reason: 'branch or tag deletion' };
  if (ref.startsWith('refs/tags/')) return { kind: 'ignore', reason: 'tag push' };
  if (!ref.startsWith('refs/heads/')) return { kind: 'ignore', reason: 'not a branch push' };
  const branch = ref.slice('refs/heads/'.length);

  const forRepository = routesForRepository(routes, repository);
  if (forRepository.length === 0) return { kind: 'ignore', reason: 'repository is not configured' };
  const matched = forRepository.filter((r) => r.branch === branch);
  if (matched.length === 0) return { kind: 'ignore', reason: 'branch is not configured for this repository' };

  if (!COMMIT_SHA.test(after)) return { kind: 'malformed', message: 'push "after" must be a commit sha' };
  const head = obj(payload.head_commit);
  const message = str(head?.message);
  const timestamp = str(head?.timestamp);
  if (!head || message === undefined || !timestamp)
    return { kind: 'malformed', message: 'push is missing head_commit (message, timestamp)' };

  const marker = findSkipMarker(message);
  if (marker) return { kind: 'ignore', reason: `head commit says ${marker}` };

  const author = obj(head.author);
  const pusher = obj(payload.pusher);
  const input: Omit<PipelineInput, 'pipeline'> = {
    repository,
    commitSha: after,
    ref,
    branch,
    commitMessage: trimMessage(message),
    commitAuthor: str(author?.name) ?? str(author?.username) ?? '',
    commitTimestamp: timestamp,
    pusher: str(pusher?.name) ?? str(obj(payload.sender)?.login) ?? '',
    compareUrl: str(payload.compare) ?? '',
    deliveryId: context.deliveryId,
    receivedAt: context.receivedAt,
    // What orders this commit against others on the target when GitHub cannot be asked.
    beforeSha:
      typeof payload.before === 'string' && COMMIT_SHA.test(payload.before) && !ZERO_SHA.test(payload.before)
        ? payload.before
        : null,
    ...(payload.forced === true && { forced: true }),
  };
  return {
    kind: 'start',
    starts: matched.map((route) => ({ route, input: { pipeline: route.pipeline, ...input } })),
  };
}
