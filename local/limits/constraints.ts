/**
 * Request member constraints of the AWS service models (local/limits/aws-constraints.json,
 * generated from botocore by scripts/generate-aws-constraints.ts), checked on every call to the
 * sandbox as AWS checks them before an operation runs: required members, string and blob lengths,
 * list and map sizes, numeric ranges, enums and patterns (a pattern must match the whole value).
 *
 * Refusals are worded as AWS's request validation words them: "1 validation error detected: Value
 * '…' at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal
 * to 50" (several joined with "; "), under the error code each service uses for invalid input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AwsCall, CallCheck } from '../aws/server';
import { ServiceError } from '../aws/service-error';
import { cutText } from '../../functions/commons/text';

interface Shape {
  type: string;
  required?: string[];
  members?: Record<string, string>;
  member?: string;
  value?: string;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
}
interface ServiceConstraints {
  model: string;
  protocol: string;
  operations: Record<string, string>;
  shapes: Record<string, Shape>;
}
export interface ConstraintsFile {
  services: Record<string, ServiceConstraints>;
}

/**
 * The error code each service answers a request validation failure with: JSON services
 * `ValidationException` (the code their models list for it, e.g. Step Functions and SSM); CodeBuild
 * `InvalidInputException` (its only input-error code in the model); awsQuery services (Elastic
 * Beanstalk, CloudWatch) `InvalidParameterValue`, and `MissingParameter` for a missing member; IAM
 * (awsQuery) `InvalidInput` (InvalidInputException's wire code in botocore's iam model, the input error
 * SimulatePrincipalPolicy lists).
 */
const INVALID_CODE: Record<string, string> = {
  codebuild: 'InvalidInputException',
  elasticbeanstalk: 'InvalidParameterValue',
  cloudwatch: 'InvalidParameterValue',
  iam: 'InvalidInput',
};
const QUERY_SERVICES = new Set(['elasticbeanstalk', 'cloudwatch', 'iam']);

/**
 * Step Functions' payload strings: "Length constraints apply to the payload size, and are expressed
 * as bytes in UTF-8 encoding" (botocore stepfunctions service-2.json, SensitiveData: StartExecution
 * input, SendTaskSuccess output). AWS refuses a larger one without echoing it: "1 validation error
 * detected: Value at 'input' failed to satisfy constraint: Member must have size less than or equal
 * to 262144 bytes in UTF-8 encoding" (the answer recorded from StartExecution).
 */
const utf8Sized = (service: ServiceConstraints, shapeName: string) =>
  service.model.startsWith('stepfunctions/') && shapeName === 'SensitiveData';
const NUMERIC = new Set(['integer', 'long', 'float', 'double']);

/** The checked-in constraints file. */
export function loadConstraints(path = join(__dirname, 'aws-constraints.json')): ConstraintsFile {
  return JSON.parse(readFileSync(path, 'utf8')) as ConstraintsFile;
}

const lowerCamel = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

function show(value: unknown): string {
  const text = Array.isArray(value)
    ? `[${value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ')}]`
    : typeof value === 'object' && value !== null
      ? JSON.stringify(value)
      : String(value);
  return cutText(text, 200, { ellipsis: '...' });
}

export interface Violation {
  path: string;
  /** A required member is absent. */
  missing?: boolean;
  message: string;
}

const compiled = new Map<string, RegExp>();
function patternOf(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`, 'u');
    compiled.set(pattern, re);
  }
  return re;
}

/** Every constraint `value` breaks against `shapeName`, with Coral-style paths. */
export function violations(
  service: ServiceConstraints,
  shapeName: string,
  value: unknown,
  path = '',
): Violation[] {
  const shape = service.shapes[shapeName];
  if (!shape || value === undefined || value === null) return [];
  const out: Violation[] = [];
  const fail = (constraint: string) =>
    out.push({
      path,
      message: `Value '${show(value)}' at '${path}' failed to satisfy constraint: ${constraint}`,
    });
  const sized = (size: number, what: 'length' | 'value') => {
    if (shape.min !== undefined && size < shape.min)
      fail(`Member must have ${what} greater than or equal to ${shape.min}`);
    if (shape.max !== undefined && size > shape.max)
      fail(`Member must have ${what} less than or equal to ${shape.max}`);
  };
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) return out;
      const record = value as Record<string, unknown>;
      for (const name of shape.required ?? []) {
        const member = record[name];
        if (member === undefined || member === null) {
          const at = path ? `${path}.${lowerCamel(name)}` : lowerCamel(name);
          out.push({
            path: at,
            missing: true,
            message: `Value null at '${at}' failed to satisfy constraint: Member must not be null`,
          });
        }
      }
      for (const [name, memberShape] of Object.entries(shape.members ?? {})) {
        const at = path ? `${path}.${lowerCamel(name)}` : lowerCamel(name);
        out.push(...violations(service, memberShape, record[name], at));
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) return out;
      sized(value.length, 'length');
      value.forEach((item, index) =>
        out.push(...violations(service, shape.member!, item, `${path}.${index + 1}.member`)),
      );
      return out;
    }
    case 'map': {
      if (typeof value !== 'object') return out;
      const entries = Object.entries(value as Record<string, unknown>);
      sized(entries.length, 'length');
      for (const [key, item] of entries)
        out.push(...violations(service, shape.value!, item, `${path}.${key}.member`));
      return out;
    }
    case 'string': {
      const text = String(value);
      if (utf8Sized(service, shapeName)) {
        const bytes = Buffer.byteLength(text, 'utf8');
        if (shape.max !== undefined && bytes > shape.max)
          out.push({
            path,
            message: `Value at '${path}' failed to satisfy constraint: Member must have size less than or equal to ${shape.max} bytes in UTF-8 encoding`,
          });
        return out;
      }
      sized(text.length, 'length');
      if (shape.enum && !shape.enum.includes(text))
        fail(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      if (shape.pattern !== undefined && !patternOf(shape.pattern).test(text))
        fail(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      return out;
    }
    case 'blob': {
      if (typeof value === 'string') sized(Buffer.byteLength(value, 'base64'), 'length');
      return out;
    }
    default:
      if (NUMERIC.has(shape.type)) {
        const number = typeof value === 'number' ? value : Number(value);
        if (Number.isFinite(number)) sized(number, 'value');
      }
      return out;
  }
}

/** The refusal AWS would answer for `call`, or undefined when it satisfies the model. */
export function checkConstraints(file: ConstraintsFile, call: AwsCall): ServiceError | undefined {
  const service = file.services[call.service];
  const inputShape = service?.operations[call.operation];
  if (!service || !inputShape) return undefined;
  const found = violations(service, inputShape, call.input ?? {});
  if (found.length === 0) return undefined;
  if (QUERY_SERVICES.has(call.service)) {
    const missing = found.find((v) => v.missing);
    if (missing) {
      // awsQuery names the parameter as sent (PascalCase), e.g. "VersionLabel".
      const name = missing.path.split('.').at(-1)!;
      return new ServiceError(
        'MissingParameter',
        `The request must contain the parameter ${name.charAt(0).toUpperCase()}${name.slice(1)}.`,
      );
    }
  }
  const count = found.length;
  return new ServiceError(
    INVALID_CODE[call.service] ?? 'ValidationException',
    `${count} validation error${count === 1 ? '' : 's'} detected: ${found.map((v) => v.message).join('; ')}`,
  );
}

/** The request pipeline step: every call checked against the generated constraints. */
export function constraintsCheck(file: ConstraintsFile = loadConstraints()): CallCheck {
  return (call) => checkConstraints(file, call);
}
