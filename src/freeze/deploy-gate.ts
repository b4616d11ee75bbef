/**
 * The deploy gate as the promotion and wave flows ask it: once per
 * deployment step, at the moment the step runs (the clock is read here, not
 * when the pipeline was created), for one change type.
 */
import { DeadlineProvider, describeDeadline, type DeadlineReport } from '../metrics/deadline.js';
import type { MetricsProvider } from '../metrics/provider.js';
import type { SloEvaluation } from './evaluate.js';
import { evaluateSlo, statusOf } from './evaluate.js';
import type { ChangeType, FreezeGatePolicy } from '../policy/schemas/freeze-gate.js';
import { decideGate } from './gate.js';
import type { GateDecision, GateRequest } from './gate.js';
import type { SloDefinition } from './openslo.js';
import type { Deps } from '../deps/deps.js';

/** What the step asks. */
export interface DeployGateInputs {
  readonly slos: readonly SloDefinition[];
  readonly policy: FreezeGatePolicy;
  readonly changeType: ChangeType;
  readonly request?: GateRequest;
}

/** The effects the gate uses. */
export interface DeployGateDeps extends Pick<Deps, 'clock'> {
  /** The one provider the SLOs are measured with. */
  readonly metrics: MetricsProvider;
}

/** The answer for the step, with everything measured to reach it. */
export interface DeployGateOutcome {
  readonly at: Date;
  readonly changeType: ChangeType;
  readonly verdict: 'allow' | 'block';
  readonly reason: string;
  readonly decision: GateDecision;
  /** Empty for a rollback: it is never blocked, so nothing is measured. */
  readonly evaluations: readonly SloEvaluation[];
  /** What the policy's metrics deadline left unmeasured; absent for a rollback. */
  readonly deadline?: DeadlineReport;
}

/**
 * Evaluate the SLOs now and answer for `changeType`. A rollback is answered
 * without asking the metrics provider, so that a rollback never waits on a
 * Prometheus that is slow or down; anything else waits for its metrics at
 * most the policy's `metricsDeadline`, after which what is missing is
 * handled as `onMetricsUnavailable` says.
 */
export async function checkDeployGate(inputs: DeployGateInputs, deps: DeployGateDeps): Promise<DeployGateOutcome> {
  const at = deps.clock.now();
  if (inputs.changeType === 'rollback') {
    const decision = decideGate(inputs.policy, [], at, inputs.request);
    const change = decision.changes.rollback;
    return { at, changeType: 'rollback', verdict: change.verdict, reason: change.reason, decision, evaluations: [] };
  }
  const metrics = new DeadlineProvider(deps.metrics, inputs.policy.metricsDeadline);
  const evaluations = await Promise.all(inputs.slos.map((slo) => evaluateSlo(slo, inputs.policy, at, { metrics })));
  const decision = decideGate(inputs.policy, evaluations.map(statusOf), at, inputs.request);
  const change = decision.changes[inputs.changeType];
  const deadline = metrics.report();
  const note = describeDeadline(deadline);
  // The deadline is said in the answer itself: the reason is what a promotion records and shows.
  const reason = note && !change.reason.includes(note) ? `${change.reason}. ${note}` : change.reason;
  return { at, changeType: inputs.changeType, verdict: change.verdict, reason, decision, evaluations, deadline };
}
