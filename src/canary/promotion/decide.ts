/**
 * The staged promotion as a pure state machine. Given the release manifest
 * (which holds the promotion state), the policy, a command and the facts of
 * this reconcile, it returns one step: ask for a judgment, write a new
 * manifest, wait, or refuse. Missing or unknown data never moves traffic
 * forward: it holds.
 */
import type { ReleaseManifest } from '../../gitops/manifest.js';
import type { Command, Effect, Explanation, Facts, PromotionPolicy, Step } from './model.js';
import { approvalCounts, describeApprovers, describeStageApprovers, permitted, stageApproval } from './approval.js';
import { keepReadyAtFullTraffic, keptReadyTick, watchTick, withKeepReadyAfter } from './keep-ready.js';
import type { Judgment, PromotionState } from '../../gitops/promotion-state.js';
import { FINAL_PHASES, KEEP_HISTORY, KEEP_JUDGMENTS, KEEP_JUDGMENT_VALUES } from '../../gitops/promotion-state.js';

export { approvalCounts, permitted } from './approval.js';

const iso = (d: Date | number) => new Date(d).toISOString();

/** The history event of a failed irreversible canary held to roll forward. */
export const ROLL_FORWARD_EVENT = 'failed: held to roll forward';
const minutes = (ms: number) => `${Math.round(ms / 6000) / 10} min`;

/** Decides the next step of a promotion. */
export function decide(manifest: ReleaseManifest, policy: PromotionPolicy, command: Command, facts: Facts): Step {
  const p = manifest.promotion;
  const active = p && !FINAL_PHASES.includes(p.phase) ? p : undefined;
  if (command.kind === 'start') return start(manifest, policy, command, facts, active);
  if (!active) {
    const kept =
      command.kind === 'tick' ? (watchTick(manifest, policy, facts) ?? keptReadyTick(manifest, facts.now)) : undefined;
    if (kept) return kept;
    return command.kind === 'tick'
      ? {
          kind: 'wait',
          until: null,
          explanation: {
            summary: 'No promotion in progress',
            reason: p ? `the last promotion (${p.version}) ended: ${p.phase}` : 'nothing was started',
          },
        }
      : refuse(
          `${command.kind} needs a promotion in progress`,
          p ? `the last promotion (${p.version}) ended: ${p.phase}` : 'nothing was started',
        );
  }
  // A stage waiting for approval is approved by its own approvers (the tier's, else these), checked in promoteNow.
  const approving = command.kind === 'promote' && active.phase === 'awaiting-approval';
  if (command.kind !== 'tick' && !approving && !permitted(policy, command.by, facts)) {
    return refuse(`${command.by} may not ${command.kind} this promotion`, notPermitted(policy, facts));
  }
  switch (command.kind) {
    case 'tick':
      if (active.phase === 'paused') {
        const heldToRollForward = active.history.at(-1)?.event === ROLL_FORWARD_EVENT;
        return {
          kind: 'wait',
          until: null,
          explanation: {
            summary: `Paused at ${manifest.canary.weight}%`,
            reason: heldToRollForward
              ? 'the irreversible release failed its judgment and is held to roll forward: a fixed version must follow'
              : 'a person paused it; resume to continue',
          },
        };
      }
      if (active.phase === 'awaiting-approval') {
        return {
          kind: 'wait',
          until: null,
          explanation: {
            summary: `Waiting for approval to enter stage ${active.stage + 1} (${policy.stages[active.stage]?.weight}%)`,
            reason: `approvers: ${describeStageApprovers(policy, policy.stages[active.stage]?.approval)}`,
          },
        };
      }
      return soak(manifest, policy, active, facts);
    case 'promote':
      return promoteNow(manifest, policy, active, facts, command.by, command.reason, command.changeRecord);
    case 'pause':
      if (active.phase === 'paused') return refuse('Already paused', `paused at ${active.pausedAt}`);
      return transition(
        manifest,
        {
          ...active,
          phase: 'paused',
          pausedAt: iso(facts.now),
          resumeTo: active.phase === 'awaiting-approval' ? 'awaiting-approval' : 'soaking',
        },
        facts,
        [{ kind: 'paused' }],
        `${command.by} paused`,
        {
          summary: `Paused at ${manifest.canary.weight}%`,
          reason: command.reason ?? `${command.by} paused the promotion`,
        },
      );
    case 'resume': {
      if (active.phase !== 'paused' || !active.pausedAt)
        return refuse('Not paused', `the promotion is ${active.phase}`);
      const pausedFor = facts.now.getTime() - Date.parse(active.pausedAt);
      const { pausedAt: _p, resumeTo, ...rest } = active;
      // The soak clock stops while paused: the stage's start moves on by the pause.
      const resumed: PromotionState = {
        ...rest,
        phase: resumeTo ?? 'soaking',
        stageStartedAt: iso(Date.parse(active.stageStartedAt) + pausedFor),
      };
      return transition(manifest, resumed, facts, [{ kind: 'resumed' }], `${command.by} resumed`, {
        summary: `Resumed at ${manifest.canary.weight}%`,
        reason: `paused for ${minutes(pausedFor)}; the soak clock stopped meanwhile`,
      });
    }
    case 'abort':
    case 'rollback': {
      const phase = command.kind === 'abort' ? 'aborted' : 'rolled-back';
      const reason = command.reason ?? `${command.by} asked for ${command.kind}`;
      return end(manifest, active, facts, phase, `${command.by}: ${command.kind}`, {
        summary: `${command.kind === 'abort' ? 'Aborted' : 'Rolled back'}: traffic back to ${manifest.stable.version}`,
        reason,
      });
    }
  }
}

