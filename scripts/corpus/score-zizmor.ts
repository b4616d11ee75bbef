/**
 * Scores the workflow audit against a corpus on disk. Fetches nothing.
 *
 *   node --import tsx scripts/corpus/score-zizmor.ts zizmor <folder> [--verbose]
 *     <folder> holds zizmor's integration tests (the `crates/zizmor/tests/integration`
 *     folder of its repository, or any folder above it). Each default-persona
 *     snapshot assertion of `audit/*.rs` is a case: its inputs are audited, and
 *     each finding the snapshot expects is matched to a finding of ours with an
 *     equivalent rule on a nearby line. Prints, per zizmor audit: recall of its
 *     high+medium expectations, recall at any level, and our medium-or-worse
 *     findings on clean cases (snapshots that expect no finding).
 *
 *   Add --hash-pin-all to audit with zizmor's default pin policy (every action
 *   by commit SHA) instead of Bellwether's (actions/* and github/* by tag).
 *   zizmor audits that need GitHub's API (archived-uses, impostor-commit,
 *   known-vulnerable-actions, ref-version-mismatch) run only with a token, so
 *   this offline score lists them apart (ref-confusion has no counterpart).
 *
 *   node --import tsx scripts/corpus/score-zizmor.ts valid <folder> [--verbose]
 *     <folder> holds workflows that must be valid (for example actionlint's
 *     `testdata/ok`). Prints the high-or-worse findings on them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { auditSource, rulesForZizmor, type FileAudit } from '../../src/gates/workflows/audit.js';
import { decideGate } from '../../src/gates/workflows/decide.js';
import { severityRank, type Finding } from '../../src/gates/core/finding.js';
import { DEFAULT_GATES_POLICY } from '../../src/gates/core/policy-schema.js';
import type { AuditOptions } from '../../src/gates/workflows/model.js';
import { RULES } from '../../src/gates/workflows/rules.js';

type Level = 'high' | 'medium' | 'low' | 'info';
const LEVELS: Record<string, Level> = { error: 'high', warning: 'medium', help: 'low', info: 'info' };
/** How far (in lines) our finding may be from zizmor's primary location and still count as the same. */
const LINE_TOLERANCE = 6;

interface Expected {
  readonly rule: string;
  readonly level: Level;
  readonly file: string;
  readonly line: number;
}

interface Case {
  readonly name: string;
  readonly inputs: readonly string[];
  readonly expected: readonly Expected[];
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.ya?ml$/i.test(name)) out.push(p);
  }
  return out;
}

function findIntegration(root: string): string {
  for (const candidate of [
    root,
    join(root, 'crates/zizmor/tests/integration'),
    join(root, 'tests/integration'),
    join(root, 'integration'),
  ]) {
    if (existsSync(join(candidate, 'audit')) && existsSync(join(candidate, 'test-data'))) return candidate;
  }
  throw new Error(
    `${root}: no audit/ and test-data/ folders found (expected zizmor's crates/zizmor/tests/integration)`,
  );
}

/** The text of a Rust string literal starting at `at` (`"..."`, `r"..."` or `r#"..."#`). */
function rustString(src: string, at: number): string | undefined {
  const raw = /^r(#*)"/.exec(src.slice(at, at + 10));
  if (raw) {
    const close = `"${raw[1] ?? ''}`;
    const start = at + raw[0].length;
    const end = src.indexOf(close, start);
    return end < 0 ? undefined : src.slice(start, end);
  }
  if (src[at] !== '"') return undefined;
  let out = '';
  for (let i = at + 1; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = src[i + 1];
      out += n === 'n' ? '\n' : n === 't' ? '\t' : n === '\n' ? '' : (n ?? '');
      i++;
    } else if (c === '"') return out;
    else out += c;
  }
  return undefined;
}

