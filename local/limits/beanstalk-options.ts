/**
 * Elastic Beanstalk option ranges that no service model carries: UpdateEnvironment's OptionSettings
 * are free-form (Namespace, OptionName, Value strings), and Beanstalk checks each value against
 * the option's documented range before it changes anything.
 *
 * Ranges (EB developer guide, "General options for all environments"):
 * - aws:elasticbeanstalk:trafficsplitting NewVersionPercent: 1 to 100 (default 10);
 *   EvaluationTime: 3 to 600 minutes (default 5);
 * - aws:elasticbeanstalk:command DeploymentPolicy: AllAtOnce | Rolling | RollingWithAdditionalBatch
 *   | Immutable | TrafficSplitting.
 * Refused as Beanstalk refuses a configuration: InvalidParameterValue, "Configuration validation
 * exception: Invalid option value: '<value>' (Namespace: '<namespace>', OptionName: '<name>'): …".
 */
import type { AwsCall } from '../aws/server';
import { ServiceError } from '../aws/service-error';

interface NumericOption {
  min: number;
  max: number;
}

const NUMERIC: Record<string, NumericOption> = {
  'aws:elasticbeanstalk:trafficsplitting:NewVersionPercent': { min: 1, max: 100 },
  'aws:elasticbeanstalk:trafficsplitting:EvaluationTime': { min: 3, max: 600 },
};
const CHOICES: Record<string, readonly string[]> = {
  'aws:elasticbeanstalk:command:DeploymentPolicy': [
    'AllAtOnce',
    'Rolling',
    'RollingWithAdditionalBatch',
    'Immutable',
    'TrafficSplitting',
  ],
};

interface OptionSetting {
  Namespace?: string;
  OptionName?: string;
  Value?: string;
}

/** Why Beanstalk would refuse one option setting, or null. */
export function optionProblem(setting: OptionSetting): string | null {
  const key = `${setting.Namespace}:${setting.OptionName}`;
  const value = String(setting.Value ?? '');
  const where = `(Namespace: '${setting.Namespace}', OptionName: '${setting.OptionName}')`;
  const range = NUMERIC[key];
  if (range) {
    if (!/^-?[0-9]+$/.test(value))
      return `Invalid option value: '${value}' ${where}: Value is not an integer.`;
    const number = Number(value);
    if (number < range.min)
      return `Invalid option value: '${value}' ${where}: Value is less than minimum allowed value: ${range.min}`;
    if (number > range.max)
      return `Invalid option value: '${value}' ${where}: Value is greater than maximum allowed value: ${range.max}`;
  }
  const choices = CHOICES[key];
  if (choices && !choices.includes(value))
    return `Invalid option value: '${value}' ${where}: Value is not one of the allowed values: [${choices.join(', ')}]`;
  return null;
}

/** The request pipeline step for UpdateEnvironment's option settings. */
export function beanstalkOptionsCheck(call: AwsCall): ServiceError | undefined {
  if (call.service !== 'elasticbeanstalk' || call.operation !== 'UpdateEnvironment') return undefined;
  const settings = (call.input as { OptionSettings?: OptionSetting[] }).OptionSettings;
  if (!Array.isArray(settings)) return undefined;
  for (const setting of settings) {
    const problem = optionProblem(setting);
    if (problem)
      return new ServiceError('InvalidParameterValue', `Configuration validation exception: ${problem}`);
  }
  return undefined;
}
