import { missingParameter } from '../../../local/aws/required-parameters';

it('a JSON call without a required member gets ValidationException naming it, never undefined', () => {
  const error = missingParameter({
    service: 'ssm',
    operation: 'GetCommandInvocation',
    input: { CommandId: 'c' },
  });
  expect(error).toMatchObject({
    code: 'ValidationException',
    status: 400,
    message:
      "1 validation error detected: Value null at 'instanceId' failed to satisfy constraint: Member must not be null",
  });
  expect(
    missingParameter({ service: 'codebuild', operation: 'ListBuildsForProject', input: {} })?.message,
  ).toContain("'projectName'");
});

it('an awsQuery call without a required member gets MissingParameter', () => {
  expect(
    missingParameter({ service: 'elasticbeanstalk', operation: 'CreateApplicationVersion', input: {} }),
  ).toMatchObject({ code: 'MissingParameter', status: 400 });
});

it('calls with their required members, and operations with none, pass', () => {
  expect(missingParameter({ service: 'ssm', operation: 'ListCommands', input: {} })).toBeUndefined();
  expect(
    missingParameter({
      service: 'ssm',
      operation: 'GetCommandInvocation',
      input: { CommandId: 'c', InstanceId: 'i' },
    }),
  ).toBeUndefined();
});