function start(
  manifest: ReleaseManifest,
  policy: PromotionPolicy,
  command: Extract<Command, { kind: 'start' }>,
  facts: Facts,
  active?: PromotionState,
): Step {
  if (active) {
    if (active.version === command.version)
      return {
        kind: 'wait',
        until: null,
        explanation: {
          summary: `${command.version} is already being promoted`,
          reason: `it is ${active.phase} in stage ${active.stage + 1}`,
        },
      };
    return refuse(
      `Cannot start ${command.version}`,
      `the promotion of ${active.version} is still ${active.phase}; abort it first`,
    );
  }
  if (!permitted(policy, command.by, facts))
    return refuse(`${command.by} may not start a promotion`, notPermitted(policy, facts));
  if (command.version === manifest.stable.version)
    return refuse(`Cannot start ${command.version}`, 'it is already the stable version');
  if (!facts.quarantine.allow)
    return refuse(`Cannot start ${command.version}: it is quarantined`, facts.quarantine.reason);
  if (!facts.freeze.allow) return refuse(`Cannot start ${command.version}: deploys are frozen`, facts.freeze.reason);
  const first = policy.stages[0];
  if (!first) return refuse('Cannot start', 'the policy has no stages');
  const now = iso(facts.now);
  const state: PromotionState = {
    id: `${manifest.service}/${manifest.environment}/${manifest.region ?? 'default'}/${command.version}`,
    version: command.version,
    phase: first.approval !== 'none' ? 'awaiting-approval' : 'soaking',
    stage: 0,
    startedAt: now,
    startedBy: command.by,
    stageStartedAt: now,
    failedIntervals: 0,
    judgments: [],
    history: [{ at: now, event: 'started', by: command.by }],
  };
  const weight = first.approval !== 'none' ? 0 : first.weight;
  // A release marked irreversible by hand before the start stays marked: the mark is what decides a failure's fate.
  const irreversible = command.irreversible === true || manifest.canary.irreversible === true;
  const next: ReleaseManifest = {
    ...manifest,
    canary: { version: command.version, weight, ...(irreversible ? { irreversible: true } : {}) },
    promotion: state,
  };
  const effects: Effect[] = [
    { kind: 'started' },
    weight > 0 ? { kind: 'traffic', from: manifest.canary.weight, to: weight } : { kind: 'awaiting-approval' },
  ];
  return {
    kind: 'transition',
    manifest: next,
    effects,
    explanation: {
      summary: `${weight > 0 ? `Started ${command.version} at ${weight}%` : `Started ${command.version}; waiting for approval before ${first.weight}%`}${irreversible ? ' (irreversible)' : ''}`,
      reason: `${command.by} started it; the freeze gate allows: ${facts.freeze.reason}${irreversible ? `; a failure ${policy.irreversible === 'roll-forward' ? 'holds it where it is to roll forward' : 'rolls it back all the same (rollback policy irreversible: rollback)'}` : ''}`,
    },
  };
}

