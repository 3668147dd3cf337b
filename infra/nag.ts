/**
 * cdk-nag acknowledgements in one shape: every acknowledgement names the construct it applies to
 * (its path shows in the report) and says why the finding is acceptable here.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** One acknowledged finding: a rule id (optionally `Rule[Finding]`) and the reason it is fine. */
export interface Acknowledgement {
  id: string;
  reason: string;
}

/** Acknowledges findings on `construct` and everything below it. */
export function acknowledge(construct: IConstruct, ...acknowledgements: Acknowledgement[]): void {
  for (const { id, reason } of acknowledgements) {
    if (reason.trim().length < 20)
      throw new Error(`acknowledgement ${id} on ${construct.node.path} needs a real reason`);
    Validations.of(construct).acknowledge({ id, reason });
  }
}
