/**
 * The gate decision: policy severities, inline ignores, waivers (expired ones
 * reported), diff against a baseline, and the fail threshold. Pure; `now` is
 * an argument.
 */
import type { FileAudit, InlineIgnore } from './audit.js';
import type { GitHubAuditsNote } from './github-audits.js';
import { blocksAt, compareFindings, type Finding, type RawFinding, type Severity } from '../core/finding.js';
import type { LoadedGatesPolicy } from '../core/policy-load.js';
import type { GatesPolicy } from '../core/policy-schema.js';
import { completeFindings } from './rules.js';
import type { Decision, Suppressed as CoreSuppressed } from '../core/decision.js';
import { expiredWaivers, liveWaiver, waiverMatches } from '../core/waiver.js';

/** Why a finding is left out of the report. */
type SuppressedBy = 'inline-ignore' | 'waiver' | 'baseline' | 'disabled';

/** A finding left out of the report, and why. */
export type Suppressed = CoreSuppressed<Finding, SuppressedBy>;

/** What the gate decided; `blocking` counts the findings at or above the threshold. */
export interface GateDecision extends Decision<Finding, SuppressedBy> {
  readonly failOn: Severity;
  readonly mode: 'full' | 'diff';
  readonly filesAudited: number;
  /** Lines of the audited files. */
  readonly linesAudited: number;
  /** What the audits that ask GitHub did: ran, or skipped and why. Absent where no caller ran the gate through GitHub's side. */
  readonly github?: GitHubAuditsNote;
}

/** Everything the gate decision depends on; `now` decides which waivers still apply. */
export interface DecideInput {
  readonly audits: readonly FileAudit[];
  readonly policy: GatesPolicy;
  /** Where the policy came from, for expired-waiver findings; undefined for the built-in default. */
  readonly policySource?: Pick<LoadedGatesPolicy, 'file' | 'waiverLines'>;
  /** Fingerprints of findings that already existed; when given, the decision is in diff mode. */
  readonly baseline?: ReadonlySet<string>;
  readonly now: Date;
}

/** Applies the policy to audited files and decides pass or fail. */
export function decideGate(input: DecideInput): GateDecision {
  const { policy, now } = input;
  const kept: Finding[] = [];
  const suppressed: Suppressed[] = [];

  for (const audit of input.audits) {
    const extra: RawFinding[] = [];
    // An ignore covers its own line and the next one.
    const ignoresByLine = new Map<number, InlineIgnore[]>();
    for (const ig of audit.ignores) ignoresByLine.set(ig.line, [...(ignoresByLine.get(ig.line) ?? []), ig]);
    const reasonless = audit.ignores.filter((ig) => ig.reason === '');
    for (const ig of reasonless) {
      extra.push({
        ruleId: 'ignore-without-reason',
        severity: 'low',
        confidence: 'high',
        line: ig.line,
        column: ig.column,
        endLine: ig.line,
        endColumn: ig.column,
        message: `the ignore comment for ${ig.rules.join(', ') || 'no rule'} gives no reason, so it does not apply.`,
        snippet: `ignore[${ig.rules.join(',')}]`,
      });
    }
    for (const f of [...audit.findings, ...completeFindings(audit.file, extra)]) {
      const override = policy.rules[f.ruleId];
      if (override && !override.enabled) {
        suppressed.push({ finding: f, by: 'disabled', reason: `rule ${f.ruleId} is disabled by the policy` });
        continue;
      }
      const finding: Finding = override?.severity ? { ...f, severity: override.severity } : f;
      // A zizmor comment also covers every line of the finding's span, as zizmor reads it.
      const spanned: InlineIgnore[] = [];
      for (let l = finding.line + 1; l <= Math.min(finding.endLine, finding.line + 200); l++)
        spanned.push(...(ignoresByLine.get(l) ?? []).filter((ig) => ig.syntax === 'zizmor'));
      const ignore = [
        ...(ignoresByLine.get(finding.line) ?? []),
        ...(ignoresByLine.get(finding.line - 1) ?? []),
        ...spanned,
      ].find((ig) => ig.reason !== '' && ig.rules.includes(finding.ruleId));
      if (ignore) {
        suppressed.push({ finding, by: 'inline-ignore', reason: ignore.reason });
        continue;
      }
      const waiver = liveWaiver(policy.waivers, (w) => waiverMatches(w, finding), now);
      if (waiver) {
        suppressed.push({
          finding,
          by: 'waiver',
          reason: `${waiver.reason} (owner ${waiver.owner}, until ${waiver.expires})`,
        });
        continue;
      }
      kept.push(finding);
    }
  }

  const expiredRaws: RawFinding[] = [];
  for (const { waiver: w, index: i } of expiredWaivers(policy.waivers, now)) {
    const line = input.policySource?.waiverLines[i] ?? 1;
    expiredRaws.push({
      ruleId: 'waiver-expired',
      severity: policy.rules['waiver-expired']?.severity ?? 'medium',
      confidence: 'high',
      line,
      column: 1,
      endLine: line,
      endColumn: 1,
      message: `the waiver of ${w.rule}${w.file ? ` for ${w.file}` : ''} owned by ${w.owner} expired on ${w.expires}; the findings it covered are reported again.`,
      snippet: `${w.rule} ${w.file ?? ''} ${w.fingerprint ?? ''} ${w.expires}`,
    });
  }
  // The one waiver rule of every family: an expired waiver is reported but
  // never blocks on its own; what it covered is back and blocks by itself.
  if (policy.rules['waiver-expired']?.enabled !== false)
    for (const f of completeFindings(input.policySource?.file ?? 'policy', expiredRaws))
      kept.push({ ...f, advisory: true });

  let findings = kept;
  if (input.baseline) {
    const base = input.baseline;
    findings = [];
    for (const f of kept) {
      if (base.has(f.fingerprint)) suppressed.push({ finding: f, by: 'baseline', reason: 'present in the baseline' });
      else findings.push(f);
    }
  }
  findings.sort(compareFindings);
  const blocking = findings.filter((f) => blocksAt(f, policy.failOn)).length;
  return {
    verdict: blocking > 0 ? 'fail' : 'pass',
    failOn: policy.failOn,
    findings,
    suppressed,
    blocking,
    mode: input.baseline ? 'diff' : 'full',
    filesAudited: input.audits.length,
    linesAudited: input.audits.reduce((n, a) => n + (a.lines ?? 0), 0),
  };
}

/**
 * Fingerprints from a baseline file: the JSON report of an earlier run
 * (`{ findings: [{ fingerprint }] }`), or a plain array of fingerprints.
 */
export function baselineFingerprints(json: unknown): Set<string> | undefined {
  const list = Array.isArray(json) ? json : (json as { findings?: unknown } | null)?.findings;
  if (!Array.isArray(list)) return undefined;
  const out = new Set<string>();
  for (const item of list) {
    if (typeof item === 'string') out.add(item);
    else if (item && typeof (item as { fingerprint?: unknown }).fingerprint === 'string')
      out.add((item as { fingerprint: string }).fingerprint);
    else return undefined;
  }
  return out;
}
