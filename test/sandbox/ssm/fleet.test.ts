import { SimClock } from '../../../local/clock';
import { FaultBook } from '../../../local/faults';
import { S3Store } from '../../../local/services/s3/model';
import { FleetSimulator } from '../../../local/services/ssm/model';
import { ssmProvider } from '../../../local/services/ssm/provider';

const TAG = { key: 'App', value: 'microblog' };
const ctx = { requestId: 'r', region: 'us-east-1' };
let clock: SimClock;
let fleet: FleetSimulator;

beforeEach(() => {
  // Prepare
  clock = new SimClock(1000);
  fleet = new FleetSimulator({
    clock,
    s3: new S3Store(),
    faults: new FaultBook(),
    releaseDocument: 'release',
  });
  fleet.launch(3, TAG, 'microblog', 'c0ffee');
});
afterEach(() => {
  fleet.reset();
  clock.stop();
});

describe('fleet', () => {
  it('launches tagged, Online instances with unique ids and addresses, in launch order', () => {
    // Act
    fleet.launch(400, TAG, 'microblog', 'c0ffee');
    const list = fleet.list();
    // Assess
    expect(list).toHaveLength(403);
    expect(new Set(list.map((i) => i.id)).size).toBe(403);
    expect(new Set(list.map((i) => i.ip)).size).toBe(403);
    for (const instance of list) {
      expect(instance.ip).toMatch(/^10\.0\.\d{1,3}\.\d{1,3}$/);
      expect(instance.ip.split('.').every((octet) => Number(octet) <= 255)).toBe(true);
      expect(instance).toMatchObject({
        pingStatus: 'Online',
        currentRelease: 'c0ffee',
        tags: { App: 'microblog' },
      });
      expect(instance.cpuPercent).toBeLessThan(80);
    }
    expect(list.slice(0, 3).map((i) => i.id)).toEqual([
      'i-0a1b2c3d4e5f60000',
      'i-0a1b2c3d4e5f60001',
      'i-0a1b2c3d4e5f60002',
    ]);
  });

  it('terminated instances leave the fleet and their ids are never reused', () => {
    const [first] = fleet.list();
    fleet.terminate(first!.id);
    const [added] = fleet.launch(1, TAG, 'microblog', 'c0ffee');
    expect(fleet.list().map((i) => i.id)).not.toContain(first!.id);
    expect(added!.id).toBe('i-0a1b2c3d4e5f60003');
  });
});

describe('SSM provider', () => {
  const ssm = () => ssmProvider(fleet).operations;

  it('ListCommands pages newest first with NextToken', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const sent = (await ssm().SendCommand!(
        {
          DocumentName: 'AWS-RunShellScript',
          Targets: [{ Key: 'tag:App', Values: ['microblog'] }],
          Parameters: { commands: ['x'] },
        },
        ctx,
      )) as { Command: { CommandId: string } };
      ids.push(sent.Command.CommandId);
    }
    const first = (await ssm().ListCommands!({ MaxResults: 2 }, ctx)) as {
      Commands: { CommandId: string }[];
      NextToken?: string;
    };
    expect(first.Commands.map((c) => c.CommandId)).toEqual([ids[2], ids[1]]);
    const second = (await ssm().ListCommands!({ MaxResults: 2, NextToken: first.NextToken }, ctx)) as {
      Commands: { CommandId: string }[];
      NextToken?: string;
    };
    expect(second.Commands.map((c) => c.CommandId)).toEqual([ids[0]]);
    expect(second.NextToken).toBeUndefined();
    expect(() => ssm().ListCommands!({ NextToken: 'bogus' }, ctx)).toThrow(
      expect.objectContaining({ code: 'InvalidNextToken' }),
    );
  });

  it('GetCommandInvocation answers AWS errors for unknown commands, instances and invocations', async () => {
    const instance = fleet.list()[0]!.id;
    expect(() => ssm().GetCommandInvocation!({ CommandId: 'nope', InstanceId: instance }, ctx)).toThrow(
      expect.objectContaining({ code: 'InvalidCommandId' }),
    );
    expect(() =>
      ssm().GetCommandInvocation!(
        { CommandId: '00000000-0000-0000-0000-000000000000', InstanceId: instance },
        ctx,
      ),
    ).toThrow(expect.objectContaining({ code: 'InvocationDoesNotExist' }));
    const sent = (await ssm().SendCommand!(
      { DocumentName: 'AWS-RunShellScript', InstanceIds: [instance], Parameters: { commands: ['x'] } },
      ctx,
    )) as { Command: { CommandId: string } };
    expect(() =>
      ssm().GetCommandInvocation!({ CommandId: sent.Command.CommandId, InstanceId: 'i-0fff' }, ctx),
    ).toThrow(expect.objectContaining({ code: 'InvalidInstanceId' }));
    expect(() =>
      ssm().GetCommandInvocation!(
        { CommandId: sent.Command.CommandId, InstanceId: fleet.list()[1]!.id },
        ctx,
      ),
    ).toThrow(expect.objectContaining({ code: 'InvocationDoesNotExist' }));
    const invocation = ssm().GetCommandInvocation!(
      { CommandId: sent.Command.CommandId, InstanceId: instance },
      ctx,
    );
    expect(invocation).toMatchObject({
      CommandId: sent.Command.CommandId,
      InstanceId: instance,
      PluginName: 'aws:runShellScript',
    });
  });
});
