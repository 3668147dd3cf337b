/**
 * Elastic Beanstalk's wire API (awsQuery, Version 2010-12-01, XML answers) over the simulated
 * applications and environments.
 */
import type { QueryService } from '../../aws/server';
import { ServiceError } from '../../aws/service-error';
import { pageOf } from '../pagination';
import { SEVERITY_ORDER, XMLNS, type BeanstalkSimulator, type EbEnvironment } from './model';

/**
 * DescribeEnvironmentHealth / DescribeInstancesHealth name no environment: AWS answers
 * InvalidRequestException, "One or more input parameters is not valid. Please correct the input
 * parameters and try the operation again." (API reference, DescribeEnvironmentHealth, Errors; the
 * request members say "You must specify either this or an EnvironmentName, or both").
 */
function environmentOf(
  beanstalk: BeanstalkSimulator,
  input: { EnvironmentName?: string; EnvironmentId?: string },
): EbEnvironment {
  if (!input.EnvironmentName && !input.EnvironmentId)
    throw new ServiceError(
      'InvalidRequestException',
      'One or more input parameters is not valid. Please correct the input parameters and try the operation again.',
    );
  return beanstalk.env(input.EnvironmentName, input.EnvironmentId);
}

/** Keeps the attributes asked for (`All`: every one); `always` are kept regardless. */
function selectAttributes<T extends Record<string, unknown>>(
  value: T,
  names: string[] | undefined,
  always: readonly string[],
): Partial<T> {
  if (names?.includes('All')) return value;
  const keep = new Set([...always, ...(names ?? [])]);
  return Object.fromEntries(Object.entries(value).filter(([key]) => keep.has(key))) as Partial<T>;
}

/** `NextToken` errors of Elastic Beanstalk's paged describes (API reference: InvalidParameterValue). */
const badToken = () => new ServiceError('InvalidParameterValue', 'Invalid NextToken');

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
        const env = environmentOf(beanstalk, input);
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
      /**
       * DescribeEnvironmentHealth
       * (https://docs.aws.amazon.com/elasticbeanstalk/latest/api/API_DescribeEnvironmentHealth.html):
       * "If no attribute names are specified, returns the name of the environment".
       */
      DescribeEnvironmentHealth: (input: {
        EnvironmentName?: string;
        EnvironmentId?: string;
        AttributeNames?: string[];
      }) => {
        const env = environmentOf(beanstalk, input);
        const canary = env.deployment?.canaryPercent;
        const failing = env.healthStatus === 'Degraded' || env.healthStatus === 'Severe';
        const health = {
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
        return selectAttributes(health, input.AttributeNames, ['EnvironmentName']);
      },
      /**
       * DescribeInstancesHealth
       * (https://docs.aws.amazon.com/elasticbeanstalk/latest/api/API_DescribeInstancesHealth.html):
       * one SingleInstanceHealth per instance; "If no attribute names are specified, returns a list
       * of instances" (InstanceId only).
       */
      DescribeInstancesHealth: (input: {
        EnvironmentName?: string;
        EnvironmentId?: string;
        AttributeNames?: string[];
        NextToken?: string;
      }) => {
        const env = environmentOf(beanstalk, input);
        const all = beanstalk.instancesOf(env).map((instance) =>
          selectAttributes(
            {
              InstanceId: instance.id,
              HealthStatus: instance.healthStatus,
              Color: instance.color,
              Causes: instance.causes,
              LaunchedAt: instance.launchedAt,
              ApplicationMetrics: {
                Duration: 10,
                RequestCount: 600,
                StatusCodes: {
                  Status2xx: instance.color === 'Green' ? 598 : 550,
                  Status3xx: 0,
                  Status4xx: 2,
                  Status5xx: instance.color === 'Green' ? 0 : 48,
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
              System: {
                CPUUtilization: {
                  User: 12.5,
                  Nice: 0,
                  System: 3.1,
                  Idle: 84,
                  IOWait: 0.4,
                  IRQ: 0,
                  SoftIRQ: 0,
                },
                LoadAverage: [0.12, 0.09, 0.05],
              },
              Deployment: {
                VersionLabel: instance.versionLabel,
                DeploymentId: instance.deploymentId,
                Status: 'Deployed',
                DeploymentTime: instance.launchedAt,
              },
              AvailabilityZone: instance.availabilityZone,
              InstanceType: 't3.small',
            },
            input.AttributeNames,
            ['InstanceId'],
          ),
        );
        const page = pageOf(all, input.NextToken, 100, `eb:instances:${env.id}`, badToken);
        return {
          InstanceHealthList: page.items,
          RefreshedAt: new Date(),
          ...(page.next && { NextToken: page.next }),
        };
      },
      /**
       * DescribeApplications
       * (https://docs.aws.amazon.com/elasticbeanstalk/latest/api/API_DescribeApplications.html):
       * every application, or those named in ApplicationNames (unknown names are left out).
       */
      DescribeApplications: (input: { ApplicationNames?: string[] }) => ({
        Applications: [...beanstalk.applications.keys()]
          .filter((name) => !input.ApplicationNames?.length || input.ApplicationNames.includes(name))
          .map((name) => beanstalk.describeApplication(name)),
      }),
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
      /**
       * DescribeApplicationVersions
       * (https://docs.aws.amazon.com/elasticbeanstalk/latest/api/API_DescribeApplicationVersions.html):
       * newest first, MaxRecords 1-1000 per page with NextToken.
       */
      DescribeApplicationVersions: (input: {
        ApplicationName?: string;
        VersionLabels?: string[];
        MaxRecords?: string;
        NextToken?: string;
      }) => {
        const apps = input.ApplicationName
          ? [[input.ApplicationName, beanstalk.app(input.ApplicationName)] as const]
          : [...beanstalk.applications];
        const versions = apps
          .flatMap(([application, versions]) =>
            [...versions.values()]
              .filter((v) => !input.VersionLabels?.length || input.VersionLabels.includes(v.label))
              .map((v) => beanstalk.describeVersion(application, v)),
          )
          .reverse();
        const page = pageOf(
          versions,
          input.NextToken,
          input.MaxRecords === undefined ? 1000 : Number(input.MaxRecords),
          `eb:versions:${input.ApplicationName ?? ''}`,
          badToken,
        );
        return { ApplicationVersions: page.items, ...(page.next && { NextToken: page.next }) };
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
