/**
 * The simulated microblog fleet behind SSM (JSON 1.1 `AmazonSSM.<Op>`): instances found by tag
 * with their agent status, and Run Command with rolling semantics (MaxConcurrency, MaxErrors).
 * Two documents run: the project's release document (action release|rollback: download, unpack,
 * `flask db upgrade`, `flask translate compile`, switch, restart the systemd service, health check,
 * switch back on failure; about a minute per instance) and AWS-RunShellScript, whose only script
 * here is the health gate's resource check (one JSON line of cpu/memory/disk).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { SimClock } from '../../clock';
import { ServiceError } from '../../aws/service-error';
import type { S3Store } from '../s3/model';
import type { FaultBook } from '../../faults';

export interface Instance {
  id: string;
  name: string;
  ip: string;
  tags: Record<string, string>;
  pingStatus: 'Online' | 'ConnectionLost';
  cpuPercent: number;
  memoryPercent: number;
  diskPercent: number;
  currentRelease: string | null;
  previousRelease: string | null;
  releases: string[];
  service: { name: string; state: 'active' | 'inactive' | 'failed' };
}

export type InvocationStatus = 'Pending' | 'InProgress' | 'Success' | 'Failed' | 'Cancelled' | 'TimedOut';

export interface Invocation {
  instanceId: string;
  status: InvocationStatus;
  statusDetails: string;
  responseCode: number;
  requested: Date;
  started?: Date;
  ended?: Date;
  stdout: string;
  stderr: string;
}

export interface Command {
  id: string;
  documentName: string;
  parameters: Record<string, string[]>;
  comment: string;
  requested: Date;
  instanceIds: string[];
  targets: { Key: string; Values: string[] }[];
  maxConcurrency: string;
  maxErrors: string;
  timeoutSeconds: number;
  invocations: Map<string, Invocation>;
  status: 'Pending' | 'InProgress' | 'Success' | 'Failed' | 'Cancelled' | 'TimedOut';
  /** OutputS3BucketName / OutputS3KeyPrefix: where each invocation's complete output goes. */
  outputS3?: { bucket: string; prefix: string };
  /** CloudWatchOutputConfig.CloudWatchLogGroupName, when output streaming was asked for. */
  logGroup?: string;
}

/** What the agent on an instance may do for one command, decided with the instance's role. */
export interface AgentVerdict {
  /** Why the release script's `aws s3 cp` of the artifact is refused (the AccessDenied message). */
  downloadDenied?: string;
  /** Whether the agent streams the output to CloudWatch Logs. */
  streaming: boolean;
}

/** One command's output as the agent streamed it to CloudWatch Logs. */
export interface StreamedOutput {
  logGroup: string;
  logStream: string;
  instanceId: string;
  commandId: string;
  text: string;
}

/**
 * Key of an invocation's complete output in S3: `<prefix>/<command id>/<instance id>/<plugin>/stdout`
 * (Systems Manager User Guide, Run Command output in Amazon S3; the plugin of a schema 2.2 step is
 * `awsrunShellScript/<step name>`).
 */
export function outputKey(
  command: Command,
  instanceId: string,
  stream: 'stdout' | 'stderr',
  step: string,
): string {
  const prefix = command.outputS3?.prefix ? `${command.outputS3.prefix.replace(/\/+$/, '')}/` : '';
  return `${prefix}${command.id}/${instanceId}/awsrunShellScript/${step}/${stream}`;
}

export interface FleetOptions {
  clock: SimClock;
  s3: S3Store;
  faults: FaultBook;
  /** The project's release document name (SSM_DOCUMENT_NAME). */
  releaseDocument: string;
  onChange?: () => void;
  /**
   * A command changed status (Pending at SendCommand, then InProgress, then a final status): SSM
   * sends "EC2 Command Status-change Notification" to EventBridge (see command-events.ts).
   */
  onCommandStatus?: (command: Command) => void;
  /** The agent's own AWS calls for a command (artifact download, CloudWatch output), authorised. */
  agent?: (call: {
    instanceId: string;
    commandId: string;
    artifactBucket?: string;
    artifactKey?: string;
    logGroup?: string;
  }) => Promise<AgentVerdict>;
}

