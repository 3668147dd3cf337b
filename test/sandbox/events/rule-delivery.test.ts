/**
 * Service events to rule targets: EventBridge pattern matching, delivery to the rule's function
 * with Lambda's asynchronous retries, events lost on the way (a fault), and the SSM rule the world
 * declares for wait-router.
 */
import { SimClock } from '../../../local/clock';
import { EventBridgeModel } from '../../../local/services/events/model';
import { matchesPattern } from '../../../local/services/events/pattern';
import { RuleTargetDelivery } from '../../../local/services/events/rule-delivery';
import { ssmCommandEventPattern } from '../../../functions/wait-router/service-events';

const PIPELINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:deploy-microblog';
const detail = (status: string, documentName = 'release') => ({
  'command-id': '11111111-2222-3333-4444-555555555555',
  'document-name': documentName,
  status,
});

describe('event patterns', () => {
  const pattern = ssmCommandEventPattern('release');
  const event = (status: string, documentName?: string) => ({
    source: 'aws.ssm',
    'detail-type': 'EC2 Command Status-change Notification',
    detail: detail(status, documentName),
  });

  it('matches every listed field by one of its values, nested objects field by field', () => {
    expect(matchesPattern(pattern, event('Success'))).toBe(true);
    expect(matchesPattern(pattern, event('Failed'))).toBe(true);
    expect(matchesPattern(pattern, event('InProgress'))).toBe(false);
    expect(matchesPattern(pattern, event('Success', 'AWS-RunShellScript'))).toBe(false);
    expect(matchesPattern(pattern, { ...event('Success'), source: 'aws.ec2' })).toBe(false);
    expect(matchesPattern(pattern, { source: 'aws.ssm', 'detail-type': 'x' })).toBe(false);
  });

  it('an array value in the event matches when any element is listed', () => {
    expect(matchesPattern({ resources: ['a', 'b'] }, { resources: ['c', 'b'] })).toBe(true);
    expect(matchesPattern({ resources: ['a'] }, { resources: ['c'] })).toBe(false);
  });
});

describe('rule target delivery', () => {
  let clock: SimClock;
  let model: EventBridgeModel;
  let invoked: { name: string; event: Record<string, unknown> }[];
  let fail: number;

  beforeEach(() => {
    // Prepare
    clock = new SimClock(100_000);
    model = new EventBridgeModel('us-east-1', '123456789012', [PIPELINE]);
    model.addFunctionRule(
      { Name: 'SsmRule', EventPattern: ssmCommandEventPattern('release'), Description: 'to the router' },
      'wait-router',
    );
    invoked = [];
    fail = 0;
  });
  afterEach(() => clock.stop());

  const delivery = (drop = false) =>
    new RuleTargetDelivery({
      clock,
      model,
      region: 'us-east-1',
      account: '123456789012',
      drop: () => drop,
      lambda: {
        invoke: async (name: string, event: unknown) => {
          invoked.push({ name, event: event as Record<string, unknown> });
          if (fail-- > 0) return { errorType: 'Error', errorMessage: 'boom' };
          return { payload: null };
        },
      } as never,
    });
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 2));
  };

  it('delivers a matching event to the rule function as the envelope a target receives', async () => {
    // Act
    const routed = delivery();
    model.emit({
      source: 'aws.ssm',
      detailType: 'EC2 Command Status-change Notification',
      detail: detail('Success'),
      resources: ['arn:i'],
    });
    model.emit({
      source: 'aws.ssm',
      detailType: 'EC2 Command Status-change Notification',
      detail: detail('InProgress'),
      resources: [],
    });
    await until(() => routed.idle && invoked.length > 0);

    // Assess
    expect(invoked).toHaveLength(1);
    expect(invoked[0]).toEqual({
      name: 'wait-router',
      event: {
        version: '0',
        id: expect.any(String),
        'detail-type': 'EC2 Command Status-change Notification',
        source: 'aws.ssm',
        account: '123456789012',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        region: 'us-east-1',
        resources: ['arn:i'],
        detail: detail('Success'),
      },
    });
    expect(routed.deliveries.map((d) => d.state)).toEqual(['delivered']);
    expect(model.rules.map((r) => r.Name)).toContain('SsmRule');
  });

  it('retries a failed invocation twice, then gives up', async () => {
    // Prepare
    fail = 5;
    const routed = delivery();
    // Act
    model.emit({
      source: 'aws.ssm',
      detailType: 'EC2 Command Status-change Notification',
      detail: detail('Failed'),
      resources: [],
    });
    await until(() => routed.deliveries[0]?.state === 'failed');
    // Assess
    expect(routed.deliveries[0]).toMatchObject({ state: 'failed', attempts: 3, lastError: 'Error: boom' });
  });

  it('a lost event never reaches the function', async () => {
    // Act
    const routed = delivery(true);
    model.emit({
      source: 'aws.ssm',
      detailType: 'EC2 Command Status-change Notification',
      detail: detail('Success'),
      resources: [],
    });
    await new Promise((r) => setTimeout(r, 10));
    // Assess
    expect(invoked).toEqual([]);
    expect(routed.deliveries.map((d) => d.state)).toEqual(['dropped']);
  });
});
