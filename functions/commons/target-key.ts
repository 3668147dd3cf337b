/**
 * The identity of a deploy target. Two pipelines that deploy into the same Elastic Beanstalk
 * environment or the same tagged fleet get the same key, so they share one deploy lock.
 */
import type { DeployTarget, PipelineSettings } from './config/schema';

/** `eb:<application>/<environment>` or `ec2:<tagKey>=<tagValue>`. */
export function targetKeyOf(settings: Pick<PipelineSettings, 'target'> | DeployTarget): string {
  const target = 'target' in settings ? settings.target : settings;
  switch (target.kind) {
    case 'elastic-beanstalk':
      return `eb:${target.application}/${target.environment}`;
    case 'ec2-ssm':
      return `ec2:${target.instanceTag.key}=${target.instanceTag.value}`;
  }
}
