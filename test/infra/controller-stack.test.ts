/**
 * The controller stack, synthesized offline once (esbuild bundles locally): the security-relevant
 * properties of every resource, the function bundles, the outputs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AssetStaging } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { parse as parseYaml } from 'yaml';
import { METRICS_NAMESPACE, MetricNames } from '../../functions/commons/metrics';
import { TABLES } from '../../functions/commons/tables';
import { API_THROTTLE } from '../../infra/constructs/api';
import { FUNCTION_NAMES, manifestOf, pascalCase } from '../../infra/constructs/function-catalog';
import { NOTIFIED_STATUSES } from '../../infra/constructs/notifications';
import { asList, resourcesOf, ROOT, synthesize, type Synthesized } from './support/synth';

let s: Synthesized;
beforeAll(() => {
  s = synthesize();
}, 600_000);
afterAll(() => s?.cleanup());

const functionIdPrefix = (name: string) => `Functions${pascalCase(name)}`;
function lambdaOf(name: string): [string, Record<string, any>] {
  const found = resourcesOf(s.template, 'AWS::Lambda::Function').filter(
    ([id]) => id.startsWith(functionIdPrefix(name)) && !id.includes('Role'),
  );
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('artifacts and access-log buckets', () => {
  test('both are encrypted, private, TLS-only, versioned and retained', () => {
    const buckets = s.template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets)).toHaveLength(2);
    for (const [id, bucket] of Object.entries(buckets) as [string, any][]) {
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(
        bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault
          .SSEAlgorithm,
      ).toBe('AES256');
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
    // autoDeleteObjects would add a custom resource that empties the bucket: it must not exist.
    expect(s.template.findResources('Custom::S3AutoDeleteObjects')).toEqual({});
  });

  test('the artifacts bucket logs access to the logs bucket and expires old artifacts', () => {
    const [[, artifacts]] = resourcesOf(s.template, 'AWS::S3::Bucket').filter(([id]) =>
      id.includes('ArtifactsBucket'),
    ) as [[string, any]];
    const [[logsId]] = resourcesOf(s.template, 'AWS::S3::Bucket').filter(([id]) =>
      id.includes('AccessLogsBucket'),
    ) as [[string, any]];
    expect(artifacts.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logsId },
      LogFilePrefix: 'artifacts/',
    });
    expect(artifacts.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({
        Status: 'Enabled',
        ExpirationInDays: 90,
        NoncurrentVersionExpiration: { NoncurrentDays: 7 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      }),
    ]);
  });
});

describe('DynamoDB tables (from functions/commons/tables.ts)', () => {
  test.each(TABLES.map((t) => [t.id, t] as const))(
    '%s: keys, indexes, TTL, on-demand, PITR, encryption',
    (_id, design) => {
      const matches = resourcesOf(s.template, 'AWS::DynamoDB::Table').filter(([id]) =>
        id.startsWith(`Storage${design.id}Table`),
      );
      expect(matches).toHaveLength(1);
      const [, table] = matches[0]!;
      expect(table.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.SSESpecification).toEqual({ SSEEnabled: true });
      const keys = [
        { AttributeName: design.partitionKey.name, KeyType: 'HASH' },
        ...(design.sortKey ? [{ AttributeName: design.sortKey.name, KeyType: 'RANGE' }] : []),
      ];
      expect(table.KeySchema).toEqual(keys);
      expect(
        (table.LocalSecondaryIndexes ?? []).map((i: any) => [i.IndexName, i.KeySchema[1].AttributeName]),
      ).toEqual((design.localSecondaryIndexes ?? []).map((i) => [i.indexName, i.sortKey.name]));
      expect(table.TimeToLiveSpecification).toEqual(
        design.timeToLiveAttribute ? { AttributeName: design.timeToLiveAttribute, Enabled: true } : undefined,
      );
    },
  );

  test('the deployment history survives a stack deletion', () => {
    const history = Object.entries(s.template.findResources('AWS::DynamoDB::Table')).find(([id]) =>
      id.startsWith('StorageDeployHistoryTable'),
    );
    expect((history?.[1] as any).DeletionPolicy).toBe('Retain');
  });
});

describe('HTTP API', () => {
  test('the default stage throttles and writes JSON access logs to a log group with retention', () => {
    const [[, stage]] = resourcesOf(s.template, 'AWS::ApiGatewayV2::Stage') as [[string, any]];
    expect(stage.StageName).toBe('$default');
    expect(stage.AutoDeploy).toBe(true);
    expect(stage.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: API_THROTTLE.rateLimit,
      ThrottlingBurstLimit: API_THROTTLE.burstLimit,
    });
    const format = JSON.parse(stage.AccessLogSettings.Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      routeKey: '$context.routeKey',
    });
    const logGroupId = stage.AccessLogSettings.DestinationArn['Fn::GetAtt'][0] as string;
    expect(s.template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(30);
  });

  test('exactly the three routes, each integrated with its function', () => {
    const routes = resourcesOf(s.template, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.RouteKey as string);
    expect(routes.sort()).toEqual([
      'GET /approvals/{approvalId}',
      'POST /approvals/{approvalId}',
      'POST /webhooks/github',
    ]);
    const [webhookId] = lambdaOf('github-webhook');
    // API Gateway may only invoke through this API.
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [webhookId, 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
      SourceArn: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
    });
  });
});

/** Functions that read pipeline settings at run time (the others get what they need in the event or env). */
const READS_SETTINGS = [
  'deploy-lock',
  'health-gate',
  'beanstalk-deploy',
  'ssm-deploy',
  'verify',
  'approval-request',
  'notifier',
] as const;

