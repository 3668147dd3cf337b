/**
 * SSM's "EC2 Command Status-change Notification": one event per status change of a command, in
 * the documented shape, and none when the status stays the same.
 */
import { SimClock } from '../../../local/clock';
import { FaultBook } from '../../../local/faults';
import { S3Store } from '../../../local/services/s3/model';
import { commandStatusEvent, COMMAND_STATUS_CHANGE } from '../../../local/services/ssm/command-events';
import { FleetSimulator, type Command } from '../../../local/services/ssm/model';

const TAG = { key: 'App', value: 'microblog' };
let clock: SimClock;
let fleet: FleetSimulator;
let changes: { id: string; status: Command['status'] }[];
let settled: (() => void) | undefined;

beforeEach(() => {
  // Prepare
  clock = new SimClock(1000);
  changes = [];
  fleet = new FleetSimulator({
    clock,
    s3: new S3Store(),
    faults: new FaultBook(),
    releaseDocument: 'release',
    onCommandStatus: (command) => {
      changes.push({ id: command.id, status: command.status });
      if (['Success', 'Failed', 'Cancelled', 'TimedOut'].includes(command.status)) settled?.();
    },
  });
  fleet.launch(2, TAG, 'microblog', 'c0ffee');
});
afterEach(() => {
  fleet.reset();
  clock.stop();
});

describe('command status-change events', () => {
  it('reports Pending, InProgress and the final status once each', async () => {
    // Act
    const done = new Promise<void>((resolve) => (settled = resolve));
    const command = fleet.send({
      DocumentName: 'AWS-RunShellScript',
      Targets: [{ Key: 'tag:App', Values: ['microblog'] }],
      Parameters: { commands: ['check'] },
      MaxConcurrency: '1',
    });
    await done;
    // Assess
    expect(changes).toEqual([
      { id: command.id, status: 'Pending' },
      { id: command.id, status: 'InProgress' },
      { id: command.id, status: 'Success' },
    ]);
  });

  it('has the documented shape: instance ARNs as resources, kebab-case detail fields', () => {
    // Act
    const command = fleet.send({
      DocumentName: 'release',
      InstanceIds: fleet.list().map((i) => i.id),
      Parameters: { action: ['release'], commitSha: ['c0ffee'] },
      TimeoutSeconds: 600,
    });
    const event = commandStatusEvent(command, 'us-east-1', '123456789012');
    // Assess
    expect(event).toEqual({
      source: 'aws.ssm',
      'detail-type': COMMAND_STATUS_CHANGE,
      resources: fleet.list().map((i) => `arn:aws:ec2:us-east-1:123456789012:instance/${i.id}`),
      detail: {
        'command-id': command.id,
        'document-name': 'release',
        'expire-after': new Date(command.requested.getTime() + 600_000).toISOString(),
        parameters: { action: ['release'], commitSha: ['c0ffee'] },
        'requested-date-time': command.requested.toISOString(),
        status: 'Pending',
      },
    });
    expect(COMMAND_STATUS_CHANGE).toBe('EC2 Command Status-change Notification');
  });
});
