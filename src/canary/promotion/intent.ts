/**
 * What a command that lost a race does next. A command is an intent about
 * the state it saw: a person's `promote` means "leave the stage I am looking
 * at", a `pause` "be paused", an `abort` "end that promotion". When another
 * run wrote first, deciding the same command again from the newer state
 * would move traffic a second time for one click. So the newer state is
 * compared with the one the command saw: an intent already fulfilled is a
 * success that says who fulfilled it, a command about a promotion that is
 * no longer there is refused, and only a command whose intent still stands
 * is decided again. A tick has no person behind it; it is one judgment per
 * due interval, and deciding it again against the newer state (which
 * records the judgments already made) is what keeps it to one.
 */
import type { ReleaseManifest } from '../../gitops/manifest.js';
import type { Command, Step } from './model.js';
import type { PromotionState } from '../../gitops/promotion-state.js';
import { FINAL_PHASES } from '../../gitops/promotion-state.js';

export type AfterLostRace = { readonly kind: 'decide-again' } | { readonly kind: 'settled'; readonly step: Step };

const again: AfterLostRace = { kind: 'decide-again' };

/** A promotion's identity: a version started again later is another promotion. */
function identity(p: PromotionState | undefined): string | null {
  return p ? `${p.id}@${p.startedAt}` : null;
}

function done(summary: string, reason: string): AfterLostRace {
  return { kind: 'settled', step: { kind: 'wait', until: null, explanation: { summary, reason } } };
}

function refused(summary: string, reason: string): AfterLostRace {
  return { kind: 'settled', step: { kind: 'refuse', explanation: { summary, reason } } };
}

const ENDED: Record<string, string> = {
  promoted: 'promoted to stable',
  failed: 'failed',
  aborted: 'aborted',
  'rolled-back': 'rolled back',
};

/**
 * Decides what `command`, which decided on `seen` and lost the
 * compare-and-swap, does now that the manifest is `now`.
 */
export function afterLostRace(seen: ReleaseManifest, now: ReleaseManifest, command: Command): AfterLostRace {
  if (command.kind === 'tick') return again;
  const before = seen.promotion;
  const after = now.promotion;
  const samePromotion = identity(before) === identity(after);
  const where = `it is ${after?.phase ?? 'not started'} at ${now.canary.weight}%`;

  if (command.kind === 'start') {
    if (samePromotion) return again;
    if (after?.version === command.version) return done(`Already started ${command.version} by another run`, where);
    return refused(
      `Cannot start ${command.version}`,
      `another run started ${after?.version ?? 'a promotion'} meanwhile; ${where}`,
    );
  }
  if (!before) return again;
  if (!samePromotion) {
    if (command.kind === 'abort' || command.kind === 'rollback')
      return done(
        `The promotion of ${before.version} had already ended`,
        `another run ended it and started another meanwhile; ${where}`,
      );
    return refused(
      `The promotion of ${before.version} this command saw is over`,
      `another run ended it meanwhile; ${where}; nothing was done`,
    );
  }
  const p = after!;
  const final = FINAL_PHASES.includes(p.phase);
  switch (command.kind) {
    case 'promote': {
      if (p.phase === 'promoted')
        return done(`Already promoted ${p.version} to stable by another run`, `${now.stable.version} is stable`);
      const approved = before.phase === 'awaiting-approval' && p.stage === before.stage && p.phase === 'soaking';
      if (!final && (p.stage > before.stage || approved))
        return done(
          `Already promoted to ${now.canary.weight}% by another run`,
          `${where} (stage ${p.stage + 1}); this command saw stage ${before.stage + 1}`,
        );
      return again;
    }
    case 'pause':
      return p.phase === 'paused'
        ? done(
            `Already paused at ${now.canary.weight}% by another run`,
            `paused at ${p.pausedAt ?? 'an earlier moment'}`,
          )
        : again;
    case 'resume':
      return p.phase !== 'paused' && !final ? done(`Already resumed by another run`, where) : again;
    case 'abort':
    case 'rollback':
      if (p.phase === 'promoted')
        return refused(
          `Cannot ${command.kind}: ${p.version} was promoted to stable by another run meanwhile`,
          'roll the stable version back with `bellwether rollback` instead',
        );
      return final
        ? done(`Already ${ENDED[p.phase]} by another run`, `traffic is back on ${now.stable.version}; ${where}`)
        : again;
  }
}
