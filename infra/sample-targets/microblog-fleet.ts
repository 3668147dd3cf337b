/**
 * The sample microblog target: three t4g.small Amazon Linux 2023 instances tagged with the
 * pipeline's instance tag, managed by SSM (no SSH, no key pair), IMDSv2 only, encrypted gp3 root
 * volumes, nginx on :80 in front of gunicorn. The instance role may read this pipeline's releases
 * from the artifacts bucket and write the release output to the controller's log group.
 */
import { ArnFormat, Stack, Tags } from 'aws-cdk-lib';
import {
  BlockDeviceVolume,
  EbsDeviceVolumeType,
  Instance,
  InstanceClass,
  InstanceSize,
  InstanceType,
  MachineImage,
  AmazonLinuxCpuType,
  Peer,
  Port,
  SecurityGroup,
  UserData,
  type IVpc,
} from 'aws-cdk-lib/aws-ec2';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { Ec2SsmTarget } from '../../functions/commons/config/schema';
import { acknowledge } from '../nag';
import { microblogUserData } from './microblog-user-data';

export const FLEET_SIZE = 3;

export interface MicroblogFleetProps {
  vpc: IVpc;
  pipeline: string;
  target: Ec2SsmTarget;
  pythonVersion: string;
  artifactsBucket: IBucket;
  commandOutputLogs: ILogGroup;
  ingressCidr: string;
}

export class MicroblogFleet extends Construct {
  readonly instances: Instance[] = [];
  readonly role: Role;
  readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: MicroblogFleetProps) {
    super(scope, id);
    const { target, vpc } = props;
    this.role = new Role(this, 'InstanceRole', {
      assumedBy: new ServicePrincipal('ec2.amazonaws.com'),
      description: `${props.pipeline} instances: SSM agent, release download, command output`,
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    acknowledge(this.role, {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      reason:
        'The AWS-maintained SSM agent policy follows the agent as it changes; it is the documented minimum for managed instances.',
    });
    // The release tarballs of this pipeline only (the SSM document runs `aws s3 cp`).
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [props.artifactsBucket.arnForObjects(`${props.pipeline}/*`)],
      }),
    );
    props.commandOutputLogs.grantWrite(this.role);
    // The SSM agent creates the output log group before it streams, or, refused, looks it up; if
    // neither works it turns streaming off (amazon-ssm-agent,
    // agent/framework/processor/executer/iohandler/iohandler.go and
    // agent/agentlogstocloudwatch/cloudwatchlogspublisher/cloudwatchlogsservice.go CreateLogGroup).
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogGroup'],
        resources: [
          Stack.of(this).formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: props.commandOutputLogs.logGroupName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    // DescribeLogGroups has no resource-level permission (Service Authorization Reference).
    this.role.addToPolicy(new PolicyStatement({ actions: ['logs:DescribeLogGroups'], resources: ['*'] }));

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `${props.pipeline} web servers: HTTP in, HTTPS/HTTP out for SSM and packages`,
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(Peer.ipv4(props.ingressCidr), Port.tcp(80), 'HTTP to nginx');
    this.securityGroup.addEgressRule(
      Peer.anyIpv4(),
      Port.tcp(443),
      'SSM, S3, CloudWatch Logs and package mirrors',
    );
    this.securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(80), 'Amazon Linux package mirrors');
    if (props.ingressCidr === '0.0.0.0/0') {
      acknowledge(this.securityGroup, {
        id: 'AwsSolutions-EC23',
        reason:
          'The sample web app is public by design (the pipeline smoke test calls it from outside); only port 80 is open. Narrow it with -c ingressCidr=<cidr>.',
      });
    }

    const userData = UserData.forLinux();
    userData.addCommands(...microblogUserData(target, props.pythonVersion));
    const subnets = vpc.publicSubnets;
    for (let i = 0; i < FLEET_SIZE; i++) {
      const instance = new Instance(this, `Instance${i + 1}`, {
        vpc,
        vpcSubnets: { subnets: [subnets[i % subnets.length]!] },
        instanceType: InstanceType.of(InstanceClass.T4G, InstanceSize.SMALL),
        machineImage: MachineImage.latestAmazonLinux2023({ cpuType: AmazonLinuxCpuType.ARM_64 }),
        role: this.role,
        securityGroup: this.securityGroup,
        userData,
        requireImdsv2: true,
        detailedMonitoring: true,
        ssmSessionPermissions: false,
        blockDevices: [
          {
            deviceName: '/dev/xvda',
            volume: BlockDeviceVolume.ebs(20, { encrypted: true, volumeType: EbsDeviceVolumeType.GP3 }),
          },
        ],
      });
      Tags.of(instance).add(target.instanceTag.key, target.instanceTag.value);
      Tags.of(instance).add('Name', `${props.pipeline}-${i + 1}`);
      acknowledge(instance, {
        id: 'AwsSolutions-EC29',
        reason:
          'Sample fleet meant to be torn down with the stack; instances are cattle (releases come from the artifacts bucket), so termination protection would only block cdk destroy.',
      });
      this.instances.push(instance);
    }
  }
}
