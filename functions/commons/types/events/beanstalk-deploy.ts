/** beanstalk-deploy's event: application version, TrafficSplitting canary, status, rollback. */
import * as z from 'zod/mini';
import { guardedInput } from './deploy-lock';
import { commitSha, text, timestamp } from './fields';

/** Labels this function creates are 12 hex characters; rollbacks may name older labels, so allow EB's own limit. */
const label = text.check(
  z.maxLength(100, { error: 'must be at most 100 characters (Elastic Beanstalk limit)' }),
);
const artifact = z.object({
  bucket: text,
  key: text.check(z.maxLength(1024, { error: 'must be at most 1024 characters' })),
});
/** Where CodeBuild put the packaged release of a commit: `<pipeline>/<commitSha>/app.zip` or `.../release.tar.gz`. */
export type ArtifactLocation = z.infer<typeof artifact>;

export const beanstalkDeployEvent = z.discriminatedUnion(
  'action',
  [
    z.object({
      action: z.literal('createVersion'),
      pipeline: text,
      commitSha,
      artifact,
      description: z.exactOptional(z.string()),
    }),
    z.object({ action: z.literal('versionStatus'), pipeline: text, versionLabel: label }),
    z.object({
      action: z.literal('startDeploy'),
      pipeline: text,
      versionLabel: label,
      startedWith: guardedInput,
    }),
    z.object({
      action: z.literal('deployStatus'),
      pipeline: text,
      versionLabel: label,
      startedAt: timestamp,
    }),
    z.object({ action: z.literal('currentVersion'), pipeline: text }),
    z.object({
      action: z.literal('rollback'),
      pipeline: text,
      versionLabel: label,
      startedWith: guardedInput,
    }),
  ],
  {
    error:
      'action must be one of createVersion, versionStatus, startDeploy, deployStatus, currentVersion, rollback',
  },
);
export type BeanstalkDeployEvent = z.infer<typeof beanstalkDeployEvent>;