/** A soaking stage: judge when due, fail, hold, or move on when the soak is over and the last judgment passed. */
function soak(manifest: ReleaseManifest, policy: PromotionPolicy, p: PromotionState, facts: Facts): Step {
  const stage = policy.stages[p.stage];
  if (!stage)
    return refuse('The promotion is past the policy’s stages', `stage ${p.stage + 1} of ${policy.stages.length}`);
  const now = facts.now.getTime();
  const stageStart = Date.parse(p.stageStartedAt);
  const soakEnd = stageStart + stage.soakTime;
  const mine = p.judgments.filter((j) => j.stage === p.stage && Date.parse(j.at) >= stageStart);
  const last = mine.at(-1);
  const lastAt = last ? Date.parse(last.at) : undefined;
  const looks = Math.max(1, Math.ceil(stage.soakTime / policy.interval));

  if (facts.judgment) return judged(manifest, policy, p, facts, facts.judgment, soakEnd, looks);
  if (last && lastAt !== undefined && lastAt >= soakEnd && last.verdict === 'Pass')
    return advance(manifest, policy, p, facts, `stage ${p.stage + 1} soaked and its last judgment passed`);
  // Judged every interval and once more when the soak ends; a stage held past its soak is judged every interval.
  let dueAt: number;
  if (lastAt === undefined) dueAt = Math.min(stageStart + policy.interval, soakEnd);
  else if (lastAt < soakEnd) dueAt = Math.min(lastAt + policy.interval, soakEnd);
  else dueAt = lastAt + policy.interval;
  if (now < dueAt) {
    return {
      kind: 'wait',
      until: new Date(dueAt),
      explanation: {
        summary: `Soaking at ${stage.weight}% (stage ${p.stage + 1} of ${policy.stages.length})`,
        reason: `next judgment at ${iso(dueAt)}; soak ends at ${iso(soakEnd)}`,
      },
    };
  }
  return {
    kind: 'need-judgment',
    start: new Date(Math.max(stageStart, now - policy.lookback)),
    end: facts.now,
    look: Math.min(mine.length + 1, looks),
    looks,
    explanation: {
      summary: `Judging stage ${p.stage + 1} at ${stage.weight}%`,
      reason: `${mine.length} judgment(s) so far in this stage`,
    },
  };
}