describe('functions', () => {
  test.each([...FUNCTION_NAMES])(
    '%s: nodejs22.x on arm64, traced, source maps, sized, own log group',
    (name) => {
      const [, fn] = lambdaOf(name);
      expect(fn.Runtime).toBe('nodejs22.x');
      expect(fn.Architectures).toEqual(['arm64']);
      expect(fn.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
      expect(fn.MemorySize).toBe(manifestOf(name).memoryMb);
      expect(fn.Timeout).toBe(manifestOf(name).timeoutSeconds);
      expect(fn.ReservedConcurrentExecutions).toBe(manifestOf(name).reservedConcurrency);
      const logGroupId = fn.LoggingConfig.LogGroup.Ref as string;
      expect(s.template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(30);
    },
  );

  test('the functions the internet or a burst can drive have reserved concurrency', () => {
    for (const name of ['github-webhook', 'approval-callback', 'notifier'] as const)
      expect(lambdaOf(name)[1].ReservedConcurrentExecutions).toBeGreaterThan(0);
  });

  test('every bundle loads on Node 22 as CommonJS with the SDK inside and the settings inlined', () => {
    const assets = s.controller.node
      .findAll()
      .flatMap((c) =>
        c instanceof AssetStaging && c.node.path.includes('/Functions/')
          ? [{ path: c.node.path, dir: c.absoluteStagedPath }]
          : [],
      );
    expect(assets).toHaveLength(FUNCTION_NAMES.length);
    for (const { path, dir } of assets) {
      const code = readFileSync(join(dir, 'index.js'), 'utf8');
      // CommonJS (no ESM syntax), every settings lookup replaced by the inlined configuration.
      expect({
        path,
        esm: /^import |\bexport \{/m.test(code),
        unreplaced: code.includes('process.env.PIPELINES_JSON'),
      }).toEqual({ path, esm: false, unreplaced: false });
      if (READS_SETTINGS.some((name) => path.includes(`/Functions/${pascalCase(name)}/`)))
        expect({ path, inlined: code.includes('retail-bank') }).toEqual({ path, inlined: true });
      const run = spawnSync(
        process.execPath,
        [
          '-e',
          `const m = require(${JSON.stringify(join(dir, 'index.js'))}); if (typeof m.handler !== 'function') process.exit(3);`,
        ],
        {
          env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', POWERTOOLS_LOG_LEVEL: 'SILENT' },
          encoding: 'utf8',
        },
      );
      if (run.status !== 0) throw new Error(`${path} does not load: ${run.stderr}`);
    }
  });

  test('the webhook gets routes for every pipeline, resolved at deploy time', () => {
    const [, fn] = lambdaOf('github-webhook');
    const routes = fn.Environment.Variables.PIPELINE_ROUTES['Fn::Sub'] as string;
    const parsed = JSON.parse(routes) as { pipeline: string; stateMachineArn: string }[];
    expect(parsed.map((r) => r.pipeline)).toEqual(s.config.pipelines.map((p) => p.name));
    for (const r of parsed)
      expect(r.stateMachineArn).toBe(
        `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:deploy-${r.pipeline}`,
      );
  });
});

/** Environment variables a handler documents at its top that infra deliberately leaves unset. */
const NOT_SET_IN_AWS: Record<string, string> = {
  PIPELINES_JSON: 'inlined into the bundle by esbuild define, not an environment variable',
  PIPELINES_FILE: 'local sandbox only',
  AWS_ENDPOINT_URL: 'local sandbox only',
  POWERTOOLS_SERVICE_NAME: 'set for every function',
  LOCK_LEASE_SECONDS: 'the default (2 h) covers the longest pipeline',
  HEALTH_CHECK_TIMEOUT_SECONDS: 'the default (60 s) stays under the health-gate timeout (120 s)',
  SLACK_TIMEOUT_MS: 'the default (5 s x 3 attempts) stays under the notifier timeout (30 s)',
  GITHUB_API_URL: 'github.com by default; set for GitHub Enterprise',
  SMOKE_TEST_BACKOFF_MS: 'the default backoff (1 s, doubling) fits the verify timeout',
  PIPELINE_UPPER_SNAKE: 'part of the SMOKE_TEST_URL_OVERRIDE_<PIPELINE_UPPER_SNAKE> pattern',
  TIMED_OUT: 'an execution status named in the comment, not a variable',
  CONSOLE_BASE_URL: 'sandbox only: in AWS execution links go to the Step Functions console',
  DEPLOY_CONTROLLER_SANDBOX: 'sandbox only: notices name sandbox commands (no --aws)',
  SANDBOX_SPEEDUP: 'sandbox only: the approval page says how long simulated minutes are',
  SSM_OUTPUT_BUCKET:
    "optional: SSM's complete output in S3 needs grants for the instances and the function; without it notices name the CloudWatch Logs streams",
};
/** Variable name patterns that are local-only by design. */
const LOCAL_ONLY_PATTERNS = [/^SMOKE_TEST_URL_OVERRIDE_/];

describe('environment variables documented by each handler', () => {
  test.each([...FUNCTION_NAMES])(
    '%s: every documented variable is set, a local-only value, or defaulted on purpose',
    (name) => {
      const header =
        /^\/\*\*([\s\S]*?)\*\//.exec(
          readFileSync(join(ROOT, 'functions', name, 'handler.ts'), 'utf8'),
        )?.[1] ?? '';
      const documented = [
        ...new Set([...header.matchAll(/\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/g)].map((m) => m[1]!)),
      ];
      const set = Object.keys(lambdaOf(name)[1].Environment.Variables);
      const missing = documented.filter((v) => {
        if (
          set.includes(v) ||
          v in NOT_SET_IN_AWS ||
          v.startsWith('POWERTOOLS_') ||
          LOCAL_ONLY_PATTERNS.some((p) => p.test(v))
        )
          return false;
        // `<NAME>` plain values are the local stand-ins of `<NAME>_SECRET_ARN` / `<X>_SECRET_ARN` secrets.
        return !set.some(
          (e) => e.endsWith('_SECRET_ARN') && (e === `${v}_SECRET_ARN` || e.startsWith(v.split('_')[0]!)),
        );
      });
      expect(missing).toEqual([]);
    },
  );
});

describe('state machines', () => {
  test('one pipeline per configured pipeline plus the deploy sub-workflows, Standard, logged without data, traced', () => {
    const machines = resourcesOf(s.template, 'AWS::StepFunctions::StateMachine');
    const expected = [
      ...s.config.pipelines.map((p) => `deploy-${p.name}`),
      'deploy-beanstalk',
      'deploy-ssm',
    ].sort();
    expect(machines.map(([, m]) => m.StateMachineName).sort()).toEqual(expected);
    for (const [, m] of machines) {
      expect(m.StateMachineType).toBe('STANDARD');
      expect(m.TracingConfiguration).toEqual({ Enabled: true });
      expect(m.LoggingConfiguration.Level).toBe('ALL');
      expect(m.LoggingConfiguration.IncludeExecutionData).toBe(false);
      expect(m.LoggingConfiguration.Destinations).toHaveLength(1);
      expect(typeof m.DefinitionString).toBe('string'); // inline, not an S3 asset
    }
  });
});

describe('notifications', () => {
  test("the rule sends the pipelines' status changes to the notifier, with a dead-letter queue", () => {
    const [[, rule]] = resourcesOf(s.template, 'AWS::Events::Rule') as [[string, any]];
    expect(rule.EventPattern.source).toEqual(['aws.states']);
    expect(rule.EventPattern['detail-type']).toEqual(['Step Functions Execution Status Change']);
    expect(rule.EventPattern.detail.status).toEqual([...NOTIFIED_STATUSES]);
    const pipelineIds = resourcesOf(s.template, 'AWS::StepFunctions::StateMachine')
      .filter(([, m]) => /^deploy-(?!beanstalk$|ssm$)/.test(m.StateMachineName))
      .map(([id]) => id);
    expect(rule.EventPattern.detail.stateMachineArn).toEqual(
      expect.arrayContaining(pipelineIds.map((id) => ({ Ref: id }))),
    );
    expect(rule.EventPattern.detail.stateMachineArn).toHaveLength(s.config.pipelines.length);
    const [notifierId] = lambdaOf('notifier');
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [notifierId, 'Arn'] },
        DeadLetterConfig: expect.any(Object),
      }),
    ]);
  });

  test('asynchronous invocations retry twice within an hour, then land in the encrypted TLS-only queue', () => {
    const [[, queueId]] = [resourcesOf(s.template, 'AWS::SQS::Queue').map(([id]) => [null, id])[0]!] as [
      [null, string],
    ];
    const [notifierId] = lambdaOf('notifier');
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: notifierId },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    s.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
    });
  });
});