/** Values the release document's parameters accept (its allowedPatterns, see ssm-deploy/parameters.ts). */
const PARAMETER_PATTERN = /^[A-Za-z0-9_.:/@=+-]*$/;
/** SSM truncates plugin output in ListCommandInvocations to 2,500 characters (CommandPlugin.Output, API reference). */
export const OUTPUT_LIMIT = 2500;
/** The SSM Agent version the simulated instances run (DescribeInstanceInformation). */
export const SSM_AGENT_VERSION = '3.3.3572.0';

/** `i-0abc...` ids, deterministic per launch index. */
function instanceId(index: number): string {
  // EC2 ids are i- and 8 or 17 hex characters (botocore ssm InstanceId pattern): 17 here.
  return `i-0a1b2c3d4e5f6${index.toString(16).padStart(4, '0')}`;
}

/** A private address per launch index (10.0.1-3.20-219 for the first 200, then the next /24s). */
function instanceIp(index: number): string {
  return `10.0.${1 + (index % 3) + 3 * Math.floor(index / 200)}.${20 + (index % 200)}`;
}

/** Nominal metrics per launch index (a spread, never near the health gate's thresholds). */
function nominal(index: number): Pick<Instance, 'cpuPercent' | 'memoryPercent' | 'diskPercent'> {
  const spread = index % 20;
  return { cpuPercent: 12 + spread * 3, memoryPercent: 41 + spread * 2, diskPercent: 55 + spread };
}

export class FleetSimulator {
  readonly instances = new Map<string, Instance>();
  readonly commands = new Map<string, Command>();
  /** Command output the agents streamed to CloudWatch Logs (CloudWatchOutputConfig). */
  readonly streamedOutput: StreamedOutput[] = [];
  private timers: NodeJS.Timeout[] = [];
  /** Launch order of each instance (ids stay unique after terminations). */
  private readonly launchIndex = new Map<string, number>();
  private launched = 0;

  constructor(private readonly options: FleetOptions) {}

  /** Adds `count` instances with the tag, running `release` of `service`. */
  launch(
    count: number,
    tag: { key: string; value: string },
    service: string,
    release: string | null,
  ): Instance[] {
    const out: Instance[] = [];
    for (let i = 0; i < count; i++) {
      const index = this.launched++;
      const id = instanceId(index);
      const instance: Instance = {
        id,
        name: `${tag.value}-${index + 1}`,
        ip: instanceIp(index),
        tags: { [tag.key]: tag.value, Name: `${tag.value}-${index + 1}` },
        pingStatus: 'Online',
        ...nominal(index),
        currentRelease: release,
        previousRelease: null,
        releases: release ? [release] : [],
        service: { name: service, state: 'active' },
      };
      this.instances.set(id, instance);
      this.launchIndex.set(id, index);
      out.push(instance);
    }
    return out;
  }

  /** Terminates an instance: it leaves the fleet (commands already sent keep their invocations). */
  terminate(id: string): void {
    this.instances.delete(id);
    this.launchIndex.delete(id);
  }

  /** Instances in launch order (the order SSM reports and rolls through them). */
  list(): Instance[] {
    return [...this.instances.values()].sort(
      (a, b) => (this.launchIndex.get(a.id) ?? 0) - (this.launchIndex.get(b.id) ?? 0),
    );
  }

