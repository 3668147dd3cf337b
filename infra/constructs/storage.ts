/**
 * Durable state of the controller: the artifacts bucket (build outputs by commit), its access-log
 * bucket, and the DynamoDB tables designed in functions/commons/tables.ts.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectOwnership,
  type IBucket,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TABLES, type TableDesign } from '../../functions/commons/tables';
import { acknowledge } from '../nag';

/** How long build artifacts stay; rollbacks reach back to the last good version well within this. */
export const ARTIFACT_RETENTION_DAYS = 90;

/** Tables that hold the audit trail survive `cdk destroy`; the others hold short-lived state. */
const RETAINED_TABLES = new Set(['DeployHistory']);

export class Storage extends Construct {
  // Typed as the interface: with exactOptionalPropertyTypes the Bucket class does not satisfy IBucket.
  readonly artifactsBucket: IBucket;
  readonly logsBucket: IBucket;
  /** Tables by their design id (DeployLocks, DeployHistory, Approvals, ...). */
  readonly tables = new Map<string, Table>();

  constructor(scope: Construct, id: string) {
    super(scope, id);

    const logsBucket = new Bucket(this, 'AccessLogsBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      versioned: true,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(365),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
      autoDeleteObjects: false,
    });
    this.logsBucket = logsBucket as unknown as IBucket;
    acknowledge(logsBucket, {
      id: 'AwsSolutions-S1',
      reason:
        'This bucket is the destination of the artifacts bucket server access logs; logging it into itself would loop.',
    });

    const artifactsBucket = new Bucket(this, 'ArtifactsBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'artifacts/',
      lifecycleRules: [
        {
          id: 'expire-old-artifacts',
          expiration: Duration.days(ARTIFACT_RETENTION_DAYS),
          noncurrentVersionExpiration: Duration.days(7),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
      autoDeleteObjects: false,
    });
    this.artifactsBucket = artifactsBucket as unknown as IBucket;

    for (const design of TABLES) this.tables.set(design.id, this.createTable(design));
  }

  /** The table of a design; throws when the design is unknown (a wiring mistake). */
  table(design: Pick<TableDesign, 'id'>): Table {
    const table = this.tables.get(design.id);
    if (!table)
      throw new Error(`no table for design ${design.id}; known: ${[...this.tables.keys()].join(', ')}`);
    return table;
  }

  private createTable(design: TableDesign): Table {
    const table = new Table(this, `${design.id}Table`, {
      partitionKey: { name: design.partitionKey.name, type: AttributeType.STRING },
      ...(design.sortKey ? { sortKey: { name: design.sortKey.name, type: AttributeType.STRING } } : {}),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      ...(design.timeToLiveAttribute ? { timeToLiveAttribute: design.timeToLiveAttribute } : {}),
      removalPolicy: RETAINED_TABLES.has(design.id) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const index of design.localSecondaryIndexes ?? []) {
      table.addLocalSecondaryIndex({
        indexName: index.indexName,
        sortKey: { name: index.sortKey.name, type: AttributeType.STRING },
      });
    }
    return table;
  }
}