/** Invocations that are not the default persona with the default configuration. */
const NOT_DEFAULT =
  /--persona|--pedantic|--fix|\.config\(|--min-|--format|--collect|--config|workspace|\.stdin\(|--show-audit-urls|--no-online-audits/;

function readCases(integration: string): { cases: Case[]; skipped: number } {
  const cases: Case[] = [];
  let skipped = 0;
  const auditDir = join(integration, 'audit');
  for (const file of readdirSync(auditDir)
    .filter((f) => f.endsWith('.rs'))
    .sort()) {
    const src = readFileSync(join(auditDir, file), 'utf8');
    const tests = src.split(/#\[test\]/).slice(1);
    for (const test of tests) {
      const fn = /fn\s+(\w+)/.exec(test)?.[1] ?? '?';
      let from = 0;
      let n = 0;
      for (;;) {
        const start = test.indexOf('assert_snapshot!(', from);
        if (start < 0) break;
        const at = test.indexOf('@', start);
        if (at < 0) break;
        const head = test.slice(start, at);
        const snapshot = rustString(test, at + 1);
        from = at + 1;
        n++;
        if (snapshot === undefined || !head.includes('zizmor()')) continue;
        if (NOT_DEFAULT.test(head)) {
          skipped++;
          continue;
        }
        const inputs = [...head.matchAll(/input_under_test\(\s*"([^"]+)"\s*,?\s*\)/g)].map((m) =>
          join(integration, 'test-data', m[1] as string),
        );
        if (inputs.length === 0) {
          skipped++;
          continue;
        }
        cases.push({
          name: `${file.replace(/\.rs$/, '')}::${fn}${n > 1 ? `#${n}` : ''}`,
          inputs,
          expected: readExpected(snapshot, inputs),
        });
      }
    }
  }
  return { cases, skipped };
}

function readExpected(snapshot: string, inputs: readonly string[]): Expected[] {
  const out: Expected[] = [];
  const lines = snapshot.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const h = /^\s*(error|warning|help|info)\[([\w-]+)\]:/.exec(lines[i] ?? '');
    if (!h) continue;
    for (let j = i + 1; j < Math.min(lines.length, i + 4); j++) {
      const loc = /-->\s*@@INPUT@@([^:\s]*):(\d+):(\d+)/.exec(lines[j] ?? '');
      if (!loc) continue;
      const rest = loc[1] ?? '';
      const file = rest === '' ? (inputs[0] as string) : join(inputs[0] as string, rest);
      out.push({
        rule: h[2] as string,
        level: LEVELS[h[1] as string] as Level,
        file: resolve(file),
        line: Number(loc[2]),
      });
      break;
    }
  }
  return out;
}

const NEEDS_GITHUB = new Set([
  'archived-uses',
  'impostor-commit',
  'known-vulnerable-actions',
  'ref-confusion',
  'ref-version-mismatch',
]);

let pins: AuditOptions['pins'] = DEFAULT_GATES_POLICY.pins;

function auditFiles(paths: readonly string[]): Finding[] {
  const audits: FileAudit[] = [];
  for (const input of paths) {
    const files = statSync(input).isDirectory() ? walk(input) : [input];
    for (const f of files) audits.push(auditSource(resolve(f), readFileSync(f), { pins }));
  }
  return [...decideGate({ audits, policy: { ...DEFAULT_GATES_POLICY, pins: [...pins] }, now: new Date() }).findings];
}

/** zizmor's name for one of our findings, if it has one. */
function zizmorName(f: Finding): string | undefined {
  return RULES.get(f.ruleId)?.equivalents.zizmor;
}

interface Tally {
  hmFound: number;
  hmTotal: number;
  anyFound: number;
  anyTotal: number;
  cleanFp: number;
}

function pct(a: number, b: number): string {
  return b === 0 ? '   -  ' : `${((100 * a) / b).toFixed(1).padStart(5)}%`;
}

function scoreZizmor(root: string, verbose: boolean): void {
  const integration = findIntegration(resolve(root));
  const { cases, skipped } = readCases(integration);
  const per = new Map<string, Tally>();
  const tally = (rule: string): Tally => {
    let t = per.get(rule);
    if (!t) per.set(rule, (t = { hmFound: 0, hmTotal: 0, anyFound: 0, anyTotal: 0, cleanFp: 0 }));
    return t;
  };
  let clean = 0;
  const misses: string[] = [];
  const falsePositives: string[] = [];
  for (const c of cases) {
    const ours = auditFiles(c.inputs);
    // Closest pairs first, so that one finding of ours is not taken by a farther expectation.
    const pairs: Array<{ e: number; f: number; d: number }> = [];
    c.expected.forEach((e, ei) => {
      ours.forEach((f, fi) => {
        if (!rulesForZizmor(e.rule).includes(f.ruleId) || resolve(f.file) !== e.file) return;
        const d = Math.abs(f.line - e.line);
        if (d <= LINE_TOLERANCE) pairs.push({ e: ei, f: fi, d });
      });
    });
    pairs.sort((x, y) => x.d - y.d || x.e - y.e);
    const usedFinding = new Set<number>();
    const matched = new Set<number>();
    for (const p of pairs) {
      if (usedFinding.has(p.f) || matched.has(p.e)) continue;
      usedFinding.add(p.f);
      matched.add(p.e);
    }
    c.expected.forEach((e, ei) => {
      const t = tally(e.rule);
      const hm = e.level === 'high' || e.level === 'medium';
      t.anyTotal++;
      if (hm) t.hmTotal++;
      if (matched.has(ei)) {
        t.anyFound++;
        if (hm) t.hmFound++;
      } else {
        misses.push(`${c.name}: ${e.level} ${e.rule} at ${relative(integration, e.file)}:${e.line}`);
      }
    });
    if (c.expected.length === 0) {
      clean++;
      for (const f of ours) {
        if (severityRank(f.severity) < severityRank('medium')) continue;
        tally(zizmorName(f) ?? `(ours) ${f.ruleId}`).cleanFp++;
        falsePositives.push(
          `${c.name}: ${f.severity} ${f.ruleId} at ${relative(integration, f.file)}:${f.line} ${f.message}`,
        );
      }
    }
  }
  const total: Tally = { hmFound: 0, hmTotal: 0, anyFound: 0, anyTotal: 0, cleanFp: 0 };
  console.log(`zizmor corpus ${integration}`);
  console.log(
    `${cases.length} default-persona cases (${clean} clean), ${skipped} other snapshots skipped (personas, configs, fixes)`,
  );
  console.log('');
  console.log(`${'zizmor audit'.padEnd(34)} ${'high+medium'.padStart(16)} ${'any level'.padStart(16)}  clean >=medium`);
  for (const [rule, t] of [...per].sort((a, b) => a[0].localeCompare(b[0]))) {
    for (const k of Object.keys(total) as Array<keyof Tally>) total[k] += t[k];
    const note =
      rule === 'ref-version-mismatch'
        ? '  (a SHA against its tag needs the GitHub API; offline only tag against comment)'
        : NEEDS_GITHUB.has(rule)
          ? '  (needs the GitHub API: runs with a token, not in this offline score)'
          : [...RULES.values()].some((r) => r.equivalents.zizmor === rule) || rule.startsWith('(ours)')
            ? ''
            : '  (no equivalent rule)';
    console.log(
      `${rule.padEnd(34)} ${`${t.hmFound}/${t.hmTotal}`.padStart(8)} ${pct(t.hmFound, t.hmTotal)} ${`${t.anyFound}/${t.anyTotal}`.padStart(8)} ${pct(t.anyFound, t.anyTotal)}  ${t.cleanFp}${note}`,
    );
  }
  console.log('');
  console.log(
    `${'total'.padEnd(34)} ${`${total.hmFound}/${total.hmTotal}`.padStart(8)} ${pct(total.hmFound, total.hmTotal)} ${`${total.anyFound}/${total.anyTotal}`.padStart(8)} ${pct(total.anyFound, total.anyTotal)}  ${total.cleanFp}`,
  );
  const offline = [...per].filter(([rule]) => !NEEDS_GITHUB.has(rule));
  const hmFound = offline.reduce((a, [, t]) => a + t.hmFound, 0);
  const hmTotal = offline.reduce((a, [, t]) => a + t.hmTotal, 0);
  console.log(
    `${'total without GitHub API audits'.padEnd(34)} ${`${hmFound}/${hmTotal}`.padStart(8)} ${pct(hmFound, hmTotal)}`,
  );
  console.log(`pin policy: ${pins.map((p) => `${p.pattern} ${p.policy}`).join(', ')}`);
  if (verbose) {
    console.log('\nmissed:');
    for (const m of misses) console.log(`  ${m}`);
    console.log('\nmedium-or-worse on clean cases:');
    for (const m of falsePositives) console.log(`  ${m}`);
  }
}

function scoreValid(root: string, verbose: boolean): void {
  const dir = resolve(root);
  const files = walk(dir);
  if (files.length === 0) throw new Error(`${dir}: no .yml or .yaml file found`);
  const high: Finding[] = [];
  const byRule = new Map<string, number>();
  for (const f of files) {
    for (const finding of auditFiles([f])) {
      if (severityRank(finding.severity) < severityRank('high')) continue;
      high.push(finding);
      byRule.set(finding.ruleId, (byRule.get(finding.ruleId) ?? 0) + 1);
    }
  }
  const VALIDITY = new Set(['invalid-workflow', 'malformed-expression', 'yaml-syntax']);
  const invalid = high.filter((f) => VALIDITY.has(f.ruleId)).length;
  console.log(
    `valid corpus ${dir}: ${files.length} file(s), ${high.length} high-or-worse finding(s), ${invalid} of them saying the file is not valid`,
  );
  for (const [rule, n] of [...byRule].sort()) console.log(`  ${rule}: ${n}`);
  if (verbose) for (const f of high) console.log(`  ${relative(dir, f.file)}:${f.line} ${f.ruleId} ${f.message}`);
}

const [mode, folder, ...rest] = process.argv.slice(2);
const verbose = rest.includes('--verbose');
if (rest.includes('--hash-pin-all')) pins = [{ pattern: '*', policy: 'hash-pin' }];
if ((mode !== 'zizmor' && mode !== 'valid') || folder === undefined) {
  console.error('usage: score-zizmor.ts zizmor|valid <folder> [--verbose]');
  process.exit(2);
}
try {
  if (mode === 'zizmor') scoreZizmor(folder, verbose);
  else scoreValid(folder, verbose);
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  process.exit(2);
}
