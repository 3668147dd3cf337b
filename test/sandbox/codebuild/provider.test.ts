import { SimClock } from '../../../local/clock';
import { FaultBook } from '../../../local/faults';
import { CodeBuildSimulator } from '../../../local/services/codebuild/model';
import { codeBuildProvider } from '../../../local/services/codebuild/provider';
import { S3Store } from '../../../local/services/s3/model';

const ctx = { requestId: 'r', region: 'us-east-1' };
let clock: SimClock;
let codebuild: CodeBuildSimulator;
const api = () => codeBuildProvider(codebuild).operations;

beforeEach(() => {
  // Prepare
  clock = new SimClock(1000);
  codebuild = new CodeBuildSimulator({
    clock,
    s3: new S3Store(),
    faults: new FaultBook(),
    region: 'us-east-1',
    account: '123456789012',
    projects: { 'deploy-microblog-build': 'build', 'deploy-microblog-scan': 'scan' },
  });
});
afterEach(() => {
  codebuild.reset();
  clock.stop();
});

it('ListProjects names every project, DESCENDING unless asked otherwise', () => {
  expect(api().ListProjects!({}, ctx)).toEqual({
    projects: ['deploy-microblog-scan', 'deploy-microblog-build'],
  });
  expect(api().ListProjects!({ sortOrder: 'ASCENDING' }, ctx)).toEqual({
    projects: ['deploy-microblog-build', 'deploy-microblog-scan'],
  });
});

it('ListBuilds and ListBuildsForProject list ids newest first', async () => {
  const first = codebuild.start({ projectName: 'deploy-microblog-build', sourceVersion: 'a'.repeat(40) });
  await clock.sleep(1000);
  const second = codebuild.start({ projectName: 'deploy-microblog-scan', sourceVersion: 'a'.repeat(40) });
  expect(api().ListBuilds!({}, ctx)).toEqual({ ids: [second.id, first.id] });
  expect(api().ListBuilds!({ sortOrder: 'ASCENDING' }, ctx)).toEqual({ ids: [first.id, second.id] });
  expect(api().ListBuildsForProject!({ projectName: 'deploy-microblog-build' }, ctx)).toEqual({
    ids: [first.id],
  });
});

it('ListBuildsForProject of an unknown project is ResourceNotFoundException; a foreign token InvalidInputException', () => {
  expect(() => api().ListBuildsForProject!({ projectName: 'nope' }, ctx)).toThrow(
    expect.objectContaining({ code: 'ResourceNotFoundException' }),
  );
  expect(() => api().ListBuilds!({ nextToken: 'bogus' }, ctx)).toThrow(
    expect.objectContaining({ code: 'InvalidInputException' }),
  );
});
