/**
 * wait-router for resources that change again and again, against a real table engine (so the
 * conditional claims are DynamoDB's): a Beanstalk environment's "resource status change" event and
 * the canary's or rollback's token, or a pipeline's alarms and the bake's token, meet in the
 * TaskWaits table in either order; an event ends at most one wait, never one registered after a
 * newer update (or the bake) began, and an update that only started ends none.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { TaskWaitsTable } from '../../functions/commons/tables';
import { waitRouter, type WaitRouterDependencies } from '../../functions/wait-router/handler';
import { waitStore } from '../../functions/wait-router/wait-store';
import { watchStore } from '../../functions/wait-router/watch-store';
import { DynaliteEngine } from '../../local/services/dynamodb/dynalite';
import { createTableInput } from '../../local/services/dynamodb/tables';

const sfnMock = mockClient(SFNClient);
let engine: DynaliteEngine;
let table = 0;
let deps: WaitRouterDependencies;

beforeAll(async () => {
  engine = await DynaliteEngine.start();
});
afterAll(() => engine?.close());

beforeEach(async () => {
  // Prepare: a fresh TaskWaits table per test, SendTaskSuccess answering OK.
  const name = `task-waits-${++table}`;
  await engine.call('CreateTable', createTableInput(TaskWaitsTable, name));
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${engine.port}`,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
    }),
  );
  sfnMock.reset();
  sfnMock.on(SendTaskSuccessCommand).resolves({});
  deps = {
    sfn: new SFNClient({ region: 'us-east-1' }),
    store: waitStore(client, { table: name }),
    watches: watchStore(client, { table: name }),
  };
});

const WAIT_KEY = 'eb-environment/retail-bank/retail-bank-prod';
const DEPLOY_AT = '2026-11-20T10:20:00.000Z';

/** Beanstalk's event as EventBridge hands it to the rule's target (EB developer guide example shape). */
function ebEvent(status: string, at: string, id = `ev-${status}-${at}`, environment = 'retail-bank-prod') {
  return {
    version: '0',
    id,
    'detail-type': 'Elastic Beanstalk resource status change',
    source: 'aws.elasticbeanstalk',
    account: '123456789012',
    time: at.replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [`arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/retail-bank/${environment}`],
    detail: {
      Status: status,
      EventDate: Date.parse(at),
      ApplicationName: 'retail-bank',
      Message: status.endsWith('failed')
        ? 'Failed to deploy application.'
        : 'Environment update completed successfully.',
      EnvironmentName: environment,
      Severity: status.endsWith('failed') ? 'ERROR' : 'INFO',
    },
  };
}
const register = (taskToken: string, since = DEPLOY_AT) => ({
  action: 'register',
  kind: 'eb-environment',
  application: 'retail-bank',
  environment: 'retail-bank-prod',
  since,
  taskToken,
  pipeline: 'retail-bank',
});
const resumedWith = (taskToken: string, status: string) =>
  expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
    taskToken,
    output: JSON.stringify({ waitKey: WAIT_KEY, status }),
  });