  /** Applies a commit's unhealthy-instance fault (before the health gate runs). */
  applyHealthFault(commitSha: string): void {
    const fault = this.options.faults.faultsFor(commitSha).unhealthyInstance;
    if (!fault) return;
    const instance = this.list()[fault.index];
    if (!instance) return;
    if (fault.cpuPercent !== undefined) instance.cpuPercent = fault.cpuPercent;
    if (fault.memoryPercent !== undefined) instance.memoryPercent = fault.memoryPercent;
    if (fault.diskPercent !== undefined) instance.diskPercent = fault.diskPercent;
    if (fault.agentOffline) instance.pingStatus = 'ConnectionLost';
  }

  /** Back to nominal metrics and agents (scenario reset). */
  heal(): void {
    for (const instance of this.list())
      Object.assign(instance, { pingStatus: 'Online', ...nominal(this.launchIndex.get(instance.id) ?? 0) });
  }

  private at(seconds: number, fn: () => void): void {
    this.timers.push(this.options.clock.after(seconds * 1000, fn));
  }

  private matchesTarget(instance: Instance, target: { Key: string; Values: string[] }): boolean {
    if (target.Key === 'InstanceIds') return target.Values.includes(instance.id);
    if (target.Key.startsWith('tag:'))
      return target.Values.includes(instance.tags[target.Key.slice(4)] ?? '');
    if (target.Key === 'tag-key') return target.Values.some((v) => v in instance.tags);
    throw new ServiceError(
      'InvalidTarget',
      `Target key ${target.Key} is not supported by the sandbox (use tag:<key>, tag-key or InstanceIds)`,
    );
  }

  /** SendCommand: validates the document, targets and parameters, then starts the rolling run. */
  send(input: {
    DocumentName?: string;
    InstanceIds?: string[];
    Targets?: { Key: string; Values: string[] }[];
    Parameters?: Record<string, string[]>;
    Comment?: string;
    MaxConcurrency?: string;
    MaxErrors?: string;
    TimeoutSeconds?: number;
    OutputS3BucketName?: string;
    OutputS3KeyPrefix?: string;
    CloudWatchOutputConfig?: { CloudWatchLogGroupName?: string; CloudWatchOutputEnabled?: boolean };
  }): Command {
    const documentName = input.DocumentName ?? '';
    const known = [this.options.releaseDocument, 'AWS-RunShellScript'];
    if (!known.includes(documentName) && !known.some((d) => documentName.endsWith(`:document/${d}`))) {
      throw new ServiceError('InvalidDocument', `Document with name ${documentName} does not exist.`);
    }
    if (input.InstanceIds?.length && input.Targets?.length)
      throw new ServiceError('InvalidParameters', 'Specify either InstanceIds or Targets, not both.');
    let ids: string[];
    if (input.InstanceIds?.length) {
      const unknown = input.InstanceIds.filter((id) => !this.instances.has(id));
      if (unknown.length)
        throw new ServiceError(
          'InvalidInstanceId',
          `Instances [[${unknown.join(', ')}]] not in a valid state for account`,
        );
      ids = [...input.InstanceIds].sort();
    } else if (input.Targets?.length) {
      ids = this.list()
        .filter((i) => input.Targets!.every((t) => this.matchesTarget(i, t)))
        .map((i) => i.id);
    } else throw new ServiceError('InvalidParameters', 'Either InstanceIds or Targets must be specified.');
    const parameters = input.Parameters ?? {};
    const isRelease = documentName !== 'AWS-RunShellScript' && !documentName.endsWith('/AWS-RunShellScript');
    if (isRelease) {
      for (const [name, values] of Object.entries(parameters)) {
        for (const value of values) {
          if (!PARAMETER_PATTERN.test(value))
            throw new ServiceError(
              'InvalidParameters',
              `Parameter "${name}" "${value.slice(0, 40)}" failed to satisfy constraint: Member must satisfy regular expression pattern`,
            );
        }
      }
      if (!['release', 'rollback'].includes(parameters.action?.[0] ?? ''))
        throw new ServiceError('InvalidParameters', 'Parameter "action" must be release or rollback.');
    } else if (!Array.isArray(parameters.commands) || parameters.commands.length === 0) {
      throw new ServiceError('InvalidParameters', 'AWS-RunShellScript needs the "commands" parameter.');
    }
    const command: Command = {
      id: randomUUID(),
      documentName,
      parameters,
      comment: input.Comment ?? '',
      requested: new Date(),
      instanceIds: ids,
      targets: input.Targets ?? [],
      maxConcurrency: input.MaxConcurrency ?? '50',
      maxErrors: input.MaxErrors ?? '0',
      timeoutSeconds: input.TimeoutSeconds ?? 3600,
      ...(input.OutputS3BucketName
        ? { outputS3: { bucket: input.OutputS3BucketName, prefix: input.OutputS3KeyPrefix ?? '' } }
        : {}),
      invocations: new Map(
        ids.map((id) => [
          id,
          {
            instanceId: id,
            status: 'Pending',
            statusDetails: 'Pending',
            responseCode: -1,
            requested: new Date(),
            stdout: '',
            stderr: '',
          },
        ]),
      ),
      status: ids.length ? 'Pending' : 'Success',
      ...(input.CloudWatchOutputConfig?.CloudWatchOutputEnabled &&
        input.CloudWatchOutputConfig.CloudWatchLogGroupName && {
          logGroup: input.CloudWatchOutputConfig.CloudWatchLogGroupName,
        }),
    };
    this.commands.set(command.id, command);
    this.options.onCommandStatus?.(command);
    if (ids.length) this.at(1, () => this.dispatch(command));
    return command;
  }