function judged(
  manifest: ReleaseManifest,
  policy: PromotionPolicy,
  p: PromotionState,
  facts: Facts,
  j: NonNullable<Facts['judgment']>,
  soakEnd: number,
  looks: number,
): Step {
  const { metrics, ...rest } = j;
  const judgment: Judgment = { at: iso(facts.now), stage: p.stage, ...rest, ...(metrics ? { metrics } : {}) };
  const withJudgment: PromotionState = { ...p, judgments: keepJudgments([...p.judgments, judgment], p.stage) };
  const counted = j.verdict === 'Fail' || (j.verdict === 'Marginal' && policy.marginal === 'fail');
  const measured = `score ${j.score ?? 'none'}: ${j.reason}`;
  if (counted) {
    const failed = p.failedIntervals + 1;
    if (failed > policy.maxFailedIntervals) {
      if (manifest.canary.irreversible && policy.irreversible === 'roll-forward') {
        // An older version cannot undo this release, so zeroing its traffic would not make it safe: hold it and fix forward.
        const held: PromotionState = {
          ...withJudgment,
          failedIntervals: failed,
          phase: 'paused',
          pausedAt: iso(facts.now),
          resumeTo: 'soaking',
        };
        return transition(manifest, held, facts, [{ kind: 'roll-forward' }, { kind: 'paused' }], ROLL_FORWARD_EVENT, {
          summary: `Failed at ${manifest.canary.weight}%: ${p.version} is irreversible, paused at ${manifest.canary.weight}% to roll forward with a fix`,
          reason: `${failed} failed judgment(s) in stage ${p.stage + 1}, more than the ${policy.maxFailedIntervals} the policy tolerates; the rollback policy says irreversible: roll-forward, so traffic stays where it is and a fixed version must follow`,
          measured,
          threshold: `at most ${policy.maxFailedIntervals} failed interval(s)`,
        });
      }
      return end(manifest, { ...withJudgment, failedIntervals: failed }, facts, 'failed', `judgment ${j.verdict}`, {
        summary: `Failed at ${manifest.canary.weight}%: traffic back to ${manifest.stable.version}`,
        reason: `${failed} failed judgment(s) in stage ${p.stage + 1}, more than the ${policy.maxFailedIntervals} the policy tolerates`,
        measured,
        threshold: `at most ${policy.maxFailedIntervals} failed interval(s)`,
      });
    }
    return transition(
      manifest,
      { ...withJudgment, failedIntervals: failed },
      facts,
      [{ kind: 'judged' }],
      `judgment ${j.verdict}`,
      {
        summary: `Judgment ${j.verdict} at ${manifest.canary.weight}% (${failed} of ${policy.maxFailedIntervals} tolerated)`,
        reason: 'held; judged again at the next interval',
        measured,
      },
    );
  }
  if (j.verdict === 'Pass' && facts.now.getTime() >= soakEnd) {
    return advance(
      manifest,
      policy,
      withJudgment,
      facts,
      `stage ${p.stage + 1} soaked and its last judgment passed (${measured})`,
      true,
    );
  }
  const why =
    j.verdict === 'Pass'
      ? `soak ends at ${iso(soakEnd)}`
      : j.verdict === 'Marginal'
        ? 'a Marginal judgment holds the stage until a later Pass, or until a permitted user accepts it with `promote` and a reason'
        : 'no data is not a pass: the stage holds, and no person can accept it (missing data never promotes)';
  return transition(
    manifest,
    withJudgment,
    facts,
    [{ kind: j.verdict === 'Pass' ? 'judged' : 'held' }],
    `judgment ${j.verdict}`,
    {
      summary: `Judgment ${j.verdict} at ${manifest.canary.weight}% (look ${Math.min(p.judgments.filter((x) => x.stage === p.stage).length + 1, looks)} of ${looks})`,
      reason: why,
      measured,
    },
  );
}

/** Moves to the next stage (or promotes after the last), if the freeze gate allows. */
function advance(
  manifest: ReleaseManifest,
  policy: PromotionPolicy,
  p: PromotionState,
  facts: Facts,
  why: string,
  newJudgment = false,
  who?: { by: string; detail?: string; change?: string },
): Step {
  const nextIndex = p.stage + 1;
  const next = policy.stages[nextIndex];
  if (!next) {
    const done: PromotionState = {
      ...p,
      phase: 'promoted',
      outcome: `promoted to stable after ${policy.stages.length} stages`,
    };
    const previous = [{ version: manifest.stable.version, until: iso(facts.now) }, ...manifest.previous].slice(0, 20);
    const stable = manifest.canary.irreversible ? { version: p.version, irreversible: true } : { version: p.version };
    // The old stable version stays ready for a full rollback until the new one has baked.
    const m = withKeepReadyAfter(
      {
        ...manifest,
        stable,
        previous,
        canary: { version: null, weight: 0 },
        promotion: withEvent(done, facts, 'promoted', who),
      },
      manifest.stable.version,
      policy,
      facts.now,
    );
    return {
      kind: 'transition',
      manifest: m,
      effects: [{ kind: 'promoted' }],
      explanation: { summary: `Promoted ${p.version} to stable`, reason: why },
    };
  }
  if (!facts.freeze.allow) {
    const explanation = {
      summary: `Holding at ${manifest.canary.weight}%: deploys are frozen`,
      reason: facts.freeze.reason,
    };
    // A judgment just made is kept even though traffic cannot move on.
    if (newJudgment) return transition(manifest, p, facts, [{ kind: 'held' }], 'held by a freeze', explanation);
    return { kind: 'wait', until: null, explanation };
  }
  if (next.approval !== 'none') {
    return transition(
      manifest,
      { ...p, phase: 'awaiting-approval', stage: nextIndex, failedIntervals: 0 },
      facts,
      [{ kind: 'awaiting-approval' }],
      'awaiting approval',
      {
        summary: `Stage ${p.stage + 1} passed; waiting for approval before ${next.weight}%`,
        reason: why,
      },
    );
  }
  return enterStage(manifest, p, nextIndex, next.weight, facts, why, who);
}

