/**
 * Optional sample targets (`-c sampleTargets=true`) so a newcomer can watch real deployments:
 * the Elastic Beanstalk environment of every elastic-beanstalk pipeline and an EC2 fleet for
 * every ec2-ssm pipeline of pipelines.yaml, in one small VPC.
 */
import { Fn, Stack, type StackProps } from 'aws-cdk-lib';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { PipelinesConfig } from '../functions/commons/config/schema';
import { DEFAULT_SOLUTION_STACK, SampleBeanstalk } from './sample-targets/beanstalk';
import { MicroblogFleet } from './sample-targets/microblog-fleet';
import { SampleNetwork } from './sample-targets/network';

/** An IPv4 CIDR such as 203.0.113.0/24. */
const CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;

/** Export names of the controller stack that the sample targets import. */
export function exportNames(controllerStackName: string): {
  artifactsBucketArn: string;
  commandOutputLogGroup: string;
} {
  return {
    artifactsBucketArn: `${controllerStackName}-ArtifactsBucketArn`,
    commandOutputLogGroup: `${controllerStackName}-SsmCommandOutputLogGroup`,
  };
}

export interface SampleTargetsStackProps extends StackProps {
  config: PipelinesConfig;
  /** Name of the controller stack whose exports (artifacts bucket, command output log group) the targets use. */
  controllerStackName: string;
  /** Elastic Beanstalk solution stack (default: Python 3.11 on Amazon Linux 2023). */
  solutionStackName?: string;
  /** Who may reach the sample apps on port 80 (default 0.0.0.0/0: the smoke tests call them). */
  ingressCidr?: string;
}

export class SampleTargetsStack extends Stack {
  readonly network: SampleNetwork;
  readonly beanstalk: SampleBeanstalk[] = [];
  readonly fleets: MicroblogFleet[] = [];

  constructor(scope: Construct, id: string, props: SampleTargetsStackProps) {
    super(scope, id, props);
    const ingressCidr = props.ingressCidr ?? '0.0.0.0/0';
    if (!CIDR.test(ingressCidr))
      throw new Error(`ingressCidr must be an IPv4 CIDR such as 203.0.113.0/24, got "${ingressCidr}"`);
    this.network = new SampleNetwork(this, 'Network');
    // Explicit imports (not construct references): the stacks deploy and update independently,
    // and the policies read the same before and after synthesis.
    const artifactsBucket = Bucket.fromBucketArn(
      this,
      'ArtifactsBucket',
      Fn.importValue(exportNames(props.controllerStackName).artifactsBucketArn),
    );
    const commandOutputLogs = LogGroup.fromLogGroupName(
      this,
      'CommandOutputLogs',
      Fn.importValue(exportNames(props.controllerStackName).commandOutputLogGroup),
    );
    for (const pipeline of props.config.pipelines) {
      const target = pipeline.target;
      if (target.kind === 'elastic-beanstalk') {
        this.beanstalk.push(
          new SampleBeanstalk(this, `Beanstalk-${pipeline.name}`, {
            vpc: this.network.vpc,
            target,
            solutionStackName: props.solutionStackName ?? DEFAULT_SOLUTION_STACK,
            ingressCidr,
            pipeline: pipeline.name,
            artifactsBucket,
          }),
        );
      } else {
        this.fleets.push(
          new MicroblogFleet(this, `Fleet-${pipeline.name}`, {
            vpc: this.network.vpc,
            pipeline: pipeline.name,
            target,
            pythonVersion: pipeline.build.pythonVersion,
            artifactsBucket,
            commandOutputLogs,
            ingressCidr,
          }),
        );
      }
    }
  }
}
