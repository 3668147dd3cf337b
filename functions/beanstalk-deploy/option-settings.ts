/** UpdateEnvironment option settings for the canary deploy and for the rollback. */
import type { ConfigurationOptionSetting } from '@aws-sdk/client-elastic-beanstalk';
import type { ElasticBeanstalkTarget } from '../commons/config/schema';

const COMMAND = 'aws:elasticbeanstalk:command';
const TRAFFIC_SPLITTING = 'aws:elasticbeanstalk:trafficsplitting';

/**
 * TrafficSplitting: Beanstalk launches a full new fleet, sends `percent` of requests to it for
 * `evaluationMinutes`, then shifts everything, or shifts back and terminates it by itself.
 */
export function canaryOptionSettings(target: ElasticBeanstalkTarget): ConfigurationOptionSetting[] {
  return [
    { Namespace: COMMAND, OptionName: 'DeploymentPolicy', Value: 'TrafficSplitting' },
    { Namespace: TRAFFIC_SPLITTING, OptionName: 'NewVersionPercent', Value: String(target.canary.percent) },
    {
      Namespace: TRAFFIC_SPLITTING,
      OptionName: 'EvaluationTime',
      Value: String(target.canary.evaluationMinutes),
    },
  ];
}

/**
 * Rollback uses Immutable, not AllAtOnce: the known-good version goes onto a fresh fleet and
 * traffic moves only once it passes health checks, so the rollback never takes the site down and
 * a rollback that fails leaves the environment as it was. AllAtOnce would restore a few minutes
 * sooner but with an outage, and a failed AllAtOnce leaves every instance broken. A second canary
 * (TrafficSplitting) would only add an evaluation window to a version we already trust.
 */
export function rollbackOptionSettings(): ConfigurationOptionSetting[] {
  return [{ Namespace: COMMAND, OptionName: 'DeploymentPolicy', Value: 'Immutable' }];
}
