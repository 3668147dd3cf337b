/**
 * CodeBuild's wire API (JSON 1.1, `X-Amz-Target: CodeBuild_20161006.<Operation>`) over the
 * simulated builds.
 */
import type { JsonService } from '../../aws/server';
import { ServiceError } from '../../aws/service-error';
import { omit } from '../../omit';
import type { CodeBuildSimulator } from './model';

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
      StopBuild: (input: { id?: string }) => ({ build: codebuild.describe(codebuild.stop(input.id)) }),
    },
  };
}
