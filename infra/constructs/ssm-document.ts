/**
 * The project's SSM Command document for EC2 releases, from ssm-documents/release-systemd-service.yaml.
 * Its parameters carry `allowedPattern`s, so nothing from a commit or branch reaches a shell.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CfnDocument } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { parse as parseYaml } from 'yaml';
import { PROJECT_ROOT } from './functions';

export const RELEASE_DOCUMENT_FILE = resolve(PROJECT_ROOT, 'ssm-documents/release-systemd-service.yaml');

/** The document content as an object, checked to be a Command document of schema 2.2. */
export function readCommandDocument(path = RELEASE_DOCUMENT_FILE): Record<string, unknown> {
  const content: unknown = parseYaml(readFileSync(path, 'utf8'));
  if (typeof content !== 'object' || content === null || Array.isArray(content))
    throw new Error(`${path} is not a YAML mapping`);
  const schemaVersion = (content as Record<string, unknown>)['schemaVersion'];
  if (schemaVersion !== '2.2')
    throw new Error(
      `${path}: schemaVersion must be "2.2" for a Command document, found ${JSON.stringify(schemaVersion)}`,
    );
  return content as Record<string, unknown>;
}

export class ReleaseDocument extends Construct {
  readonly document: CfnDocument;
  /** The document's name (what SendCommand takes). */
  readonly documentName: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.document = new CfnDocument(this, 'Document', {
      documentType: 'Command',
      content: readCommandDocument(),
      // A content change becomes a new default version instead of a replacement with a new name.
      updateMethod: 'NewVersion',
      name: 'DeployController-ReleaseSystemdService',
    });
    this.documentName = this.document.ref;
  }
}
