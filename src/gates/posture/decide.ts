/**
 * The posture decision: rules turned off or re-rated by the policy, waivers
 * (expired ones reported), and the threshold. Posture is advisory unless the
 * policy sets `failOn`. Pure; `now` is an argument.
 */
import { posix } from 'node:path';
import { severityRank } from '../core/finding.js';
import { expiredWaiverFinding, finishDecision, type FamilyDecision, type SuppressedFinding } from '../deps/decision.js';
import { expiredWaivers, liveWaiver } from '../core/waiver.js';
import type { LoadedDepsPolicy, PostureWaiver } from '../deps/policy-schema.js';
import type { ReviewFinding } from '../deps/review-finding.js';
import { checkPosture } from './checks.js';
import type { PostureSnapshot } from './snapshot.js';

function waiverMatches(w: PostureWaiver, f: ReviewFinding): boolean {
  if (w.rule !== f.ruleId) return false;
  if (w.subject === undefined) return true;
  return w.subject.includes('*') ? posix.matchesGlob(f.subject, w.subject) : w.subject === f.subject;
}

/** Decides the posture gate for one snapshot. */
export function decidePosture(snapshot: PostureSnapshot, loaded: LoadedDepsPolicy, now: Date): FamilyDecision {
  const policy = loaded.posture;
  const findings: ReviewFinding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const threshold = policy.failOn === 'never' ? Infinity : severityRank(policy.failOn);
  for (const raw of checkPosture(snapshot, policy)) {
    const override = policy.rules[raw.ruleId];
    const severity = override?.severity ?? raw.severity;
    const f: ReviewFinding = { ...raw, severity, blocking: severityRank(severity) >= threshold };
    if (override && !override.enabled) {
      suppressed.push({ finding: f, by: 'disabled', reason: `rule ${f.ruleId} is disabled by the policy` });
      continue;
    }
    const waiver = liveWaiver(policy.waivers, (w) => waiverMatches(w, f), now);
    if (waiver) {
      suppressed.push({
        finding: f,
        by: 'waiver',
        reason: `${waiver.reason} (owner ${waiver.owner}, until ${waiver.expires})`,
      });
      continue;
    }
    findings.push(f);
  }
  for (const { waiver: w, index: i } of expiredWaivers(policy.waivers, now)) {
    findings.push(
      expiredWaiverFinding({
        family: 'posture',
        ruleId: 'posture-waiver-expired',
        what: `${w.rule}${w.subject ? ` for ${w.subject}` : ''}`,
        owner: w.owner,
        expires: w.expires,
        file: loaded.file,
        line: loaded.postureWaiverLines[i],
      }),
    );
  }
  const notes = [
    `default branch ${snapshot.defaultBranch}`,
    policy.failOn === 'never' ? 'posture is advisory (failOn: never)' : `fails on ${policy.failOn} or worse`,
  ];
  return finishDecision('posture', findings, suppressed, notes);
}
