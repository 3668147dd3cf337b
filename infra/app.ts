/**
 * CDK entry point (`npx cdk synth`, `npx cdk deploy`; cdk.json runs it with tsx). Reads and
 * validates pipelines.yaml (or PIPELINES_FILE) first, so a bad configuration stops here.
 * Context: `-c sampleTargets=true` adds the sample Beanstalk environment and EC2 fleet;
 * `-c reservedConcurrency=false` for accounts whose Lambda concurrency quota is 10.
 */
import { loadConfig } from '../functions/commons/config/load-config';
import { buildApp } from './build-app';

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
const { app } = buildApp({
  config: loadConfig(),
  ...(account && region ? { env: { account, region } } : {}),
});
app.synth();
