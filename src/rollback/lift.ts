/**
 * Lifting a quarantine: a person lets a rolled-back version be promoted
 * again, and says why. The lift is a compare-and-swap commit to the
 * service's quarantine file, recorded beside the quarantine it ends (who,
 * when, why), so the history of a version stays in git.
 */
import type { ContentStore } from '../gitops/content-store.js';
import { ConfigurationError } from '../runtime/errors.js';
import type { Quarantine, QuarantineEntry } from './quarantine.js';
import { changeQuarantine, quarantinePath, quarantined, readQuarantine } from './quarantine.js';
import type { Deps } from '../deps/deps.js';

export interface LiftInputs {
  readonly service: string;
  readonly version: string;
  /** Why the version may be promoted again; required, and recorded. */
  readonly reason: string;
  readonly by: string;
  /** Folder of release manifests in the repository. */
  readonly manifests: string;
  /** A link to the evidence (the fix, the incident). */
  readonly link?: string;
}

export interface LiftDeps extends Pick<Deps, 'clock' | 'logger'> {
  /** The deploy branch. */
  readonly store: ContentStore;
}

export interface LiftOutcome {
  /** False when the quarantine was already lifted: nothing was written. */
  readonly changed: boolean;
  readonly path: string;
  /** The quarantine this lift ends. */
  readonly quarantine: QuarantineEntry;
  /** The lift in force: this run's, or the earlier one when nothing was written. */
  readonly lift: QuarantineEntry;
  readonly summary: string;
}

/**
 * Lifts the quarantine of `version` with a reason. A version that was never
 * quarantined is a usage error naming the quarantine file; a quarantine
 * already lifted is left as it is.
 */
export async function liftQuarantine(inputs: LiftInputs, deps: LiftDeps): Promise<LiftOutcome> {
  const path = quarantinePath(inputs.manifests, inputs.service);
  const reason = inputs.reason.trim();
  if (!reason)
    throw new ConfigurationError('lifting a quarantine needs a reason, which is recorded', {
      file: path,
      field: 'reason',
    });
  const { quarantine } = await readQuarantine(deps.store, inputs.manifests, inputs.service);
  const active = quarantined(quarantine, inputs.version);
  if (!active) {
    const put = lastOf(quarantine.versions, inputs.version);
    const lifted = lastOf(quarantine.lifted, inputs.version);
    if (put && lifted) {
      return {
        changed: false,
        path,
        quarantine: put,
        lift: lifted,
        summary: `${inputs.service} ${inputs.version}: the quarantine was already lifted by ${lifted.by} at ${lifted.at} (${lifted.reason})`,
      };
    }
    const known = quarantine.versions.map((e) => e.version);
    throw new ConfigurationError(
      `${inputs.service} ${inputs.version} is not quarantined${known.length > 0 ? ` (quarantined: ${[...new Set(known)].join(', ')})` : ''}`,
      { file: path, field: 'versions' },
    );
  }
  const entry: QuarantineEntry = {
    version: inputs.version,
    reason,
    at: deps.clock.now().toISOString(),
    by: inputs.by,
    ...(inputs.link ? { link: inputs.link } : {}),
  };
  const result = await changeQuarantine(deps.store, inputs.manifests, inputs.service, { kind: 'lift', entry });
  const lift = result.changed ? entry : (lastOf(result.quarantine.lifted, inputs.version) ?? entry);
  const summary = result.changed
    ? `${inputs.service} ${inputs.version}: quarantine lifted by ${inputs.by} (${reason}); promotions may take it again`
    : `${inputs.service} ${inputs.version}: the quarantine was lifted meanwhile by ${lift.by} (${lift.reason})`;
  deps.logger.info(summary);
  return { changed: result.changed, path, quarantine: active, lift, summary };
}

function lastOf(entries: Quarantine['versions'], version: string): QuarantineEntry | undefined {
  return entries.filter((e) => e.version === version).at(-1);
}
