/**
 * CodeBuild's wire API (JSON 1.1, `X-Amz-Target: CodeBuild_20161006.<Operation>`) over the
 * simulated builds.
 */
import type { JsonService } from '../../aws/server';
import { ServiceError } from '../../aws/service-error';
import { omit } from '../../omit';
import { pageOf } from '../pagination';
import type { CodeBuildSimulator } from './model';

/** CodeBuild's answer to a token it did not issue (API reference: InvalidInputException). */
const badToken = () => new ServiceError('InvalidInputException', 'Invalid next token');

/** `sortOrder`: DESCENDING (the default) lists newest first; ASCENDING oldest first. */
const descending = (sortOrder: string | undefined) => sortOrder !== 'ASCENDING';

/** The CodeBuild service answering from `codebuild`. */
export function codeBuildProvider(codebuild: CodeBuildSimulator): JsonService {
  return {
    name: 'codebuild',
    targetPrefix: 'CodeBuild_20161006',
    jsonVersion: '1.1',
    operations: {
      StartBuild: (input: Record<string, unknown>) => ({ build: codebuild.start(input) }),
      // The account's source credentials (CodeBuild API reference, ListSourceCredentials): the
      // sandbox's CodeBuild holds one GitHub personal access token, as a set-up account does.
      ListSourceCredentials: () => ({
        sourceCredentialsInfos: codebuild.sourceCredentials.map((c) => ({ ...c })),
      }),
      BatchGetBuilds: (input: { ids?: string[] }) => {
        if (!Array.isArray(input.ids) || input.ids.length < 1 || input.ids.length > 100)
          throw new ServiceError('InvalidInputException', 'ids must list 1 to 100 build ids');
        const builds = input.ids.flatMap((id) =>
          codebuild.builds.has(id) ? [codebuild.describe(codebuild.builds.get(id)!)] : [],
        );
        return { builds, buildsNotFound: input.ids.filter((id) => !codebuild.builds.has(id)) };
      },
      BatchGetReports: (input: { reportArns?: string[] }) => {
        const arns = input.reportArns ?? [];
        return {
          reports: arns.flatMap((arn) => {
            const report = codebuild.reports.get(arn);
            if (!report) return [];
            return [{ ...omit(report, 'junitXml'), type: 'TEST' }];
          }),
          reportsNotFound: arns.filter((arn) => !codebuild.reports.has(arn)),
        };
      },
      /**
       * ListProjects (https://docs.aws.amazon.com/codebuild/latest/APIReference/API_ListProjects.html):
       * project names, sortBy NAME | CREATED_TIME | LAST_MODIFIED_TIME, 100 per page.
       */
      ListProjects: (input: { sortBy?: string; sortOrder?: string; nextToken?: string }) => {
        // All projects are created together at start: by time is by name.
        const names = codebuild.projectNames().sort();
        if (descending(input.sortOrder)) names.reverse();
        const page = pageOf(names, input.nextToken, 100, 'codebuild:ListProjects', badToken);
        return { projects: page.items, ...(page.next && { nextToken: page.next }) };
      },
      /**
       * ListBuilds (https://docs.aws.amazon.com/codebuild/latest/APIReference/API_ListBuilds.html):
       * build ids, newest first unless sortOrder is ASCENDING, 100 per page.
       */
      ListBuilds: (input: { sortOrder?: string; nextToken?: string }) => {
        const ids = codebuild.buildIds();
        if (descending(input.sortOrder)) ids.reverse();
        const page = pageOf(ids, input.nextToken, 100, 'codebuild:ListBuilds', badToken);
        return { ids: page.items, ...(page.next && { nextToken: page.next }) };
      },
      /**
       * ListBuildsForProject
       * (https://docs.aws.amazon.com/codebuild/latest/APIReference/API_ListBuildsForProject.html):
       * a project's build ids, newest first unless sortOrder is ASCENDING, 100 per page; an unknown
       * project is ResourceNotFoundException ("The specified AWS resource cannot be found.").
       */
      ListBuildsForProject: (input: { projectName?: string; sortOrder?: string; nextToken?: string }) => {
        const project = String(input.projectName);
        if (!codebuild.projectNames().includes(project))
          throw new ServiceError('ResourceNotFoundException', 'The specified AWS resource cannot be found.');
        const ids = codebuild.buildIds(project);
        if (descending(input.sortOrder)) ids.reverse();
        const page = pageOf(ids, input.nextToken, 100, `codebuild:ListBuildsForProject:${project}`, badToken);
        return { ids: page.items, ...(page.next && { nextToken: page.next }) };
      },
      StopBuild: (input: { id?: string }) => ({ build: codebuild.describe(codebuild.stop(input.id)) }),
    },
  };
}
