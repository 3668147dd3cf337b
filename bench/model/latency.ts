/**
 * The latency model of AWS the overhead model charges time with. Local processing costs nothing;
 * only these figures add time. Each says where it comes from: an AWS page, a measurement of this
 * repository's own bundles (checked in, so every run and machine uses the same figures), or, where
 * AWS publishes no figure, an assumption named as such (its effect is printed as a sensitivity).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Per-function Lambda figures, milliseconds (bench/model/lambda-latency.json). */
export interface FunctionLatency {
  /**
   * Function init of a cold start: importing the deployed bundle, measured by
   * bench/bundles.bench.ts as the median CPU time of `require` in a fresh Node process. "Lambda ... runs the
   * function's initialization code, which is the code outside the main handler" (AWS Lambda
   * Developer Guide, "Understanding the Lambda execution environment lifecycle", Init phase).
   */
  initMs: number;
  /** Handler time of a warm invocation (the Invoke phase), as that function does its AWS calls. */
  handlerMs: number;
}

export interface LatencyModel {
  functions: Record<string, FunctionLatency>;
  /** Runtime start of a cold environment before function init (Init phase: runtime init). */
  runtimeInitMs: number;
  /** Time from one state to the next inside a Standard workflow execution. */
  transitionMs: number;
  /** An event from an AWS service reaching its EventBridge rule's target. */
  eventDeliveryMs: number;
  /** A synchronous Lambda invoke's own round trip (request routing), on top of handler time. */
  invokeMs: number;
  /** Where each figure comes from, printed under the model's table. */
  sources: string[];
}

/** The checked-in per-function figures; recorded with `npm run bench:record-lambda`. */
export const LAMBDA_LATENCY_FILE = join(__dirname, 'lambda-latency.json');

/** The model used by `npm run bench` (figures fixed in the repository). */
export function latencyModel(file = LAMBDA_LATENCY_FILE): LatencyModel {
  const recorded = JSON.parse(readFileSync(file, 'utf8')) as {
    recordedAt: string;
    functions: Record<string, FunctionLatency>;
  };
  return {
    functions: recorded.functions,
    runtimeInitMs: 100,
    transitionMs: 50,
    eventDeliveryMs: 500,
    invokeMs: 20,
    sources: [
      `Lambda function init and warm handler time per function: this repository's bundles and handlers, measured ${recorded.recordedAt} (bench/model/lambda-latency.json; init = median CPU time of requiring the deployed bundle in a fresh Node process; handler = median sandbox invocation). Init phase as in "Understanding the Lambda execution environment lifecycle" (AWS Lambda Developer Guide).`,
      'Lambda runtime init 100 ms and invoke round trip 20 ms: assumptions. AWS publishes no figure; the lifecycle page names the phases (Extension init, Runtime init, Function init; Invoke) without durations.',
      'State transition 50 ms: assumption. AWS publishes no per-transition latency for Standard workflows ("Standard vs. Express workflows" in the Step Functions Developer Guide gives pricing and semantics only).',
      'EventBridge delivery 500 ms: assumption. AWS events are "best effort" or "durable" with no latency figure ("Event delivery from AWS services", EventBridge User Guide); delivery to targets retries for up to 24 hours ("How EventBridge retries delivering events").',
    ],
  };
}

/** Modelled time of one Lambda invocation: cold (runtime + function init + handler) or warm. */
export function lambdaMs(model: LatencyModel, functionName: string, cold: boolean): number {
  const fn = model.functions[functionName];
  if (!fn) throw new Error(`no latency figures for ${functionName} in bench/model/lambda-latency.json`);
  return model.invokeMs + fn.handlerMs + (cold ? model.runtimeInitMs + fn.initMs : 0);
}
