/**
 * Elastic Beanstalk's wire API (awsQuery, Version 2010-12-01, XML answers) over the simulated
 * applications and environments.
 */
import type { QueryService } from '../../aws/server';
import { ServiceError } from '../../aws/service-error';
import { SEVERITY_ORDER, XMLNS, type BeanstalkSimulator } from './model';

/** The Elastic Beanstalk service answering from `beanstalk`. */
export function elasticBeanstalkProvider(beanstalk: BeanstalkSimulator): QueryService {
  return {
    name: 'elasticbeanstalk',
    version: '2010-12-01',
    xmlns: XMLNS,
    operations: {
      DescribeEnvironments: (input: {
        ApplicationName?: string;
        EnvironmentNames?: string[];
        EnvironmentIds?: string[];
        IncludeDeleted?: string;
      }) => {
        const envs = [...beanstalk.environments.values()].filter(
          (e) =>
            (!input.ApplicationName || e.application === input.ApplicationName) &&
            (!input.EnvironmentNames?.length || input.EnvironmentNames.includes(e.name)) &&
            (!input.EnvironmentIds?.length || input.EnvironmentIds.includes(e.id)),
        );
        return { Environments: envs.map((e) => beanstalk.describeEnv(e)) };
      },
      // The environment's configuration as the sample stack creates it (infra/sample-targets/
      // beanstalk.ts): an Application Load Balancer and enhanced health, which traffic-splitting
      // deployments need (Elastic Beanstalk developer guide, "Deployment policies and settings").
      DescribeConfigurationSettings: (input: { ApplicationName?: string; EnvironmentName?: string }) => {
        const env = beanstalk.env(input.EnvironmentName);
        const option = (Namespace: string, OptionName: string, Value: string) => ({
          Namespace,
          OptionName,
          Value,
        });
        return {
          ConfigurationSettings: [
            {
              ApplicationName: env.application,
              EnvironmentName: env.name,
              DeploymentStatus: 'deployed',
              OptionSettings: [
                option('aws:elasticbeanstalk:environment', 'EnvironmentType', 'LoadBalanced'),
                option('aws:elasticbeanstalk:environment', 'LoadBalancerType', 'application'),
                option('aws:elasticbeanstalk:healthreporting:system', 'SystemType', 'enhanced'),
              ],
            },
          ],
        };
      },
      DescribeEnvironmentHealth: (input: { EnvironmentName?: string; EnvironmentId?: string }) => {
        const env = beanstalk.env(input.EnvironmentName, input.EnvironmentId);
        const canary = env.deployment?.canaryPercent;
        const failing = env.healthStatus === 'Degraded' || env.healthStatus === 'Severe';
        return {
          EnvironmentName: env.name,
          HealthStatus: env.healthStatus,
          Status: env.status,
          Color: env.health,
          Causes: env.causes,
          ApplicationMetrics: {
            Duration: 10,
            RequestCount: 1200,
            StatusCodes: {
              Status2xx: failing ? 1100 : 1196,
              Status3xx: 0,
              Status4xx: 4,
              Status5xx: failing ? 96 : 0,
            },
            Latency: {
              P999: 0.9,
              P99: 0.31,
              P95: 0.12,
              P90: 0.08,
              P85: 0.06,
              P75: 0.04,
              P50: 0.02,
              P10: 0.005,
            },
          },
          InstancesHealth: {
            NoData: 0,
            Unknown: 0,
            Pending: 0,
            Ok: failing ? env.instances - 1 : env.instances + (canary ? 1 : 0),
            Info: 0,
            Warning: 0,
            Degraded: failing ? 1 : 0,
            Severe: 0,
          },
          RefreshedAt: new Date(),
        };
      },
      DescribeEvents: (input: {
        ApplicationName?: string;
        EnvironmentName?: string;
        VersionLabel?: string;
        Severity?: string;
        StartTime?: string;
        EndTime?: string;
        MaxRecords?: string;
      }) => {
        const min = input.Severity ? SEVERITY_ORDER.indexOf(input.Severity) : 0;
        const start = input.StartTime ? Date.parse(input.StartTime) : -Infinity;
        const end = input.EndTime ? Date.parse(input.EndTime) : Infinity;
        const max = input.MaxRecords ? Number(input.MaxRecords) : 1000;
        const events = beanstalk.events
          .filter(
            (e) =>
              (!input.ApplicationName || e.ApplicationName === input.ApplicationName) &&
              (!input.EnvironmentName || e.EnvironmentName === input.EnvironmentName) &&
              (!input.VersionLabel || e.VersionLabel === input.VersionLabel) &&
              SEVERITY_ORDER.indexOf(e.Severity) >= min &&
              e.EventDate.getTime() >= start &&
              e.EventDate.getTime() < end,
          )
          .reverse()
          .slice(0, max);
        return { Events: events };
      },
      CreateApplicationVersion: (input: Record<string, unknown>) => beanstalk.createVersion(input),
      DescribeApplicationVersions: (input: { ApplicationName?: string; VersionLabels?: string[] }) => {
        const apps = input.ApplicationName
          ? [[input.ApplicationName, beanstalk.app(input.ApplicationName)] as const]
          : [...beanstalk.applications];
        const versions = apps.flatMap(([application, versions]) =>
          [...versions.values()]
            .filter((v) => !input.VersionLabels?.length || input.VersionLabels.includes(v.label))
            .map((v) => beanstalk.describeVersion(application, v)),
        );
        return { ApplicationVersions: versions.reverse() };
      },
      DeleteApplicationVersion: (input: { ApplicationName?: string; VersionLabel?: string }) => {
        const versions = beanstalk.app(input.ApplicationName);
        const label = String(input.VersionLabel ?? '');
        if (!versions.has(label))
          throw new ServiceError('InvalidParameterValue', `No Application Version named '${label}' found.`);
        const users = [...beanstalk.environments.values()].filter(
          (e) => e.versionLabel === label || e.deployment?.versionLabel === label,
        );
        if (users.length)
          throw new ServiceError(
            'InvalidParameterValue',
            `Unable to delete application version '${label}' because it is being used by environment(s): ${users.map((e) => e.name).join(', ')}`,
          );
        versions.delete(label);
        return {};
      },
      UpdateEnvironment: (input: Record<string, unknown>) => beanstalk.update(input),
    },
  };
}
