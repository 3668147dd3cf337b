import { EventBridgeModel } from '../../../local/services/events/model';
import { eventBridgeService } from '../../../local/services/events/provider';

const ctx = { requestId: 'r', region: 'us-east-1' };
const PIPELINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:deploy-microblog';

it('ListRules lists the notifier rule and the managed .sync rules, by prefix and in pages', () => {
  // Prepare
  const api = eventBridgeService(new EventBridgeModel('us-east-1', '123456789012', [PIPELINE])).operations;
  // Act
  const all = api.ListRules!({}, ctx) as {
    Rules: { Name: string; EventPattern: string; ManagedBy?: string }[];
  };
  const first = api.ListRules!({ Limit: 2 }, ctx) as { Rules: unknown[]; NextToken?: string };
  const rest = api.ListRules!({ Limit: 2, NextToken: first.NextToken }, ctx) as {
    Rules: unknown[];
    NextToken?: string;
  };
  // Assess
  expect(all.Rules.map((r) => r.Name)).toEqual([
    'DeployController-PipelineStatusRule',
    'StepFunctionsGetEventsForCodeBuildStartBuildRule',
    'StepFunctionsGetEventsForStepFunctionsExecutionRule',
  ]);
  expect(JSON.parse(all.Rules[0]!.EventPattern)).toMatchObject({ detail: { stateMachineArn: [PIPELINE] } });
  expect(all.Rules[1]!.ManagedBy).toBe('states.amazonaws.com');
  expect([first.Rules.length, rest.Rules.length, rest.NextToken]).toEqual([2, 1, undefined]);
  expect((api.ListRules!({ NamePrefix: 'Deploy' }, ctx) as { Rules: unknown[] }).Rules).toHaveLength(1);
  expect(() => api.ListRules!({ EventBusName: 'other' }, ctx)).toThrow(
    expect.objectContaining({ code: 'ResourceNotFoundException' }),
  );
});

it('PutEvents keeps accepted entries and fails malformed ones on their own', () => {
  const model = new EventBridgeModel('us-east-1', '123456789012', []);
  const out = eventBridgeService(model).operations.PutEvents!(
    {
      Entries: [
        { Source: 's', DetailType: 'd', Detail: '{"a":1}' },
        { Source: 's', DetailType: 'd', Detail: '{' },
      ],
    },
    ctx,
  ) as { FailedEntryCount: number };
  expect(out.FailedEntryCount).toBe(1);
  expect(model.events).toHaveLength(1);
});
