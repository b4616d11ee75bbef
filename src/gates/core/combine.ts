/**
 * One verdict per pull request from the results of every gate family
 * (workflows, secrets, dependencies, posture). A family that could not run,
 * or a required one that is missing, fails the verdict: missing data never
 * passes. Pure.
 */
import type { Decision } from './decision.js';
import type { Finding } from './finding.js';

export const GATE_FAMILIES = ['workflows', 'secrets', 'dependencies', 'posture'] as const;
export type GateFamily = (typeof GATE_FAMILIES)[number];

/** What one family reports to the combined verdict. */
export interface GateResult {
  readonly family: GateFamily;
  /** `error` when the family could not run (an API failure, a file that cannot be read). */
  readonly verdict: 'pass' | 'fail' | 'error';
  readonly blocking: number;
  readonly findings: readonly Finding[];
  /** Why it could not run, for `error`. */
  readonly error?: string;
  /** How much the family read, when it reads files: a pass says what it covered. */
  readonly examined?: Examined;
}

/** What a family read: files and lines, or in its own words (the dependency changes it reviewed). */
export interface Examined {
  readonly files?: number;
  readonly lines?: number;
  readonly text?: string;
}

/** The verdict of a pull request. */
export interface CombinedVerdict {
  readonly verdict: 'pass' | 'fail';
  /** One line per family, failing families first. */
  readonly reasons: readonly string[];
  readonly results: readonly GateResult[];
}

/** A family's result from its decision (the workflow, secret, dependency and posture decisions all fit). */
export function resultOf(family: GateFamily, decision: Decision, examined?: Examined): GateResult {
  return {
    family,
    verdict: decision.verdict,
    blocking: decision.blocking,
    findings: decision.findings,
    ...(examined ? { examined } : {}),
  };
}

/** `3 file(s), 120 line(s)`, the family's own words, or an empty text when it says nothing. */
export function examinedText(r: GateResult): string {
  const e = r.examined;
  if (!e) return '';
  const counted =
    e.files !== undefined ? `${e.files} file(s)${e.lines !== undefined ? `, ${e.lines} line(s)` : ''}` : '';
  return [counted, e.text ?? ''].filter(Boolean).join('; ');
}

/** A family that could not run. */
export function errorResult(family: GateFamily, error: string): GateResult {
  return { family, verdict: 'error', blocking: 0, findings: [], error };
}

function ruleCounts(findings: readonly Finding[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  return [...counts].map(([rule, n]) => (n > 1 ? `${rule} ×${n}` : rule)).join(', ');
}

/**
 * Combines family results. `required` families (all four unless told) must
 * be present; each family may appear once.
 */
export function combine(
  results: readonly GateResult[],
  options: { readonly required?: readonly GateFamily[] } = {},
): CombinedVerdict {
  const required = options.required ?? GATE_FAMILIES;
  const seen = new Set<GateFamily>();
  const failing: string[] = [];
  const passing: string[] = [];
  for (const r of results) {
    if (seen.has(r.family)) throw new Error(`the ${r.family} gate is given twice`);
    seen.add(r.family);
    if (r.verdict === 'error')
      failing.push(`${r.family}: could not run (${r.error ?? 'no reason given'}), so it cannot pass`);
    else if (r.verdict === 'fail')
      failing.push(
        `${r.family}: ${r.blocking} blocking finding(s) (${ruleCounts(r.findings)})${examinedText(r) ? ` (examined ${examinedText(r)})` : ''}`,
      );
    else
      passing.push(
        `${r.family}: passed${r.findings.length > 0 ? ` with ${r.findings.length} non-blocking finding(s)` : ''}${examinedText(r) ? ` (examined ${examinedText(r)})` : ''}`,
      );
  }
  for (const family of required) if (!seen.has(family)) failing.push(`${family}: did not run`);
  return { verdict: failing.length > 0 ? 'fail' : 'pass', reasons: [...failing, ...passing], results };
}

const ICON: Record<GateResult['verdict'], string> = { pass: '✅', fail: '❌', error: '⚠️' };

/** The head of the one pull request comment: the verdict and a line per family. Each family's own Markdown follows it. */
export function renderVerdictMarkdown(v: CombinedVerdict): string {
  const lines = [
    `## ${v.verdict === 'pass' ? '✅ Bellwether gates passed' : '❌ Bellwether gates failed'}`,
    '',
    '| gate | result | blocking | findings | examined |',
    '|---|---|---|---|---|',
  ];
  for (const r of v.results)
    lines.push(
      `| ${r.family} | ${ICON[r.verdict]} ${r.verdict === 'error' ? 'could not run' : r.verdict} | ${r.blocking} | ${r.findings.length} | ${examinedText(r) || '—'} |`,
    );
  lines.push('', ...v.reasons.map((reason) => `- ${reason.replace(/\r?\n/g, ' ')}`), '');
  return lines.join('\n');
}
