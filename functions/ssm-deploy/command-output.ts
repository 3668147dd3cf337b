/**
 * The end of one instance's release output, where SSM keeps it.
 *
 * Sources (SSM API reference and its botocore model, ssm/2014-11-06):
 * - GetCommandInvocation StandardOutputContent: "The first 24,000 characters written by the plugin
 *   to stdout. If the command hasn't finished running, if ExecutionStatus is neither Succeeded nor
 *   Failed, then this string is empty." StandardErrorContent: the first 8,000 characters of stderr.
 *   So a long output's end is not there, and a TimedOut invocation has none.
 * - StandardOutputUrl / StandardErrorUrl: "The URL for the complete text written by the plugin to
 *   stdout in Amazon S3", when the command was sent with OutputS3BucketName (empty otherwise).
 * - ListCommandInvocations' CommandPlugins[].Output: at most 2,500 characters (InvocationTraceOutput).
 * - CloudWatch Logs, when CloudWatchOutputConfig is on: streams <CommandId>/<InstanceId>/<plugin>/stdout
 *   and /stderr in the group (Systems Manager User Guide, "Configuring Amazon CloudWatch Logs for Run Command").
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetCommandInvocationCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { cutTextStart } from '../commons/text';

/** GetCommandInvocation's StandardOutputContent holds at most this many characters. */
export const API_STDOUT_LIMIT = 24_000;
/** ... and StandardErrorContent this many. */
export const API_STDERR_LIMIT = 8_000;
/** How much of the end of a full output is read from S3. */
export const TAIL_BYTES = 16_384;

export interface OutputSources {
  ssm: SSMClient;
  s3?: S3Client | undefined;
  /** CloudWatch Logs group the command's output also goes to (named in messages). */
  logGroup?: string | undefined;
}

/** bucket and key of an S3 object URL, virtual-hosted (`<bucket>.s3…/<key>`) or path style (`s3…/<bucket>/<key>`). */
export function s3Location(url: string): { bucket: string; key: string } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const path = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  const host = parsed.hostname.match(/^(.+)\.s3[.-]/);
  if (host) return path ? { bucket: host[1]!, key: path } : null;
  const slash = path.indexOf('/');
  return slash > 0 ? { bucket: path.slice(0, slash), key: path.slice(slash + 1) } : null;
}

/** The last TAIL_BYTES of an S3 object as text (a cut multi-byte character at the start is dropped). */
async function s3Tail(s3: S3Client, url: string): Promise<string | null> {
  const location = s3Location(url);
  if (!location) return null;
  const out = await s3.send(
    new GetObjectCommand({ Bucket: location.bucket, Key: location.key, Range: `bytes=-${TAIL_BYTES}` }),
  );
  const text = (await out.Body?.transformToString('utf-8')) ?? '';
  // An endpoint that ignores Range sends the whole object: keep its end all the same.
  return cutTextStart(text, TAIL_BYTES, { ellipsis: '' }).replace(/^\uFFFD+/, '');
}

function logStreams(sources: OutputSources, commandId: string, instanceId: string, plugin: string): string {
  return sources.logGroup
    ? ` The full output is in CloudWatch Logs group ${sources.logGroup}, streams ${commandId}/${instanceId}/${plugin}/stdout and /stderr.`
    : '';
}

/**
 * The output to show for a failed or timed-out instance: the real end when SSM has it in S3, else
 * what the API holds with a line that says what is missing and where the rest is. `summary` is the
 * plugin output from ListCommandInvocations (its first 2,500 characters).
 */
export async function instanceOutput(
  sources: OutputSources,
  commandId: string,
  instanceId: string,
  summary: string,
): Promise<string> {
  let invocation;
  try {
    invocation = await sources.ssm.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
    );
  } catch {
    return summary; // the summary is still worth reporting
  }
  const status = String(invocation.Status ?? '');
  const plugin = invocation.PluginName ?? 'aws:runShellScript';
  const stdout = invocation.StandardOutputContent ?? '';
  const stderr = invocation.StandardErrorContent ?? '';
  const cut = stdout.length >= API_STDOUT_LIMIT || stderr.length >= API_STDERR_LIMIT;
  const empty = !stdout && !stderr;
  if ((cut || empty) && sources.s3 && invocation.StandardOutputUrl) {
    try {
      const [out, err] = await Promise.all([
        s3Tail(sources.s3, invocation.StandardOutputUrl),
        invocation.StandardErrorUrl ? s3Tail(sources.s3, invocation.StandardErrorUrl) : null,
      ]);
      const text = [out, err]
        .map((part) => (part ?? '').trimEnd())
        .filter(Boolean)
        .join('\n');
      if (text) return status === 'TimedOut' ? `${text}\n[the command timed out here]` : text;
    } catch {
      // fall back to what the API holds
    }
  }
  const where = logStreams(sources, commandId, instanceId, plugin);
  if (empty) {
    const why =
      status === 'TimedOut'
        ? `[timed out: SSM gives no output through GetCommandInvocation for a ${status} invocation.${where}]`
        : `[no output from GetCommandInvocation (${status || 'unknown status'}).${where}]`;
    return [summary.trimEnd(), why].filter(Boolean).join('\n');
  }
  const text = [stdout, stderr]
    .map((part) => part.trimEnd())
    .filter(Boolean)
    .join('\n');
  return cut
    ? `${text}\n[SSM returned only the first ${API_STDOUT_LIMIT.toLocaleString('en-US')} characters of stdout and ${API_STDERR_LIMIT.toLocaleString('en-US')} of stderr: this is not the end.${where}]`
    : text;
}
