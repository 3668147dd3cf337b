/**
 * Named errors. Step Functions sees a Lambda error by its `name`, so these names are part of
 * the contract with the ASL (see types/tasks.ts ErrorNames). `cause` is kept for the logs.
 */
import { ErrorNames } from './types/tasks';

abstract class TaskError extends Error {
  abstract override readonly name: string;
}

/** The configured Beanstalk environment or EC2 instances do not exist. */
export class TargetNotFoundError extends TaskError {
  override readonly name = ErrorNames.TargetNotFound;
}

/** The target exists but is not healthy enough to deploy into; message lists the findings. */
export class TargetUnhealthyError extends TaskError {
  override readonly name = ErrorNames.TargetUnhealthy;
}

/** Elastic Beanstalk could not process the application version (bad bundle). */
export class VersionProcessingFailedError extends TaskError {
  override readonly name = ErrorNames.VersionProcessingFailed;
}

/** The deploy service refused to start the deployment (e.g. an update already in progress). */
export class DeployRejectedError extends TaskError {
  override readonly name = ErrorNames.DeployRejected;
}

/** The public URL did not answer as expected after every attempt. */
export class SmokeTestFailedError extends TaskError {
  override readonly name = ErrorNames.SmokeTestFailed;
}

/** A watched CloudWatch alarm went to ALARM during the bake window. */
export class AlarmTriggeredError extends TaskError {
  override readonly name = ErrorNames.AlarmTriggered;
}
