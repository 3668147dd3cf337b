/**
 * The sandbox's AWS limits, each with its source beside it: request member constraints from the
 * service models (constraints.ts), Elastic Beanstalk option ranges (beanstalk-options.ts). The
 * sandbox registers limitsChecks() on its request pipeline by default (npm start and every test).
 */
import type { CallCheck } from '../aws/server';
import { beanstalkOptionsCheck } from './beanstalk-options';
import { constraintsCheck } from './constraints';

/** Request pipeline steps that refuse what AWS refuses. */
export function limitsChecks(): CallCheck[] {
  return [constraintsCheck(), beanstalkOptionsCheck];
}
