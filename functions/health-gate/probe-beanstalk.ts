/** Reads an Elastic Beanstalk environment's status and health and judges it (beanstalk-health.ts). */
import {
  DescribeEnvironmentHealthCommand,
  DescribeEnvironmentsCommand,
  type ElasticBeanstalkClient,
} from '@aws-sdk/client-elastic-beanstalk';
import type { ElasticBeanstalkTarget, PipelineSettings } from '../commons/config/schema';
import { TargetNotFoundError } from '../commons/errors';
import type { HealthFinding } from '../commons/types/tasks';
import { judgeEnvironment, type EnvironmentHealthView } from './beanstalk-health';

/** Findings for the pipeline's environment; TargetNotFoundError when it does not exist. */
export async function probeBeanstalk(
  client: ElasticBeanstalkClient,
  target: ElasticBeanstalkTarget,
  health: PipelineSettings['health'],
): Promise<HealthFinding[]> {
  const { Environments = [] } = await client.send(
    new DescribeEnvironmentsCommand({
      ApplicationName: target.application,
      EnvironmentNames: [target.environment],
      IncludeDeleted: false,
    }),
  );
  const env = Environments.find((e) => e.EnvironmentName === target.environment && e.Status !== 'Terminated');
  if (!env) {
    throw new TargetNotFoundError(
      `Elastic Beanstalk environment ${target.environment} not found in application ${target.application}`,
    );
  }
  return judgeEnvironment(
    target.environment,
    env,
    await readEnhancedHealth(client, target.environment),
    health.allowedEnvironmentHealth,
  );
}

/** Enhanced health, or null when the environment only has basic health reporting. */
async function readEnhancedHealth(
  client: ElasticBeanstalkClient,
  environmentName: string,
): Promise<EnvironmentHealthView | null> {
  try {
    return await client.send(
      new DescribeEnvironmentHealthCommand({
        EnvironmentName: environmentName,
        AttributeNames: ['Status', 'Color', 'HealthStatus', 'Causes'],
      }),
    );
  } catch (error) {
    // Beanstalk answers InvalidRequestException when enhanced health reporting is off.
    if ((error as { name?: string }).name === 'InvalidRequestException') return null;
    throw error;
  }
}
