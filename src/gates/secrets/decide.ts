/**
 * The verdict of the secret scan: accepted fingerprints and waivers set
 * findings aside (an expired waiver no longer does, and says so), and the
 * policy's threshold decides pass or fail. Pure; `now` is an argument.
 */
import { compareFindings, severityRank, type Severity } from '../core/finding.js';
import type { LoadedSecretsPolicy } from './policy.js';
import type { SecretFinding } from './secret-finding.js';
import type { Decision, Suppressed } from '../core/decision.js';
import { expiredWaivers, liveWaiver, waiverMatches } from '../core/waiver.js';

/** A finding left out of the verdict, and why. */
export type SuppressedSecret = Suppressed<SecretFinding, 'fingerprint' | 'waiver'>;

/** A waiver that matched a finding but is past its last day. */
export interface ExpiredWaiver {
  readonly rule: string;
  readonly expires: string;
  readonly owner: string;
  readonly line: number;
}

/** What the secret gate decided; `blocking` counts the findings at or above `failOn`. */
export interface SecretsDecision extends Decision<SecretFinding, 'fingerprint' | 'waiver'> {
  readonly failOn: Severity;
  /** Expired waivers that would have covered a finding that counts. */
  readonly expiredWaivers: readonly ExpiredWaiver[];
}

/** Applies accepted fingerprints, waivers and the threshold. */
export function decideSecrets(
  findings: readonly SecretFinding[],
  loaded: LoadedSecretsPolicy,
  now: Date,
): SecretsDecision {
  const { policy } = loaded;
  const accepted = new Set(policy.allow.fingerprints);
  const kept: SecretFinding[] = [];
  const suppressed: SuppressedSecret[] = [];
  const expired = new Map<number, ExpiredWaiver>();
  for (const f of findings) {
    if (accepted.has(f.fingerprint)) {
      suppressed.push({ finding: f, by: 'fingerprint', reason: 'fingerprint accepted by the policy' });
      continue;
    }
    const waiver = liveWaiver(policy.waivers, (w) => waiverMatches(w, f), now);
    if (waiver) {
      suppressed.push({
        finding: f,
        by: 'waiver',
        reason: `waived until ${waiver.expires} by ${waiver.owner}: ${waiver.reason}`,
      });
      continue;
    }
    kept.push(f);
  }
  // Every expired waiver is reported, whether or not it matched a finding in
  // this scan, so its owner renews or removes it; it never blocks on its own.
  for (const { waiver: w, index: i } of expiredWaivers(policy.waivers, now))
    expired.set(i, { rule: w.rule, expires: w.expires, owner: w.owner, line: loaded.waiverLines[i] ?? 1 });
  kept.sort(compareFindings);
  const blocking = kept.filter((f) => severityRank(f.severity) >= severityRank(policy.failOn)).length;
  return {
    verdict: blocking > 0 ? 'fail' : 'pass',
    failOn: policy.failOn,
    findings: kept,
    suppressed,
    expiredWaivers: [...expired.values()],
    blocking,
  };
}
