/**
 * Scores the secrets gate on gitleaks' rule examples: how many of the true
 * examples it finds, and how many of the false ones it flags, per gitleaks
 * rule and in total. It fetches nothing: give it the JSON that
 * `extract-gitleaks.ts` writes (or a folder of such files).
 *
 *   node --import tsx scripts/corpus/score-gitleaks.ts CORPUS [--all] [--show RULE|all]
 *
 * Each example is scanned as a whole file, with the default policy, at the
 * path gitleaks gives it or else at `example`. An example counts as found
 * when any finding comes out of it (the gate stops on any rule); the column
 * "same rule" counts only findings of a rule that covers the example's
 * gitleaks rule (its `gitleaks` id, or the coverage table).
 * `--all` lists every rule, not only the imperfect ones; `--show` prints the
 * missed and flagged examples of one rule (or of all).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SECRETS_POLICY } from '../../src/gates/secrets/policy.js';
import { gitleaksCoverage } from '../../src/gates/secrets/rules-gitleaks.js';
import { defaultRules, SECRET_RULES } from '../../src/gates/secrets/rules.js';
import { scanFileContent } from '../../src/gates/secrets/scan.js';
import type { CorpusExample, CorpusRule } from './extract-gitleaks.js';

const args = process.argv.slice(2);
const corpus = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--show');
if (!corpus) {
  console.error('usage: score-gitleaks.ts CORPUS.json|DIR [--all] [--show RULE|all]');
  process.exit(2);
}
const listAll = args.includes('--all');
const show = args.includes('--show') ? args[args.indexOf('--show') + 1] : undefined;

const files = statSync(corpus).isDirectory()
  ? readdirSync(corpus)
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(corpus, f))
  : [corpus];
const rules: CorpusRule[] = files.flatMap(
  (f) => (JSON.parse(readFileSync(f, 'utf8')) as { rules: CorpusRule[] }).rules,
);
if (rules.length === 0) {
  console.error(`${corpus}: no rules with examples`);
  process.exit(2);
}

/**
 * gitleaks lists some strings as false examples of one rule that are true
 * examples of another (a Cloudflare origin CA key is not a global API key):
 * the gate reports the secret either way, so they are left out of the false
 * examples and counted apart.
 */
const trueTexts = new Set(rules.flatMap((r) => r.tps.map((t) => t.text)));
let crossExamples = 0;
for (const rule of rules) {
  const own = new Set(rule.tps.map((t) => t.text));
  const kept = rule.fps.filter((f) => own.has(f.text) || !trueTexts.has(f.text));
  crossExamples += rule.fps.length - kept.length;
  (rule as { fps: CorpusExample[] }).fps = kept;
}

const compiled = defaultRules();
const coverage = gitleaksCoverage(SECRET_RULES);
const encoder = new TextEncoder();
function findingsOf(example: CorpusExample): Array<{ ruleId: string; gitleaks?: string }> {
  return scanFileContent(example.path ?? 'example', encoder.encode(example.text), compiled, DEFAULT_SECRETS_POLICY)
    .findings;
}

interface Row {
  id: string;
  tp: number;
  found: number;
  same: number;
  fp: number;
  flagged: number;
  by: Set<string>;
}
const rows: Row[] = [];
for (const rule of rules) {
  const row: Row = {
    id: rule.id,
    tp: rule.tps.length,
    found: 0,
    same: 0,
    fp: rule.fps.length,
    flagged: 0,
    by: new Set(),
  };
  for (const ex of rule.tps) {
    const f = findingsOf(ex);
    if (f.length > 0) row.found++;
    if (f.some((x) => x.gitleaks === rule.id || coverage.get(rule.id)?.includes(x.ruleId))) row.same++;
    if (f.length === 0 && (show === rule.id || show === 'all'))
      console.log(`MISS ${rule.id}${ex.path ? ` [${ex.path}]` : ''}: ${JSON.stringify(ex.text.slice(0, 300))}`);
  }
  for (const ex of rule.fps) {
    const f = findingsOf(ex);
    if (f.length > 0) {
      row.flagged++;
      for (const x of f) row.by.add(x.ruleId);
      if (show === rule.id || show === 'all')
        console.log(
          `FLAG ${rule.id}${ex.path ? ` [${ex.path}]` : ''} by ${f.map((x) => x.ruleId).join(',')}: ${JSON.stringify(ex.text.slice(0, 300))}`,
        );
    }
  }
  rows.push(row);
}

const pct = (n: number, d: number): string => (d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`);
console.log(
  `${'gitleaks rule'.padEnd(40)} ${'found'.padStart(9)} ${'same rule'.padStart(9)} ${'flagged'.padStart(9)}  flagged by`,
);
for (const r of rows.sort(
  (a, b) => a.found / (a.tp || 1) - b.found / (b.tp || 1) || b.flagged - a.flagged || a.id.localeCompare(b.id),
)) {
  if (!listAll && r.found === r.tp && r.flagged === 0) continue;
  console.log(
    `${r.id.padEnd(40)} ${`${r.found}/${r.tp}`.padStart(9)} ${`${r.same}/${r.tp}`.padStart(9)} ${`${r.flagged}/${r.fp}`.padStart(9)}  ${[...r.by].join(', ')}`,
  );
}
const sum = (k: 'tp' | 'found' | 'same' | 'fp' | 'flagged'): number => rows.reduce((n, r) => n + r[k], 0);
console.log(
  `total: ${rows.length} rules; true examples found ${sum('found')}/${sum('tp')} (${pct(sum('found'), sum('tp'))}), by the same rule ${sum('same')} (${pct(sum('same'), sum('tp'))}); ` +
    `false examples flagged ${sum('flagged')}/${sum('fp')} (${pct(sum('flagged'), sum('fp'))}), leaving out ${crossExamples} that are true examples of another rule; ` +
    `rules finding nothing: ${rows.filter((r) => r.tp > 0 && r.found === 0).length}`,
);