  /** How many of `total` a count or percentage allows (at least 1 for concurrency). */
  private static allowance(spec: string, total: number, minimum: number): number {
    const value = spec.endsWith('%') ? Math.floor((Number(spec.slice(0, -1)) / 100) * total) : Number(spec);
    return Math.max(minimum, Number.isFinite(value) ? value : minimum);
  }

  /** Rolling: start invocations while under MaxConcurrency, stop starting new ones once errors exceed MaxErrors. */
  private dispatch(command: Command): void {
    const total = command.instanceIds.length;
    const concurrency = FleetSimulator.allowance(command.maxConcurrency, total, 1);
    const errorBudget = FleetSimulator.allowance(command.maxErrors, total, 0);
    const invocations = [...command.invocations.values()];
    const before = command.status;
    const running = invocations.filter((i) => i.status === 'InProgress').length;
    const errors = invocations.filter((i) => i.status === 'Failed' || i.status === 'TimedOut').length;
    if (errors > errorBudget) {
      for (const invocation of invocations.filter((i) => i.status === 'Pending'))
        Object.assign(invocation, { status: 'Cancelled', statusDetails: 'Cancelled', ended: new Date() });
    } else {
      for (const invocation of invocations
        .filter((i) => i.status === 'Pending')
        .slice(0, Math.max(0, concurrency - running)))
        this.startInvocation(command, invocation);
    }
    command.status = invocations.every((i) =>
      ['Success', 'Failed', 'Cancelled', 'TimedOut'].includes(i.status),
    )
      ? invocations.every((i) => i.status === 'Success')
        ? 'Success'
        : 'Failed'
      : 'InProgress';
    if (command.status !== before) this.options.onCommandStatus?.(command);
  }

  /** With OutputS3BucketName, SSM writes the complete stdout and stderr to S3 (no 24,000 cut). */
  private storeOutput(command: Command, invocation: Invocation): void {
    if (!command.outputS3) return;
    const step = command.documentName.endsWith('AWS-RunShellScript')
      ? '0.awsrunShellScript'
      : 'releaseService';
    for (const stream of ['stdout', 'stderr'] as const) {
      const text = invocation[stream];
      if (text)
        this.options.s3.put(
          command.outputS3.bucket,
          outputKey(command, invocation.instanceId, stream, step),
          text,
          'text/plain',
        );
    }
  }

