/**
 * The one registry of AWS services behind the sandbox's :4566 endpoint: each service's provider
 * (its wire API) over its model in the world. Adding a service means its folder under
 * local/services/ and one line here.
 */
import type { JsonService, QueryService, RawRequest, RawResponse } from '../aws/server';
import type { StepFunctionsEngine } from '../sfn/engine';
import { stepFunctionsService } from '../sfn/service';
import type { TaskTokens } from '../sfn/task-tokens';
import type { World } from '../world';
import { cloudWatchQueryService, cloudWatchService } from './cloudwatch/provider';
import { codeBuildProvider } from './codebuild/provider';
import { dynamoDbProvider } from './dynamodb/provider';
import { elasticBeanstalkProvider } from './elasticbeanstalk/provider';
import { eventBridgeService } from './events/provider';
import { S3Provider, s3Operation } from './s3/provider';
import { secretsManagerService } from './secretsmanager/provider';
import { ssmProvider } from './ssm/provider';

/** Every service the endpoint answers, by protocol. */
export interface ServiceRegistry {
  /** JSON 1.0 / 1.1 services by `X-Amz-Target` prefix. */
  jsonServices: JsonService[];
  /** awsQuery services by `Version`. */
  queryServices: QueryService[];
  /** S3's REST API. */
  s3: (request: RawRequest) => RawResponse;
  /** S3 operation names for the request pipeline. */
  s3Operation: (request: RawRequest) => string;
}

/** The services over `world`, with Step Functions over `engine` and `tokens`. */
export function serviceRegistry(
  world: World,
  engine: StepFunctionsEngine,
  tokens: TaskTokens,
): ServiceRegistry {
  const s3 = new S3Provider(world.s3);
  return {
    jsonServices: [
      stepFunctionsService(engine, tokens),
      ssmProvider(world.fleet),
      codeBuildProvider(world.codebuild),
      dynamoDbProvider(world.dynamodb),
      secretsManagerService(world.secrets),
      cloudWatchService(world.alarms),
      eventBridgeService(world.events),
    ],
    queryServices: [elasticBeanstalkProvider(world.beanstalk), cloudWatchQueryService(world.alarms)],
    s3: (request) => s3.handle(request),
    s3Operation,
  };
}
