/**
 * What a rollback does to one release manifest, decided without I/O: which
 * version is bad, where traffic goes back to (the stable version for a bad
 * canary; the last earlier stable version that is not quarantined for a bad
 * stable one), or why nothing is to be written.
 */
import type { ReleaseManifest } from '../gitops/manifest.js';

export interface RollbackRequest {
  /** The bad version; default: the canary in progress, else the stable version. */
  readonly version?: string;
  /** Where to go back to; default: the last known good version. */
  readonly target?: string;
  readonly reason: string;
  readonly by: string;
  readonly now: Date;
  /** What an irreversible release gets. */
  readonly irreversible: 'roll-forward' | 'rollback';
  /** Versions refused for promotion. */
  readonly isQuarantined: (version: string) => boolean;
}

export type RollbackPlan =
  /** Traffic goes back: write `next`. */
  | {
      readonly kind: 'restore';
      readonly bad: string;
      readonly good: string;
      readonly next: ReleaseManifest;
      readonly summary: string;
    }
  /** The bad version takes no traffic here already (a failed canary was already stopped). */
  | { readonly kind: 'already-safe'; readonly bad: string; readonly good: string; readonly summary: string }
  /** Irreversible: hold it where it is and fix forward. */
  | { readonly kind: 'roll-forward'; readonly bad: string; readonly next: ReleaseManifest; readonly summary: string }
  /** Nothing safe to go back to: nothing is written. */
  | { readonly kind: 'no-good-version'; readonly bad: string; readonly summary: string };

export function planRollback(m: ReleaseManifest, req: RollbackRequest): RollbackPlan {
  const at = req.now.toISOString();
  const active =
    m.promotion && ['soaking', 'awaiting-approval', 'paused'].includes(m.promotion.phase) ? m.promotion : undefined;
  const bad =
    req.version ?? active?.version ?? (m.canary.version && m.canary.weight > 0 ? m.canary.version : m.stable.version);
  const where = [m.service, m.environment, m.region].filter(Boolean).join('/');
  const event = { at, event: 'rolled back', by: req.by, detail: req.reason };

  if (bad !== m.stable.version) {
    const serving = m.canary.version === bad && m.canary.weight > 0;
    if (!serving && active?.version !== bad) {
      return {
        kind: 'already-safe',
        bad,
        good: m.stable.version,
        summary: `${bad} takes no traffic in ${where}; ${m.stable.version} serves it all`,
      };
    }
    if (m.canary.irreversible && req.irreversible === 'roll-forward') {
      // A canary the promotion already held to roll forward stays as it is: re-pausing would move its soak clock.
      const promotion =
        active && active.phase !== 'paused'
          ? {
              ...active,
              phase: 'paused' as const,
              pausedAt: at,
              resumeTo: 'soaking' as const,
              history: [...active.history, { ...event, event: 'paused to roll forward' }].slice(-40),
            }
          : undefined;
      return {
        kind: 'roll-forward',
        bad,
        next: { ...m, ...(promotion ? { promotion } : {}) },
        summary: `${bad} is irreversible: paused at ${m.canary.weight}% in ${where} to roll forward with a fix`,
      };
    }
    const promotion = active
      ? {
          ...active,
          phase: 'rolled-back' as const,
          outcome: req.reason,
          history: [...active.history, event].slice(-40),
        }
      : m.promotion;
    return {
      kind: 'restore',
      bad,
      good: m.stable.version,
      next: { ...m, canary: { version: null, weight: 0 }, ...(promotion ? { promotion } : {}) },
      summary: `canary ${bad} from ${m.canary.weight}% to 0% in ${where}; ${m.stable.version} serves all traffic`,
    };
  }

  if (m.stable.irreversible && req.irreversible === 'roll-forward') {
    return {
      kind: 'roll-forward',
      bad,
      next: m,
      summary: `${bad} is irreversible: it stays stable in ${where} and is fixed forward`,
    };
  }
  const good = req.target ?? m.previous.find((p) => p.version !== bad && !req.isQuarantined(p.version))?.version;
  if (!good) {
    const seen = m.previous
      .map((p) => `${p.version}${req.isQuarantined(p.version) ? ' (quarantined)' : ''}`)
      .join(', ');
    return {
      kind: 'no-good-version',
      bad,
      summary: `no version to go back to in ${where}: ${seen ? `earlier versions are ${seen}` : 'no earlier stable version is recorded'}; name one with a target version`,
    };
  }
  if (good === bad) return { kind: 'no-good-version', bad, summary: `the target ${good} is the bad version itself` };
  return {
    kind: 'restore',
    bad,
    good,
    next: {
      ...m,
      stable: { version: good },
      canary: { version: null, weight: 0 },
      previous: m.previous.filter((p) => p.version !== good && p.version !== bad),
    },
    summary: `stable ${bad} back to ${good} in ${where}`,
  };
}
