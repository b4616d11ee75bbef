/**
 * The notice each flow's outcome makes, or none when its run changed
 * nothing people need to hear about (a tick that waits, a gate that lets a
 * change through, an issue left as it was). The headlines are the ones the
 * job summaries already state.
 */
import type { Effect } from '../canary/promotion/model.js';
import type { CanaryFlowOutcome } from '../flow/canary.js';
import type { FreezeChange } from '../freeze/run.js';
import type { RollbackOutcome } from '../rollback/run.js';
import { promotionHeadline } from '../report/promotion.js';
import type { WaveStep, WavesPlan } from '../waves/types.js';
import { stepHeadline } from '../waves/render-step.js';
import type { Notice, NoticeLink, NoticeTone } from './event.js';

/** Canary effects worth a message, most telling first: the first one a run committed names its notice. */
const STAGE_EFFECTS: ReadonlyArray<readonly [Effect['kind'], NoticeTone]> = [
  ['failed', 'bad'],
  ['rolled-back', 'bad'],
  ['roll-forward', 'bad'],
  ['aborted', 'bad'],
  ['promoted', 'good'],
  ['started', 'neutral'],
  ['stage-started', 'good'],
  ['awaiting-approval', 'neutral'],
  ['paused', 'neutral'],
  ['resumed', 'neutral'],
];

/** The canary run's notice: its most telling committed transition, with the rollback and postmortem it led to. */
export function canaryNotice(flow: CanaryFlowOutcome): Notice | undefined {
  const committed = flow.canary.results.filter((r) => r.committed);
  for (const [effect, tone] of STAGE_EFFECTS) {
    const result = committed.findLast((r) => r.effects.some((e) => e.kind === effect));
    if (!result) continue;
    const m = result.manifest;
    const version = m.promotion?.version ?? m.canary.version ?? undefined;
    return {
      kind: 'stage',
      action: effect === 'roll-forward' ? 'held-to-roll-forward' : effect,
      tone,
      headline: promotionHeadline(result),
      service: m.service,
      environment: m.environment,
      ...(m.region ? { region: m.region } : {}),
      ...(version ? { version } : {}),
      links: links([
        flow.rollback?.pullRequest.url ? { label: 'Rollback pull request', url: flow.rollback.pullRequest.url } : null,
        flow.postmortem?.issue ? { label: 'Postmortem', url: flow.postmortem.issue.url } : null,
      ]),
    };
  }
  return undefined;
}

/** The waves run's notice: a wave started, the rollout halted, or every region done. */
export function wavesNotice(
  plan: WavesPlan,
  step: WaveStep,
  committed: boolean,
  subject: { service: string; environment: string; version: string },
  postmortemUrl?: string,
): Notice | undefined {
  if (!committed || step.kind === 'wait') return undefined;
  const action = { start: 'wave-started', halt: 'halted', done: 'completed' }[step.kind];
  return {
    kind: 'region',
    action,
    tone: step.kind === 'halt' ? 'bad' : 'good',
    headline: stepHeadline(plan, step),
    ...subject,
    links: links([postmortemUrl ? { label: 'Postmortem', url: postmortemUrl } : null]),
  };
}

/** A region's own job started its deployment. */
export function regionStartedNotice(
  subject: { service: string; environment: string; region: string; version: string },
  note: string,
): Notice {
  return { kind: 'region', action: 'started', tone: 'good', headline: note, ...subject };
}

/** The rollback run's notice: what was rolled back to what, and why. */
export function rollbackNotice(
  outcome: RollbackOutcome,
  subject: { service: string; environment: string; reason: string },
): Notice | undefined {
  const regions = outcome.regions.filter((r) => r.committed).map((r) => r.region);
  if (regions.length === 0 && !outcome.pullRequest.url) return undefined;
  const where = regions.length > 0 ? ` in ${regions.join(', ')}` : '';
  const to = outcome.good ? ` to ${outcome.good}` : '';
  return {
    kind: 'rollback',
    action: 'rolled-back',
    tone: 'bad',
    headline: `${outcome.bad} rolled back${to}${where}: ${subject.reason}`,
    service: subject.service,
    environment: subject.environment,
    ...(regions.length === 1 ? { region: regions[0] } : {}),
    version: outcome.bad,
    links: links([outcome.pullRequest.url ? { label: 'Rollback pull request', url: outcome.pullRequest.url } : null]),
  };
}

/** The postmortem action's notice, when it opened an issue (an update is the authors' business). */
export function postmortemNotice(
  status: string,
  issue: { number: number; url: string },
  incident: { title: string; severity: string; service?: string; environment?: string },
): Notice | undefined {
  if (status !== 'created') return undefined;
  return {
    kind: 'postmortem',
    action: 'opened',
    tone: 'neutral',
    headline: `Postmortem #${issue.number} opened (${incident.severity}): ${incident.title}`,
    ...(incident.service ? { service: incident.service } : {}),
    ...(incident.environment ? { environment: incident.environment } : {}),
    links: [{ label: `Postmortem #${issue.number}`, url: issue.url }],
  };
}

function links(items: ReadonlyArray<NoticeLink | null>): NoticeLink[] {
  return items.filter((l): l is NoticeLink => l !== null);
}

/** The freeze gate's notice, when it blocked a deployment. */
export function freezeBlockedNotice(failure: string | undefined, service: string | undefined): Notice | undefined {
  if (!failure) return undefined;
  return { kind: 'freeze', action: 'blocked', tone: 'bad', headline: failure, ...(service ? { service } : {}) };
}

/** A scheduled freeze run's notice, when it changed the freeze. */
export function freezeChangeNotice(
  change: FreezeChange | undefined,
  featureReason: string | undefined,
  service: string | undefined,
): Notice | undefined {
  if (!change) return undefined;
  const because = featureReason ? `: ${featureReason}` : '';
  const words = {
    frozen: { tone: 'bad', headline: `Features frozen${because}` },
    notice: { tone: 'neutral', headline: `Error budget notice, features may still ship${because}` },
    lifted: { tone: 'good', headline: `No error budget tier is in force: features may ship${because}` },
  } as const;
  return { kind: 'freeze', action: change, ...words[change], ...(service ? { service } : {}) };
}