describe('wait-router: Elastic Beanstalk environment waits', () => {
  test('the update outcome event resumes the task waiting on its environment', async () => {
    // Act
    const registered = await waitRouter(register('token-1'), deps);
    const routed = await waitRouter(ebEvent('Environment update failed', '2026-11-20T10:29:00.000Z'), deps);

    // Assess
    expect(registered).toEqual({ waitKey: WAIT_KEY, resumed: false });
    expect(routed).toEqual({ waitKey: WAIT_KEY, resumed: true });
    resumedWith('token-1', 'Environment update failed');
  });

  test('an environment that settled before the token was registered resumes the task at once', async () => {
    // Act
    const routed = await waitRouter(
      ebEvent('Environment update successful', '2026-11-20T10:20:05.000Z'),
      deps,
    );
    const registered = await waitRouter(register('token-1'), deps);

    // Assess
    expect(routed.resumed).toBe(false);
    expect(registered).toEqual({ waitKey: WAIT_KEY, resumed: true });
    resumedWith('token-1', 'Environment update successful');
  });

  test("an older update's event does not end a wait registered for a newer update", async () => {
    // Act: the previous deploy's outcome, then the rollback's wait (requested later).
    await waitRouter(ebEvent('Environment update failed', '2026-11-20T10:29:00.000Z'), deps);
    const registered = await waitRouter(register('token-2', '2026-11-20T10:30:00.000Z'), deps);

    // Assess
    expect(registered.resumed).toBe(false);
    expect(sfnMock).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  test('one event ends one wait: the wait registered again after a status read stays waiting', async () => {
    // Prepare: the event ended the first wait.
    await waitRouter(register('token-1'), deps);
    await waitRouter(ebEvent('Environment update successful', '2026-11-20T10:29:00.000Z'), deps);

    // Act: the sub-workflow read "in-progress" (say, a stale describe) and waits again.
    const again = await waitRouter(register('token-2'), deps);
    const duplicate = await waitRouter(
      ebEvent('Environment update successful', '2026-11-20T10:29:00.000Z'),
      deps,
    );

    // Assess
    expect(again.resumed).toBe(false);
    expect(duplicate.resumed).toBe(false);
    expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  test('an update that only started ends no wait; another environment ends none of this one', async () => {
    // Act
    await waitRouter(register('token-1'), deps);
    const started = await waitRouter(ebEvent('Environment update started', '2026-11-20T10:20:01.000Z'), deps);
    const other = await waitRouter(
      ebEvent('Environment update successful', '2026-11-20T10:25:00.000Z', 'ev-x', 'retail-bank-test'),
      deps,
    );

    // Assess
    expect(started).toEqual({ resumed: false });
    expect(other).toEqual({ waitKey: 'eb-environment/retail-bank/retail-bank-test', resumed: false });
    expect(sfnMock).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  test('an event that reaches a token no longer waiting is kept for the next wait', async () => {
    // Prepare: the first wait ended by its safety poll (HeartbeatTimeout), so its token is dead.
    await waitRouter(register('token-1'), deps);
    sfnMock
      .on(SendTaskSuccessCommand, { taskToken: 'token-1' })
      .rejects(Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' }));

    // Act
    const routed = await waitRouter(
      ebEvent('Environment update successful', '2026-11-20T10:29:00.000Z'),
      deps,
    );
    const next = await waitRouter(register('token-2'), deps);

    // Assess
    expect(routed.resumed).toBe(false);
    expect(next.resumed).toBe(true);
    resumedWith('token-2', 'Environment update successful');
  });

  test('an event older than the one recorded (out of order) changes nothing', async () => {
    // Prepare
    await waitRouter(ebEvent('Environment update successful', '2026-11-20T10:29:00.000Z', 'ev-new'), deps);

    // Act
    const late = await waitRouter(
      ebEvent('Environment update failed', '2026-11-20T10:21:00.000Z', 'ev-old'),
      deps,
    );
    const registered = await waitRouter(register('token-1'), deps);

    // Assess: the newer event still ends the wait, with its own status.
    expect(late.resumed).toBe(false);
    expect(registered.resumed).toBe(true);
    resumedWith('token-1', 'Environment update successful');
  });

  test('a register event with a bad environment or time is refused by field', async () => {
    // Act
    const error = await waitRouter(
      { ...register('secret-token'), environment: '', since: 'soon' },
      deps,
    ).catch((e: unknown) => e as Error);

    // Assess
    expect(error).toMatchObject({ name: 'InvalidEventError' });
    expect((error as Error).message).toMatch(/environment: must be a non-empty string/);
    expect((error as Error).message).toMatch(/since: must be an ISO 8601 timestamp/);
    expect((error as Error).message).not.toContain('secret-token');
  });
});

/** CloudWatch's alarm state change (CloudWatch User Guide, "Alarm events and EventBridge"). */
function alarmEvent(alarmName: string, value: string, at: string, id = `ev-${alarmName}-${value}-${at}`) {
  return {
    version: '0',
    id,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '123456789012',
    time: at.replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarmName}`],
    detail: {
      alarmName,
      configuration: { metrics: [] },
      previousState: { value: 'OK', reason: '', reasonData: '{}', timestamp: '2026-11-20T10:00:00.000+0000' },
      state: {
        value,
        reason: 'Threshold Crossed: 5 out of the last 5 datapoints were greater than the threshold (5.0).',
        reasonData: '{}',
        timestamp: at.replace(/Z$/, '+0000'),
      },
    },
  };
}
const BAKE_AT = '2026-11-20T10:40:00.000Z';
const bakeWait = (taskToken: string, alarms = ['retail-bank-5xx', 'retail-bank-latency-p99']) => ({
  action: 'register',
  kind: 'cloudwatch-alarms',
  alarms,
  since: BAKE_AT,
  taskToken,
  pipeline: 'retail-bank',
});

describe('wait-router: the bake window ends early on ALARM', () => {
  test("any of the pipeline's alarms going to ALARM resumes the bake at once", async () => {
    // Act
    const registered = await waitRouter(bakeWait('bake-1'), deps);
    const routed = await waitRouter(
      alarmEvent('retail-bank-latency-p99', 'ALARM', '2026-11-20T10:43:00.000Z'),
      deps,
    );

    // Assess
    expect(registered).toEqual({
      waitKey: 'cloudwatch-alarm/retail-bank-5xx,cloudwatch-alarm/retail-bank-latency-p99',
      resumed: false,
    });
    expect(routed).toEqual({ waitKey: 'cloudwatch-alarm/retail-bank-latency-p99', resumed: true });
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: 'bake-1',
      output: JSON.stringify({ waitKey: 'cloudwatch-alarm/retail-bank-latency-p99', status: 'ALARM' }),
    });
  });

  test('an alarm that fired after the bake began but before the wait registered ends it at once', async () => {
    // Act
    await waitRouter(alarmEvent('retail-bank-5xx', 'ALARM', '2026-11-20T10:40:30.000Z'), deps);
    const registered = await waitRouter(bakeWait('bake-1'), deps);

    // Assess
    expect(registered.resumed).toBe(true);
  });

  test('an alarm back to OK, one that fired before the bake, or a second wait after the check end nothing', async () => {
    // Act: fired during the deploy (the bake's first check sees it in ALARM anyway), then OK.
    await waitRouter(alarmEvent('retail-bank-5xx', 'ALARM', '2026-11-20T10:30:00.000Z'), deps);
    const before = await waitRouter(bakeWait('bake-1'), deps);
    const ok = await waitRouter(alarmEvent('retail-bank-5xx', 'OK', '2026-11-20T10:41:00.000Z'), deps);
    // Fired in the bake and resumed the wait; the check found it OK again and waits once more.
    const fired = await waitRouter(alarmEvent('retail-bank-5xx', 'ALARM', '2026-11-20T10:42:00.000Z'), deps);
    const again = await waitRouter(bakeWait('bake-2'), deps);

    // Assess
    expect(before.resumed).toBe(false);
    expect(ok).toEqual({ resumed: false });
    expect(fired.resumed).toBe(true);
    expect(again.resumed).toBe(false);
    expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  test('a pipeline with no alarms waits for the end of the bake only', async () => {
    await expect(waitRouter(bakeWait('bake-1', []), deps)).resolves.toEqual({ waitKey: '', resumed: false });
  });
});