function enterStage(
  manifest: ReleaseManifest,
  p: PromotionState,
  index: number,
  weight: number,
  facts: Facts,
  why: string,
  who?: { by: string; detail?: string; change?: string },
): Step {
  const state: PromotionState = {
    ...p,
    phase: 'soaking',
    stage: index,
    stageStartedAt: iso(facts.now),
    failedIntervals: 0,
  };
  // The canary keeps its irreversible mark through every stage.
  const m: ReleaseManifest = {
    ...manifest,
    canary: { ...manifest.canary, version: p.version, weight },
    promotion: withEvent(state, facts, `stage ${index + 1} at ${weight}%`, who),
    ...keepReadyAtFullTraffic(manifest, weight),
  };
  return {
    kind: 'transition',
    manifest: m,
    effects: [{ kind: 'stage-started' }, { kind: 'traffic', from: manifest.canary.weight, to: weight }],
    explanation: { summary: `Canary ${p.version} to ${weight}%`, reason: why },
  };
}

/**
 * `promote`: approve a waiting stage, skip the rest of a soak, or accept a
 * Marginal judgment with a recorded reason; never past a Fail or missing data.
 */
function promoteNow(
  manifest: ReleaseManifest,
  policy: PromotionPolicy,
  p: PromotionState,
  facts: Facts,
  by: string,
  reason?: string,
  changeRecord?: string,
): Step {
  if (p.phase === 'paused') return refuse('Paused', 'resume before promoting');
  const approval = approvalCounts(policy.approvalMethod, facts.origin);
  if (!approval.counts) return refuse(`${by}'s promote does not count as an approval`, approval.reason);
  const approver = approval.approver ?? by;
  // The approval the stage a promote moves into waits for (the stage waiting, or the next one when it skips a soak).
  const approve = (index: number) => {
    const stage = policy.stages[index];
    const who = { by, approver, ...(changeRecord ? { changeRecord } : {}) };
    return stage ? stageApproval(policy, stage, index, p, who, facts) : undefined;
  };
  if (p.phase === 'awaiting-approval') {
    if (!facts.freeze.allow) return refuse('Deploys are frozen', facts.freeze.reason);
    const stage = policy.stages[p.stage];
    if (!stage) return refuse('No such stage', `stage ${p.stage + 1}`);
    const given = approve(p.stage);
    if (given && !given.given) return refuse(given.summary, given.reason);
    const change = given?.given && given.changeRecord ? { change: given.changeRecord } : {};
    return enterStage(
      manifest,
      p,
      p.stage,
      stage.weight,
      facts,
      `${given?.given && stage.approval === 'change' ? given.words : `${approver} approved`} (${approval.reason})${reason ? `: ${reason}` : ''}`,
      { by: approver, ...(reason ? { detail: reason } : {}), ...change },
    );
  }
  const last = p.judgments.filter((j) => j.stage === p.stage).at(-1);
  let why = `${approver} promoted before the soak ended`;
  if (last && last.verdict === 'Fail')
    return refuse(
      'Cannot promote past a Fail judgment',
      `${last.reason}; a person cannot accept a Fail: abort or roll back`,
    );
  if (last && last.verdict === 'NoData')
    return refuse(
      'Cannot promote past a NoData judgment',
      `${last.reason}; missing data never promotes, whoever asks: wait for a judgment with data, or abort`,
    );
  if (last && last.verdict === 'Marginal') {
    if (policy.marginal === 'fail')
      return refuse(
        'Cannot promote past a Marginal judgment',
        `the policy's analysis.marginal is fail, so a Marginal judgment counts as a failure: abort or roll back`,
      );
    if (!reason)
      return refuse(
        'Accepting a Marginal judgment needs a reason',
        `the last judgment of stage ${p.stage + 1} was Marginal (score ${last.score ?? 'none'}: ${last.reason}); promote again with a reason, which is recorded`,
      );
    why = `${approver} accepted a Marginal judgment (score ${last.score ?? 'none'}): ${reason}`;
  }
  if (!facts.freeze.allow) return refuse('Deploys are frozen', facts.freeze.reason);
  const given = approve(p.stage + 1);
  if (given && !given.given) return refuse(given.summary, given.reason);
  const change = given?.given && given.changeRecord ? { change: given.changeRecord } : {};
  const who = { by: approver, ...(reason ? { detail: reason } : {}), ...change };
  if (reason && last?.verdict !== 'Marginal') why += `: ${reason}`;
  if ('change' in change) why += ` (change ${change.change})`;
  const next = policy.stages[p.stage + 1];
  // The person who skips the soak is a permitted approver, so a stage needing approval is approved too.
  if (next) return enterStage(manifest, p, p.stage + 1, next.weight, facts, why, who);
  return advance(manifest, policy, p, facts, why, false, who);
}