  private startInvocation(command: Command, invocation: Invocation): void {
    const instance = this.instances.get(invocation.instanceId);
    if (!instance) {
      // Terminated since the command was sent: "Undeliverable" ("Understanding command
      // statuses", AWS Systems Manager User Guide).
      Object.assign(invocation, { status: 'Failed', statusDetails: 'Undeliverable', ended: new Date() });
      return;
    }
    Object.assign(invocation, { status: 'InProgress', statusDetails: 'InProgress', started: new Date() });
    const finish = (ok: boolean, stdout: string[], stderr: string[] = []) => {
      Object.assign(invocation, {
        status: ok ? 'Success' : 'Failed',
        statusDetails: ok ? 'Success' : 'Failed',
        responseCode: ok ? 0 : 1,
        ended: new Date(),
        stdout: stdout.join('\n') + '\n',
        stderr: stderr.join('\n'),
      });
      this.storeOutput(command, invocation);
      this.options.onChange?.();
      this.dispatch(command);
    };
    if (instance.pingStatus !== 'Online') {
      this.at(command.timeoutSeconds, () => {
        Object.assign(invocation, {
          status: 'TimedOut',
          statusDetails: 'DeliveryTimedOut',
          ended: new Date(),
        });
        this.dispatch(command);
      });
      return;
    }
    if (command.documentName.endsWith('AWS-RunShellScript')) {
      this.at(2, () =>
        finish(true, [
          JSON.stringify({
            cpuPercent: instance.cpuPercent,
            memoryPercent: instance.memoryPercent,
            diskPercent: instance.diskPercent,
          }),
        ]),
      );
      return;
    }
    const p = (name: string) => command.parameters[name]?.[0] ?? '';
    const run = (verdict: AgentVerdict) => {
      const streamed = (ok: boolean, stdout: string[], stderr: string[] = []) => {
        // The agent's stream names: <command id>/<instance id>/<plugin>/stdout (iohandler.go).
        if (verdict.streaming && command.logGroup)
          this.streamedOutput.push({
            logGroup: command.logGroup,
            logStream: `${command.id}/${instance.id}/aws-runShellScript/stdout`,
            instanceId: instance.id,
            commandId: command.id,
            text: [...stdout, ...stderr].join('\n'),
          });
        finish(ok, stdout, stderr);
      };
      if (p('action') === 'rollback') this.rollback(instance, p, streamed);
      else this.release(instance, p, streamed, verdict.downloadDenied);
    };
    const agent = this.options.agent;
    if (!agent) return run({ streaming: Boolean(command.logGroup) });
    void agent({
      instanceId: instance.id,
      commandId: command.id,
      ...(p('action') !== 'rollback' && {
        artifactBucket: p('artifactBucket'),
        artifactKey: p('artifactKey'),
      }),
      ...(command.logGroup && { logGroup: command.logGroup }),
    }).then(run);
  }

