import { loadConfig } from '../../functions/commons/config/load-config';
import { stateMachineName } from '../../functions/commons/types/pipeline-input';
import * as schema from '../../functions/commons/config/schema';
import {
  BRANCH,
  buildRoutes,
  PIPELINE_NAME,
  REPOSITORY,
  routesForRepository,
  routesFromEnv,
  RoutesConfigError,
  validateRoutes,
} from '../../functions/github-webhook/routes';
import { arnFor, ROUTES } from './support';

describe('buildRoutes', () => {
  test('builds one route per pipeline of pipelines.yaml', () => {
    // Prepare
    const config = loadConfig();

    // Act
    const routes = buildRoutes(
      config,
      (pipeline) => `arn:aws:states:eu-west-1:123456789012:stateMachine:${stateMachineName(pipeline)}`,
    );

    // Assess
    expect(routes).toEqual([
      {
        pipeline: 'retail-bank',
        repository: 'example-org/retail-bank',
        branch: 'main',
        stateMachineArn: arnFor('retail-bank'),
      },
      {
        pipeline: 'microblog',
        repository: 'example-org/microblog',
        branch: 'main',
        stateMachineArn: arnFor('microblog'),
      },
    ]);
  });

  test('refuses an ARN function that does not give state machine ARNs', () => {
    expect(() => buildRoutes(loadConfig(), (pipeline) => `deploy-${pipeline}`)).toThrow(
      /buildRoutes\[0\]\.stateMachineArn must be a state machine ARN/,
    );
  });
});

describe('routesFromEnv', () => {
  test('parses PIPELINE_ROUTES', () => {
    expect(routesFromEnv(JSON.stringify(ROUTES))).toEqual(ROUTES);
  });

  test('drops nothing it needs and keeps nothing else', () => {
    const [route] = routesFromEnv(JSON.stringify([{ ...ROUTES[0] }]));
    expect(Object.keys(route!).sort()).toEqual(['branch', 'pipeline', 'repository', 'stateMachineArn']);
  });

  test.each([
    [undefined, 'PIPELINE_ROUTES is not set'],
    ['', 'PIPELINE_ROUTES is not set'],
    ['{nope', 'PIPELINE_ROUTES is not valid JSON'],
    ['{"pipeline":"x"}', 'must be a JSON array of {pipeline, repository, branch, stateMachineArn}'],
    ['[]', 'must list at least one route'],
    ['[42]', 'PIPELINE_ROUTES[0] must be an object'],
    [
      JSON.stringify([{ ...ROUTES[0], repository: 'no-slash' }]),
      'PIPELINE_ROUTES[0].repository must be a GitHub repository as owner/name',
    ],
    [
      JSON.stringify([{ ...ROUTES[0], branch: 'has space' }]),
      'PIPELINE_ROUTES[0].branch must be a branch name',
    ],
    [
      JSON.stringify([{ ...ROUTES[0], pipeline: 'bad name!' }]),
      'PIPELINE_ROUTES[0].pipeline must be 3-32 lower-case letters',
    ],
    [
      JSON.stringify([{ ...ROUTES[0], stateMachineArn: 'arn:aws:lambda:eu-west-1:123456789012:function:x' }]),
      'PIPELINE_ROUTES[0].stateMachineArn must be a state machine ARN',
    ],
    [JSON.stringify([{ ...ROUTES[0], extra: 1 }]), 'PIPELINE_ROUTES[0] has unknown field(s) extra'],
    [JSON.stringify([ROUTES[0], ROUTES[0]]), 'PIPELINE_ROUTES[1].pipeline "retail-bank" is listed twice'],
  ])('%j -> %s', (text, message) => {
    expect(() => routesFromEnv(text)).toThrow(RoutesConfigError);
    expect(() => routesFromEnv(text)).toThrow(message);
  });

  test('lists every problem at once', () => {
    const error = (() => {
      try {
        validateRoutes([{ pipeline: 'ok', repository: 'x', branch: '', stateMachineArn: 'y' }]);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).toMatch(/repository.*; .*branch.*; .*stateMachineArn/);
  });

  test('accepts ARNs of other partitions (GovCloud, China)', () => {
    const arns = [
      'arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:deploy-a',
      'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:deploy-a',
    ];
    for (const stateMachineArn of arns)
      expect(validateRoutes([{ ...ROUTES[0], stateMachineArn }])).toHaveLength(1);
  });
});

test('routesForRepository matches case-insensitively and returns every branch', () => {
  const routes = [...ROUTES, { ...ROUTES[0]!, pipeline: 'retail-bank-staging', branch: 'develop' }];
  expect(routesForRepository(routes, 'EXAMPLE-ORG/Retail-Bank').map((r) => r.pipeline)).toEqual([
    'retail-bank',
    'retail-bank-staging',
  ]);
  expect(routesForRepository(routes, 'example-org/other')).toEqual([]);
});

test('route rules are the configuration schema rules (copied only to keep zod out of the bundle)', () => {
  expect(PIPELINE_NAME.source).toBe(schema.PIPELINE_NAME.source);
  expect(REPOSITORY.source).toBe(schema.REPOSITORY.source);
  expect(BRANCH.source).toBe(schema.BRANCH.source);
});