function end(
  manifest: ReleaseManifest,
  p: PromotionState,
  facts: Facts,
  phase: 'failed' | 'aborted' | 'rolled-back',
  event: string,
  explanation: Explanation,
): Step {
  const state: PromotionState = { ...p, phase, outcome: explanation.reason };
  const { keepReady: _kept, ...rest } = manifest;
  // Traffic is back on the stable version, which needs keeping ready no longer.
  const m: ReleaseManifest = {
    ...rest,
    canary: { version: null, weight: 0 },
    promotion: withEvent(state, facts, event),
  };
  const effects: Effect[] = [{ kind: 'traffic', from: manifest.canary.weight, to: 0 }, { kind: phase }];
  return { kind: 'transition', manifest: m, effects, explanation };
}

function transition(
  manifest: ReleaseManifest,
  state: PromotionState,
  facts: Facts,
  effects: Effect[],
  event: string,
  explanation: Explanation,
): Step {
  return {
    kind: 'transition',
    manifest: { ...manifest, promotion: withEvent(state, facts, event) },
    effects,
    explanation,
  };
}

function refuse(summary: string, reason: string): Step {
  return { kind: 'refuse', explanation: { summary, reason } };
}

function withEvent(
  state: PromotionState,
  facts: Facts,
  event: string,
  who?: { by: string; detail?: string; change?: string },
): PromotionState {
  return { ...state, history: [...state.history, { at: iso(facts.now), event, ...who }].slice(-KEEP_HISTORY) };
}

/** All of the current stage's judgments, and the last of each earlier stage; only the newest keep their metrics' values. */
function keepJudgments(all: readonly Judgment[], stage: number): Judgment[] {
  const earlier = new Map<number, Judgment>();
  for (const j of all) if (j.stage !== stage) earlier.set(j.stage, j);
  const kept = [...earlier.values(), ...all.filter((j) => j.stage === stage)].slice(-KEEP_JUDGMENTS);
  const firstWithValues = kept.length - KEEP_JUDGMENT_VALUES;
  return kept.map((j, i) => {
    if (i >= firstWithValues || !j.metrics) return j;
    const { metrics: _dropped, ...rest } = j;
    return rest;
  });
}

/** Why a user is not among the approvers, with the teams whose membership could not be checked. */
function notPermitted(policy: PromotionPolicy, facts: Pick<Facts, 'teamsUnknown'>): string {
  const unknown = facts.teamsUnknown ?? [];
  return `the policy's approvers are ${describeApprovers(policy)}${unknown.length > 0 ? `; team membership could not be checked (${unknown.join('; ')})` : ''}`;
}
