/**
 * The incident of a waves rollout that halted: the regions that failed, the
 * rollout's timeline as the rollout state recorded it, and the rollback. Its
 * key is the one a rollback of the version uses (`rollback-<service>-<version>`),
 * so a canary region's own postmortem, a rollback through rollback.yml and the
 * halted rollout all find the same issue.
 */
import type { Incident } from '../postmortem/incident.js';
import type { TimelineEvent } from '../postmortem/timeline.js';
import type { RolloutState } from './rollout-state.js';
import type { StepRegion } from './types.js';

export function wavesIncident(
  rollout: { service: string; environment: string; version: string },
  state: RolloutState,
  halt: { wave: number; failed: readonly StepRegion[] },
  rollback: { url: string } | undefined,
  now: Date,
): Incident {
  const failed = halt.failed.map((r) => r.region);
  const events: TimelineEvent[] = [
    { at: state.startedAt, kind: 'deployment', text: `waves rollout of ${rollout.version} started` },
  ];
  for (const [region, r] of Object.entries(state.regions)) {
    if (r.startedAt) events.push({ at: r.startedAt, kind: 'traffic', text: `${region} started` });
    if (r.healthyAt) events.push({ at: r.healthyAt, kind: 'verdict', text: `${region} healthy` });
    if (r.endedAt && (r.state === 'failed' || r.state === 'rolled-back'))
      events.push({
        at: r.endedAt,
        kind: r.state === 'failed' ? 'verdict' : 'rollback',
        text: `${region} ${r.state}${r.reason ? `: ${r.reason}` : ''}`,
      });
  }
  if (rollback)
    events.push({ at: now.toISOString(), kind: 'rollback-pr', text: 'rollback pull request', url: rollback.url });
  const starts = failed
    .map((region) => state.regions[region]?.startedAt)
    .filter((t): t is string => Boolean(t))
    .sort();
  return {
    key: `rollback-${rollout.service}-${rollout.version}`,
    title: `${rollout.service} ${rollout.version} rolled back`,
    // The postmortem action's default severity when no incident label says otherwise.
    severity: 'sev2',
    trigger: 'rollback',
    service: rollout.service,
    // One failed region's deployments, so that the timeline shows what was deployed there.
    environment: `${rollout.environment}/${failed[0] ?? ''}`.replace(/\/$/, ''),
    startedAt: starts[0] ?? state.startedAt,
    resolvedAt: now.toISOString(),
    summary: `The waves rollout of ${rollout.version} halted in wave ${halt.wave}: ${halt.failed.map((r) => `${r.region} (${r.reason})`).join(', ')}.`,
    links: rollback ? [{ label: 'rollback pull request', url: rollback.url }] : [],
    events,
  };
}
