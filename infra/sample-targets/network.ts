/**
 * The sample targets' network: two AZs, public subnets only, no NAT gateway. Instances get a
 * public IPv4 address so the SSM agent and dnf reach AWS and the package mirrors through the
 * internet gateway; nothing listens for SSH (the security groups open HTTP only, and shell access
 * is SSM Session Manager). This costs a public IPv4 per instance instead of a NAT gateway per AZ
 * (or three interface endpoints per AZ), which is right for a sample a newcomer stands up and
 * tears down. Flow logs record rejected and accepted traffic.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  IpAddresses,
  SubnetType,
  Vpc,
  type IVpc,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export class SampleNetwork extends Construct {
  // Typed as the interface: with exactOptionalPropertyTypes the Vpc class does not satisfy IVpc.
  readonly vpc: IVpc;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr('10.40.0.0/16'),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: true },
      ],
      restrictDefaultSecurityGroup: true,
    });
    this.vpc = vpc as unknown as IVpc;
    const flowLogs = new LogGroup(this, 'FlowLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: FlowLogTrafficType.ALL,
    });
  }
}
