/**
 * RedriveExecution on the real pipeline ASL (and its deploy sub-workflows) in the scripted world:
 * what an operator gets from `aws stepfunctions redrive-execution` after a transient fault.
 */
import {
  samplePipeline,
  startPipeline,
  type Scenario,
  type StartedPipeline,
  type TaskCall,
} from '../../bench/support/pipeline-harness';

const retailBank = samplePipeline('retail-bank');
const microblog = samplePipeline('microblog');

const count = (calls: TaskCall[], fn: string, action: string) =>
  calls.filter((c) => c.fn === fn && c.action === action).length;

describe('redriving a pipeline run', () => {
  it('a run stopped while its Beanstalk deploy hung resumes at Deploy: no rebuild, no second approval, deployed', async () => {
    // Prepare: the canary deploy stays "in-progress" (a stuck Beanstalk update, which sends no
    // outcome event, so each wait ends by its safety poll); after three polls the operator stops
    // the run (StopExecution: ABORTED, no cleanup state runs).
    const scenario: Scenario = {
      deployPolls: Number.MAX_SAFE_INTEGER,
      events: 'lost',
      onCall: (call: TaskCall) => {
        if (call.action === 'deployStatus' && count(started.calls, 'beanstalk-deploy', 'deployStatus') === 3)
          started.execution.abort();
      },
    };
    const started: StartedPipeline = startPipeline(retailBank, scenario);
    const { execution, sfn } = started;
    await execution.done;
    expect(execution.status).toBe('ABORTED');
    const firstChild = execution.children[0]!;
    expect(firstChild.status).toBe('ABORTED');
    const before = {
      builds: started.builds.length,
      approvals: count(started.calls, 'approval-request', 'prepare'),
      lock: count(started.calls, 'deploy-lock', 'acquire'),
      health: count(started.calls, 'health-gate', 'check'),
    };
    expect(before).toEqual({ builds: 2, approvals: 1, lock: 1, health: 1 });

    // Act: Beanstalk recovers; the operator redrives.
    scenario.deployPolls = 0;
    scenario.events = 'delivered';
    sfn.engine.redrive(execution.arn);
    await execution.done;

    // Assess
    const run = started.result();
    expect(run.status).toBe('SUCCEEDED');
    expect(execution.redriveCount).toBe(1);
    expect(started.builds).toHaveLength(before.builds);
    expect(count(run.calls, 'approval-request', 'prepare')).toBe(before.approvals);
    expect(count(run.calls, 'deploy-lock', 'acquire')).toBe(before.lock);
    expect(count(run.calls, 'health-gate', 'check')).toBe(before.health);
    expect(count(run.calls, 'beanstalk-deploy', 'startDeploy')).toBe(2);
    expect(count(run.calls, 'deploy-history', 'recordOutcome')).toBe(1);
    expect(count(run.calls, 'deploy-lock', 'release')).toBe(1);
    // A new deploy sub-workflow ran to the end; the stopped one stays ABORTED.
    expect(execution.children.map((c) => c.status)).toEqual(['ABORTED', 'SUCCEEDED']);
    const redriven = run.events.find((e) => e.type === 'ExecutionRedriven')!;
    const after = run.visited.slice(
      run.events.slice(0, redriven.id).filter((e) => e.type.endsWith('StateEntered')).length,
    );
    expect(after[0]).toBe('Deploy');
    expect(after).toEqual(
      expect.arrayContaining(['Smoke test', 'Record outcome', 'Release deploy lock', 'Deployed']),
    );
    expect(after).not.toContain('Wait for approval');
  });

  it('a run that ended in its named Fail state after a throttling outage fails again at that state', async () => {
    // Prepare: the health gate is throttled past its Retry budget (7 attempts); the Catch runs the
    // cleanup and the run fails at "Failed: target unhealthy".
    const scenario = { throttle: { 'health-gate.check': 7 } };
    const started = startPipeline(microblog, scenario);
    const { execution, sfn } = started;
    await execution.done;
    expect([execution.status, execution.error]).toEqual(['FAILED', 'HealthGateFailed']);
    const before = started.calls.length;

    // Act: the throttling is over, but the run already cleaned up.
    sfn.engine.redrive(execution.arn);
    await execution.done;

    // Assess: Step Functions restarts from the unsuccessful state, the Fail state itself.
    const run = started.result();
    expect([run.status, run.error]).toEqual(['FAILED', 'HealthGateFailed']);
    expect(started.calls.length).toBe(before);
    expect(run.visited.at(-1)).toBe('Failed: target unhealthy');
  });
});