describe('secrets', () => {
  test('four secrets, every value generated by Secrets Manager, none written in the template', () => {
    const secrets = resourcesOf(s.template, 'AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(4);
    for (const [, secret] of secrets) {
      expect(secret.SecretString).toBeUndefined();
      expect(secret.GenerateSecretString).toEqual(expect.objectContaining({ ExcludePunctuation: true }));
    }
    expect(JSON.stringify(s.template.toJSON())).not.toMatch(
      /hooks\.slack\.com|ghp_[A-Za-z0-9]{10}|github_pat_/,
    );
  });
});

describe('CodeBuild', () => {
  test.each([['retail-bank'], ['microblog']])(
    '%s: build and scan projects on the GitHub repository, inline buildspecs, JUnit report group',
    (pipeline) => {
      const settings = s.config.pipelines.find((p) => p.name === pipeline)!;
      const projects = resourcesOf(s.template, 'AWS::CodeBuild::Project').filter(([, p]) =>
        String(p.Name).startsWith(`deploy-${pipeline}-`),
      );
      expect(projects.map(([, p]) => p.Name).sort()).toEqual([
        `deploy-${pipeline}-build`,
        `deploy-${pipeline}-scan`,
      ]);
      for (const [, project] of projects) {
        expect(project.Source.Type).toBe('GITHUB');
        expect(project.Source.Location).toBe(`https://github.com/${settings.repository}.git`);
        expect(project.Environment.PrivilegedMode).toBe(false);
        const file = String(project.Name).endsWith('-build') ? 'build-and-test.yml' : 'dependency-scan.yml';
        expect(parseYaml(project.Source.BuildSpec)).toEqual(
          parseYaml(readFileSync(join(ROOT, 'buildspecs', file), 'utf8')),
        );
      }
      s.template.hasResourceProperties('AWS::CodeBuild::ReportGroup', {
        Name: `deploy-${pipeline}-build-unit-tests`,
        Type: 'TEST',
      });
    },
  );
});

describe('SSM Command document', () => {
  test('is the project file, as a Command document of schema 2.2', () => {
    const [[, doc]] = resourcesOf(s.template, 'AWS::SSM::Document') as [[string, any]];
    expect(doc.DocumentType).toBe('Command');
    expect(doc.Content).toEqual(
      parseYaml(readFileSync(join(ROOT, 'ssm-documents/release-systemd-service.yaml'), 'utf8')),
    );
    const [, ssmDeploy] = lambdaOf('ssm-deploy');
    expect(ssmDeploy.Environment.Variables.SSM_DOCUMENT_NAME).toEqual({
      Ref: resourcesOf(s.template, 'AWS::SSM::Document')[0]![0],
    });
  });
});

describe('dashboard, alarms and outputs', () => {
  test('the dashboard shows every delivery metric in its namespace, the webhook and the functions', () => {
    const [[, dashboard]] = resourcesOf(s.template, 'AWS::CloudWatch::Dashboard') as [[string, any]];
    const body = JSON.stringify(dashboard.DashboardBody);
    for (const name of Object.values(MetricNames)) expect(body).toContain(name);
    expect(body).toContain(METRICS_NAMESPACE);
    for (const metric of ['4xx', '5xx', 'Errors', 'Duration', 'ExecutionsFailed'])
      expect(body).toContain(metric);
  });

  test('alarms: function errors, state machine failures, webhook 5xx, dead-letter queue', () => {
    const alarms = resourcesOf(s.template, 'AWS::CloudWatch::Alarm');
    expect(alarms.filter(([, a]) => a.MetricName === 'Errors' && a.Namespace === 'AWS/Lambda')).toHaveLength(
      FUNCTION_NAMES.length,
    );
    expect(
      alarms.filter(([, a]) => JSON.stringify(a.Metrics ?? []).includes('ExecutionsFailed')),
    ).toHaveLength(4);
    expect(alarms.filter(([, a]) => a.MetricName === '5xx' && a.Namespace === 'AWS/ApiGateway')).toHaveLength(
      1,
    );
    expect(alarms.filter(([, a]) => a.MetricName === 'ApproximateNumberOfMessagesVisible')).toHaveLength(1);
  });

  test('outputs name the webhook URL, the approval base, the secrets and the console pages', () => {
    const outputs = s.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    for (const key of [
      'WebhookUrl',
      'ApprovalBaseUrl',
      'GithubWebhookSecretName',
      'SlackWebhookSecretName',
      'GithubTokenSecretName',
      'DashboardUrl',
    ]) {
      expect(outputs[key]).toBeDefined();
    }
    expect(JSON.stringify(outputs['WebhookUrl']!.Value)).toContain('/webhooks/github');
    expect(Object.keys(outputs).filter((k) => k.startsWith('StateMachineConsole'))).toHaveLength(
      s.config.pipelines.length,
    );
    expect(asList(outputs['DashboardUrl']!.Value)).toBeDefined();
  });
});
