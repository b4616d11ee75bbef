/**
 * The dependency review: from the changes between base and head to
 * findings. Only added dependencies are judged (an upgrade is a removal and
 * an addition). Allow lists and waivers are applied later, by the decision,
 * so that what they set aside stays visible. Pure.
 */
import type { DependencyChange } from '../../github/port.js';
import { severityRank, type Severity } from '../core/finding.js';
import { locateDependency } from './locate.js';
import { type AdvisorySeverity, type DependenciesPolicy } from './policy-schema.js';
import { dependencyPurl, formatPurl, parsePurl, purlMatches } from './purl.js';
import { makeFinding, type DependencySubject, type ReviewFinding } from './review-finding.js';
import { DEPENDENCY_RULES } from './rules.js';
import { scorecardProject } from './scorecard.js';
import {
  allowedChoice,
  clip,
  isUnknownLicense,
  listAtoms,
  parseSpdx,
  unavoidableDenied,
  type SpdxNode,
} from './spdx.js';

export interface ReviewInput {
  readonly changes: readonly DependencyChange[];
  readonly policy: DependenciesPolicy;
  /** Manifest texts by path, to point findings at the declaring line. */
  readonly manifests?: ReadonlyMap<string, string>;
  /** OpenSSF Scorecard scores by source repository (as `scorecardProject` names it), or why it could not be read; absent: no score. */
  readonly scorecards?: ReadonlyMap<string, number | string>;
}

/** GitHub's advisory severities in the gates' scale; `moderate` is `medium`. */
export function advisorySeverity(s: string): Severity | undefined {
  const v = s.toLowerCase();
  if (v === 'moderate' || v === 'medium') return 'medium';
  if (v === 'low' || v === 'high' || v === 'critical') return v;
  return undefined;
}

const THRESHOLD: Readonly<Record<AdvisorySeverity, Severity>> = {
  low: 'low',
  moderate: 'medium',
  high: 'high',
  critical: 'critical',
};

function rule(id: string): { severity: Severity; fix: string } {
  const r = DEPENDENCY_RULES.get(id);
  if (!r) throw new Error(`unknown dependency rule ${id}`);
  return r;
}

/** Reviews added dependencies against the policy. */
export function reviewDependencies(input: ReviewInput): ReviewFinding[] {
  const { policy } = input;
  const allowAtoms = policy.licenses.allow ? listAtoms(policy.licenses.allow) : undefined;
  const denyAtoms = policy.licenses.deny ? listAtoms(policy.licenses.deny) : undefined;
  const denied = policy.deny.packages.map((p) => ({ text: p, purl: parsePurl(p) }));
  const threshold = severityRank(THRESHOLD[policy.failOnSeverity]);
  const out: ReviewFinding[] = [];

  for (const change of input.changes) {
    if (change.changeType !== 'added') continue;
    const purl = dependencyPurl(change);
    const subject = formatPurl(purl);
    const text = input.manifests?.get(change.manifest);
    const at = text !== undefined ? locateDependency(change.manifest, text, change.name, change.version) : undefined;
    const inScope = policy.failOnScopes.includes(change.scope);
    const dependency: DependencySubject = {
      purl: subject,
      ecosystem: change.ecosystem,
      name: change.name,
      version: change.version,
      manifest: change.manifest,
      scope: change.scope,
      license: change.license,
    };
    const where = { file: change.manifest, ...(at ? { line: at.line, column: at.column } : {}) };
    const scopeNote = inScope ? '' : ` (${change.scope} scope, which the policy does not fail on)`;
    const add = (
      ruleId: string,
      message: string,
      blocking: boolean,
      extra: { severity?: Severity; key?: string; dependency?: DependencySubject } = {},
    ): void => {
      const r = rule(ruleId);
      out.push(
        makeFinding({
          family: 'dependencies',
          ruleId,
          severity: extra.severity ?? r.severity,
          subject,
          message: `${message}${scopeNote}.`,
          fix: r.fix,
          blocking: blocking && inScope,
          dependency: extra.dependency ?? dependency,
          ...where,
          ...(extra.key !== undefined ? { key: extra.key } : {}),
        }),
      );
    };
    const label = `${change.name}@${change.version} (${change.ecosystem}, ${change.manifest})`;

    const deniedBy = denied.find((d) => d.purl !== undefined && purlMatches(d.purl, purl));
    if (deniedBy) add('dependency-denied', `${label} matches the denied package ${deniedBy.text}`, true);

    if (policy.vulnerabilities) {
      for (const v of change.vulnerabilities) {
        const sev = advisorySeverity(v.severity);
        const advisory = {
          ghsaId: v.advisoryGhsaId,
          severity: v.severity,
          summary: v.advisorySummary,
          url: v.advisoryUrl,
        };
        // An advisory whose severity is unknown is treated as reaching any threshold: missing data never passes.
        const blocking = sev === undefined || severityRank(sev) >= threshold;
        const sevText = sev === undefined ? `unknown severity '${v.severity}'` : `${v.severity} severity`;
        add('dependency-vulnerable', `${label} has ${v.advisoryGhsaId} (${sevText}): ${v.advisorySummary}`, blocking, {
          severity: sev ?? 'high',
          key: v.advisoryGhsaId,
          dependency: { ...dependency, advisory },
        });
      }
    }

    if (policy.scorecard) {
      const { minScore, missing } = policy.scorecard;
      const project = scorecardProject(change.sourceRepositoryUrl);
      const score = project !== undefined ? input.scorecards?.get(project) : undefined;
      if (typeof score !== 'number') {
        const why =
          project === undefined
            ? 'no source repository that the Scorecard API covers'
            : `no Scorecard score for ${project}${score !== undefined ? ` (${score})` : ''}`;
        if (missing !== 'allow')
          add('dependency-scorecard-unknown', `${label} has ${why} (floor ${minScore})`, missing === 'fail');
      } else if (score < minScore) {
        add(
          'dependency-scorecard-low',
          `${label} comes from ${project}, whose OpenSSF Scorecard score is ${score}, below the floor of ${minScore}`,
          true,
        );
      }
    }

    if (!policy.licenses.check) continue;
    const unknownBlocks = policy.licenses.unknown === 'fail';
    if (isUnknownLicense(change.license)) {
      if (policy.licenses.unknown !== 'allow')
        add(
          'dependency-license-unknown',
          `${label} has no known license${change.license ? ` (${change.license})` : ''}`,
          unknownBlocks,
        );
      continue;
    }
    const license = change.license as string;
    let expression: SpdxNode;
    try {
      expression = parseSpdx(license);
      if (allowAtoms && !allowedChoice(expression, allowAtoms)) {
        add(
          'dependency-license-not-allowed',
          `${label} is licensed ${clip(license)}, which cannot be met with the allowed licenses alone`,
          true,
        );
      } else if (denyAtoms) {
        const hits = unavoidableDenied(expression, denyAtoms);
        if (hits.length > 0)
          add(
            'dependency-license-denied',
            `${label} is licensed ${clip(license)}; every way to use it accepts ${hits.map((h) => h.id + (h.exception ? ` WITH ${h.exception}` : '')).join(' or ')}`,
            true,
          );
      }
    } catch (err) {
      if (policy.licenses.unknown !== 'allow')
        add(
          'dependency-license-invalid',
          `${label} has the license '${clip(license)}', which Bellwether cannot evaluate: ${(err as Error).message}`,
          unknownBlocks,
        );
    }
  }
  return out;
}