  private release(
    instance: Instance,
    p: (name: string) => string,
    finish: (ok: boolean, stdout: string[], stderr?: string[]) => void,
    downloadDenied?: string,
  ): void {
    const sha = p('commitSha');
    const dir = p('appDirectory') || '/opt/microblog';
    const service = p('serviceName') || instance.service.name;
    const healthUrl = p('healthUrl') || 'http://127.0.0.1:5000/';
    const object = this.options.s3.get(p('artifactBucket'), p('artifactKey'));
    const lines = [
      `[${instance.id}] release ${sha} of ${service}`,
      `download s3://${p('artifactBucket')}/${p('artifactKey')}`,
    ];
    if (downloadDenied) {
      // The AWS CLI's report of a refused GetObject (aws s3 cp).
      this.at(5, () =>
        finish(false, lines, [
          `fatal error: An error occurred (AccessDenied) when calling the GetObject operation: ${downloadDenied}`,
        ]),
      );
      return;
    }
    if (!object) {
      this.at(5, () =>
        finish(false, lines, [
          `fatal error: An error occurred (404) when calling the HeadObject operation: Key "${p('artifactKey')}" does not exist`,
        ]),
      );
      return;
    }
    const failing = this.options.faults.faultsFor(sha).failingInstance;
    const index = this.list().findIndex((i) => i.id === instance.id);
    lines.push(
      `unpack into ${dir}/releases/${sha}`,
      `python${p('pythonVersion') || '3'} -m venv ${dir}/releases/${sha}/venv && pip install -r requirements.txt (42 packages)`,
      'FLASK_APP=microblog.py flask db upgrade',
      'INFO  [alembic.runtime.migration] Context impl SQLiteImpl.',
      'INFO  [alembic.runtime.migration] Will assume non-transactional DDL.',
      'FLASK_APP=microblog.py flask translate compile',
      'compiling catalog app/translations/es/LC_MESSAGES/messages.po to app/translations/es/LC_MESSAGES/messages.mo',
      `switch ${dir}/current -> releases/${sha}`,
      `systemctl restart ${service}`,
    );
    this.at(50, () => {
      const previous = instance.currentRelease;
      if (failing === index) {
        lines.push(
          `health check ${healthUrl} failed: HTTP 502 Bad Gateway after 5 attempts`,
          `switch back ${dir}/current -> releases/${previous ?? '(none)'}`,
          `systemctl restart ${service}`,
          `release ${sha} failed on ${instance.id}; previous release ${previous ?? '(none)'} restored`,
        );
        this.at(10, () =>
          finish(false, lines, [
            `gunicorn[${4100 + index}]: ModuleNotFoundError: No module named 'flask_babel'`,
          ]),
        );
        return;
      }
      instance.previousRelease = previous;
      instance.currentRelease = sha;
      if (!instance.releases.includes(sha)) instance.releases.push(sha);
      instance.service.state = 'active';
      lines.push(
        `health check ${healthUrl} -> 200 OK`,
        `release ${sha} is live on ${instance.id} (previous ${previous ?? '(none)'})`,
      );
      this.at(10, () => finish(true, lines));
    });
  }

  private rollback(
    instance: Instance,
    p: (name: string) => string,
    finish: (ok: boolean, stdout: string[], stderr?: string[]) => void,
  ): void {
    const requested = p('commitSha');
    const service = p('serviceName') || instance.service.name;
    const dir = p('appDirectory') || '/opt/microblog';
    const target = requested === 'previous' || !requested ? instance.previousRelease : requested;
    const lines = [`[${instance.id}] rollback of ${service} to ${target ?? '(none)'}`];
    if (!target || !instance.releases.includes(target)) {
      this.at(3, () =>
        finish(false, lines, [`no release ${target ?? 'before the current one'} in ${dir}/releases`]),
      );
      return;
    }
    lines.push(`switch ${dir}/current -> releases/${target}`, `systemctl restart ${service}`);
    this.at(20, () => {
      instance.previousRelease = instance.currentRelease;
      instance.currentRelease = target;
      lines.push(
        `health check ${p('healthUrl') || 'http://127.0.0.1:5000/'} -> 200 OK`,
        `rolled back to ${target} on ${instance.id}`,
      );
      finish(true, lines);
    });
  }

  /** A command by id; InvalidCommandId otherwise. */
  command(id: unknown): Command {
    const command = typeof id === 'string' ? this.commands.get(id) : undefined;
    if (!command) throw new ServiceError('InvalidCommandId', `Command ${String(id)} was not found`);
    return command;
  }

  reset(): void {
    for (const timer of this.timers) this.options.clock.cancel(timer);
    this.timers = [];
    this.commands.clear();
    this.instances.clear();
    this.streamedOutput.length = 0;
    this.launchIndex.clear();
    this.launched = 0;
  }
}

/** A short random hex suffix (test helpers). */
export const hex = (bytes: number) => randomBytes(bytes).toString('hex');
