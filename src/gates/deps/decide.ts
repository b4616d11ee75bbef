/**
 * The dependency gate's decision: the review's findings, minus advisories
 * and packages the policy allows and findings under a live waiver; expired
 * waivers are reported. Pure; `now` is an argument.
 */
import type { DependencyChange } from '../../github/port.js';
import { expiredWaiverFinding, finishDecision, type FamilyDecision, type SuppressedFinding } from './decision.js';
import { expiredWaivers, liveWaiver } from '../core/waiver.js';
import type { DependencyWaiver, LoadedDepsPolicy } from './policy-schema.js';
import { parsePurl, purlMatches, type Purl } from './purl.js';
import { makeFinding, type ReviewFinding } from './review-finding.js';
import { DEPENDENCY_RULES, type DependencyRule } from './rules.js';
import { reviewDependencies } from './review.js';

export interface DecideDependenciesInput {
  readonly changes: readonly DependencyChange[];
  readonly policy: LoadedDepsPolicy;
  readonly manifests?: ReadonlyMap<string, string>;
  /** OpenSSF Scorecard scores by project, when the policy sets a floor. */
  readonly scorecards?: ReadonlyMap<string, number | string>;
  readonly now: Date;
  /** Said in the notes, such as where the changes came from. */
  readonly source?: string;
  /** Set when the changes come from diffing lock files because GitHub could not answer. */
  readonly fallback?: { readonly reason: string; readonly lockFiles: readonly string[] };
  /** Lock files that changed but could not be read. */
  readonly unreadable?: ReadonlyArray<{ readonly file: string; readonly message: string }>;
}

const LICENSE_RULES = new Set([
  'dependency-license-not-allowed',
  'dependency-license-denied',
  'dependency-license-unknown',
  'dependency-license-invalid',
]);

function waiverMatches(w: DependencyWaiver, f: ReviewFinding): boolean {
  if (w.rule !== undefined && w.rule !== f.ruleId) return false;
  if (w.advisory !== undefined && w.advisory.toLowerCase() !== f.dependency?.advisory?.ghsaId.toLowerCase())
    return false;
  if (w.package !== undefined) {
    const pattern = parsePurl(w.package);
    const purl = f.dependency ? parsePurl(f.dependency.purl) : undefined;
    if (!pattern || !purl || !purlMatches(pattern, purl)) return false;
  }
  return true;
}

function describe(w: DependencyWaiver): string {
  return [w.rule, w.package, w.advisory].filter((s) => s !== undefined).join(' ');
}

/** Decides the dependency gate. */
export function decideDependencies(input: DecideDependenciesInput): FamilyDecision {
  const { dependencies: policy } = input.policy;
  const raw = reviewDependencies({
    changes: input.changes,
    policy,
    ...(input.manifests ? { manifests: input.manifests } : {}),
    ...(input.scorecards ? { scorecards: input.scorecards } : {}),
  });
  const allowedAdvisories = new Set(policy.allow.advisories.map((a) => a.toLowerCase()));
  const exempt = policy.allow.packages.map((p) => ({ text: p, purl: parsePurl(p) as Purl }));
  const findings: ReviewFinding[] = [];
  const suppressed: SuppressedFinding[] = [];

  for (const f of raw) {
    const ghsa = f.dependency?.advisory?.ghsaId;
    if (ghsa !== undefined && allowedAdvisories.has(ghsa.toLowerCase())) {
      suppressed.push({ finding: f, by: 'allow-list', reason: `${ghsa} is in allow.advisories` });
      continue;
    }
    const purl = f.dependency ? parsePurl(f.dependency.purl) : undefined;
    const exemptBy = LICENSE_RULES.has(f.ruleId) && purl ? exempt.find((e) => purlMatches(e.purl, purl)) : undefined;
    if (exemptBy) {
      suppressed.push({
        finding: f,
        by: 'allow-list',
        reason: `${exemptBy.text} in allow.packages is exempt from the license check`,
      });
      continue;
    }
    const waiver = liveWaiver(policy.waivers, (w) => waiverMatches(w, f), input.now);
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

  if (input.fallback) {
    const rule = DEPENDENCY_RULES.get('dependency-review-fallback') as DependencyRule;
    const files = input.fallback.lockFiles;
    findings.push(
      makeFinding({
        family: 'dependencies',
        ruleId: rule.id,
        severity: rule.severity,
        subject: 'dependency-graph',
        message: `GitHub's dependency graph could not answer (${input.fallback.reason}); Bellwether diffed ${files.length} lock file(s)${files.length > 0 ? ` (${files.join(', ')})` : ''} instead, so advisories were not checked.`,
        fix: rule.fix,
        blocking: false,
      }),
    );
  }
  for (const u of input.unreadable ?? []) {
    const rule = DEPENDENCY_RULES.get('dependency-lockfile-unreadable') as DependencyRule;
    findings.push(
      makeFinding({
        family: 'dependencies',
        ruleId: rule.id,
        severity: rule.severity,
        subject: u.file,
        message: `${u.message}; its dependencies were not reviewed.`,
        fix: rule.fix,
        blocking: true,
        file: u.file,
      }),
    );
  }

  for (const { waiver: w, index: i } of expiredWaivers(policy.waivers, input.now)) {
    findings.push(
      expiredWaiverFinding({
        family: 'dependencies',
        ruleId: 'dependency-waiver-expired',
        what: describe(w),
        owner: w.owner,
        expires: w.expires,
        file: input.policy.file,
        line: input.policy.dependencyWaiverLines[i],
      }),
    );
  }

  const added = input.changes.filter((c) => c.changeType === 'added').length;
  const notes = [
    `${added} added and ${input.changes.length - added} removed dependencies${input.source ? ` from ${input.source}` : ''}`,
    `fails on ${policy.failOnSeverity} or worse advisories in ${policy.failOnScopes.join(', ')} scope`,
  ];
  return finishDecision('dependencies', findings, suppressed, notes);
}
