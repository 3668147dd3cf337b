import { summariseCause } from '../../functions/notifier/cause-text';

describe('Beanstalk status summaries', () => {
  const events = [
    '2026-11-29T10:12:00.000Z INFO Environment health has transitioned from Degraded to Ok.',
    '2026-11-29T10:12:00.000Z ERROR Failed to deploy application.',
    '2026-11-29T10:09:30.000Z INFO Rolling back traffic to the previous application version.',
    '2026-11-29T10:09:30.000Z ERROR Traffic splitting evaluation failed: the new application version did not pass health checks.',
    '2026-11-29T10:09:00.000Z WARN Environment health has transitioned from Info to Degraded. 28.0 % of the requests to the new application version are failing with HTTP 5xx.',
    '2026-11-29T10:05:00.000Z INFO Starting traffic splitting evaluation.',
  ];
  const summary = `Environment Ready, health Green. Newest events: ${JSON.stringify(events)}`;

  test('a reverted canary opens with the failure, not with "Environment Ready, health Green"', () => {
    const text = summariseCause(summary)!.text;
    expect(text.startsWith('Traffic splitting evaluation failed')).toBe(true);
    expect(text).toContain(
      'Also reported: Environment health has transitioned from Info to Degraded. 28.0 % of the requests to the new application version are failing with HTTP 5xx. / Failed to deploy application.',
    );
    expect(text.endsWith('Afterwards the environment is Ready, health Green.')).toBe(true);
  });

  test('a prefix such as "Deploy of X failed." stays in front', () => {
    const text = summariseCause(`Deploy of 3f2a9c1b7d4e failed. ${summary}`)!.text;
    expect(text.startsWith('Deploy of 3f2a9c1b7d4e failed. Traffic splitting evaluation failed')).toBe(true);
  });

  test('without a failure event it says so', () => {
    const text = summariseCause(
      `Environment Updating, health Grey. Newest events: ${JSON.stringify([events[5]])}`,
    )!.text;
    expect(text).toBe('No failure event was reported. Afterwards the environment is Updating, health Grey.');
  });

  test('text that only looks like a summary is left as it is', () => {
    expect(summariseCause('Environment Ready, health Green. Newest events: [not json')!.text).toBe(
      'Environment Ready, health Green. Newest events: [not json',
    );
  });
});
