/**
 * CodeBuild projects of one pipeline: build + unit tests (JUnit report group, packaged artifact
 * written to the artifacts bucket under the pipeline's prefix) and the dependency scan. Both
 * check out the pipeline's GitHub repository; the state machine starts them at the pushed commit.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  BuildSpec,
  ComputeType,
  LinuxBuildImage,
  Project,
  ReportGroup,
  ReportGroupType,
  Source,
} from 'aws-cdk-lib/aws-codebuild';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { parse as parseYaml } from 'yaml';
import type { PipelineSettings } from '../../functions/commons/config/schema';
import { acknowledge } from '../nag';
import { PROJECT_ROOT } from './functions';

/** The buildspec files that ship with the controller. */
export const BUILDSPEC_FILES = {
  build: resolve(PROJECT_ROOT, 'buildspecs/build-and-test.yml'),
  scan: resolve(PROJECT_ROOT, 'buildspecs/dependency-scan.yml'),
} as const;

/** A buildspec file as an object (CodeBuild gets it inline as YAML). */
export function readBuildspec(path: string): Record<string, unknown> {
  const parsed: unknown = parseYaml(readFileSync(path, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`${path} is not a buildspec mapping`);
  return parsed as Record<string, unknown>;
}

/** Names of the `reports:` groups a buildspec writes (CodeBuild prefixes them with the project name). */
export function reportGroupKeys(buildspec: Record<string, unknown>): string[] {
  const reports = buildspec['reports'];
  return reports && typeof reports === 'object' ? Object.keys(reports) : [];
}

/** Project names: `deploy-<pipeline>-build` and `deploy-<pipeline>-scan`. */
export function buildProjectNames(pipeline: string): { build: string; scan: string } {
  return { build: `deploy-${pipeline}-build`, scan: `deploy-${pipeline}-scan` };
}

export interface BuildProjectsProps {
  settings: PipelineSettings;
  artifactsBucket: IBucket;
  logRetention: RetentionDays;
}

export class PipelineBuildProjects extends Construct {
  readonly buildProject: Project;
  readonly scanProject: Project;

  constructor(scope: Construct, id: string, props: BuildProjectsProps) {
    super(scope, id);
    const { settings, artifactsBucket } = props;
    const [owner, repo] = settings.repository.split('/') as [string, string];
    const names = buildProjectNames(settings.name);
    // Defaults for a build started by hand; the state machine overrides them per run (commit, key).
    const environmentVariables = {
      PIPELINE: { value: settings.name },
      PYTHON_VERSION: { value: settings.build.pythonVersion },
      REQUIREMENTS_FILE: { value: settings.build.requirementsFile },
      TEST_PATH: { value: settings.build.testPath },
      TARGET_KIND: { value: settings.target.kind },
      ARTIFACT_BUCKET: { value: artifactsBucket.bucketName },
      FAIL_ON: { value: settings.scan.failOn },
    };
    const environment = {
      buildImage: LinuxBuildImage.STANDARD_7_0,
      computeType: ComputeType.SMALL,
      privileged: false,
    };
    const source = () => Source.gitHub({ owner, repo, webhook: false, reportBuildStatus: false });

    // An app repository may bring its own buildspec (settings.build.buildspec); else ours, inline.
    const ownBuildspec = readBuildspec(BUILDSPEC_FILES.build);
    const buildSpec = settings.build.buildspec
      ? BuildSpec.fromSourceFilename(settings.build.buildspec)
      : BuildSpec.fromObjectToYaml(ownBuildspec);
    const buildLogs = new LogGroup(this, 'BuildLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.buildProject = new Project(this, 'Build', {
      projectName: names.build,
      description: `Build and unit tests of ${settings.repository} for pipeline ${settings.name}`,
      source: source(),
      buildSpec,
      environment,
      environmentVariables,
      timeout: Duration.minutes(settings.build.timeoutMinutes),
      logging: { cloudWatch: { logGroup: buildLogs } },
    });
    // The JUnit results: one report group per `reports:` key, named as CodeBuild names them.
    const reportKeys = settings.build.buildspec ? ['unit-tests'] : reportGroupKeys(ownBuildspec);
    for (const key of reportKeys) {
      const group = new ReportGroup(this, `Report-${key}`, {
        reportGroupName: `${names.build}-${key}`,
        type: ReportGroupType.TEST,
        removalPolicy: RemovalPolicy.DESTROY,
        zipExport: false,
      });
      group.grantWrite(this.buildProject);
    }
    // The build uploads the packaged release itself, under its pipeline's prefix only.
    this.buildProject.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [artifactsBucket.arnForObjects(`${settings.name}/*`)],
      }),
    );

    const scanLogs = new LogGroup(this, 'ScanLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.scanProject = new Project(this, 'Scan', {
      projectName: names.scan,
      description: `Dependency vulnerability scan of ${settings.repository} (fails on ${settings.scan.failOn} or worse)`,
      source: source(),
      buildSpec: BuildSpec.fromObjectToYaml(readBuildspec(BUILDSPEC_FILES.scan)),
      environment,
      environmentVariables,
      timeout: Duration.minutes(settings.scan.timeoutMinutes),
      logging: { cloudWatch: { logGroup: scanLogs } },
    });

    for (const project of [this.buildProject, this.scanProject]) {
      acknowledge(project, {
        id: 'AwsSolutions-CB4',
        reason:
          'Build outputs leave the project only through the SSE-S3 encrypted artifacts bucket; CodeBuild encrypts its own cache and logs with the AWS managed key, which is enough for public dependency builds.',
      });
    }
  }
}
