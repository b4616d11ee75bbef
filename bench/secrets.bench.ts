/**
 * Secret scan throughput: a generated 10 MB unified diff of ordinary code
 * with a few planted tokens, scanned by the full rule set (keyword automaton,
 * patterns only at keyword hits) and by a naive baseline that runs every
 * rule's regular expression over every added line, in the same run.
 * Run with `npx tsx bench/secrets.bench.ts` (or `npm run bench -- secrets`).
 * secretlint (its recommended preset) scans the same added text in the same
 * run, file by file, as its CLI would.
 * BENCH_MB sets the size of the diff.
 */
import { performance } from 'node:perf_hooks';
import { parseUnifiedDiff } from '../src/gates/secrets/diff.js';
import { DEFAULT_SECRETS_POLICY } from '../src/gates/secrets/policy.js';
import { defaultRules, SECRET_RULES } from '../src/gates/secrets/rules.js';
import { scanDiffFiles } from '../src/gates/secrets/scan.js';
import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import { seededRandom } from '../src/runtime/random.js';

const targetBytes = Number(process.env.BENCH_MB ?? 10) * 1024 * 1024;

/** The shared seeded generator (mulberry32), so runs are reproducible. */
const rng: (seed: number) => () => number = seededRandom;
const rand = rng(2026);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const chars = (alphabet: string, n: number): string => Array.from({ length: n }, () => alphabet.charAt(Math.floor(rand() * alphabet.length))).join('');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Ordinary code, with the words that the generic rules key on appearing as often as they do in real trees.
const words = ['user', 'order', 'item', 'request', 'response', 'config', 'token', 'key', 'client', 'session', 'access', 'auth', 'api', 'value', 'count', 'index', 'handler', 'result', 'cache', 'secret', 'password', 'name', 'id', 'list', 'map'];
const ident = (): string => pick(words) + pick(['', 'Id', 'Name', 'Key', 'Count', 'List', 'Map', 'Token']) ;
const templates: Array<() => string> = [
  () => `  const ${ident()} = ${ident()}.${ident()}(${ident()}, ${Math.floor(rand() * 1000)});`,
  () => `  if (${ident()} === undefined) return ${ident()};`,
  () => `  // ${pick(words)} ${pick(words)} ${pick(words)} when the ${pick(words)} is ${pick(words)}`,
  () => `  ${ident()}: '${pick(words)}-${pick(words)}',`,
  () => `  "${ident()}": "${chars('abcdef0123456789', 12)}",`,
  () => `import { ${ident()}, ${ident()} } from './${pick(words)}/${pick(words)}.js';`,
  () => `  await fetch(\`https://api.example.com/v1/${pick(words)}s/\${${ident()}}\`, { headers: { authorization: \`Bearer \${${ident()}}\` } });`,
  () => `  ${ident()}Key = process.env.${pick(words).toUpperCase()}_KEY ?? '';`,
  () => `  for (const ${ident()} of ${ident()}s) ${ident()}.push(${ident()});`,
  () => `}`,
  () => ``,
];
const planted = [() => `GITHUB_TOKEN=ghp_${chars(ALNUM, 36)}`, () => `stripe = "sk_live_${chars(ALNUM, 24)}"`, () => `api_key: "${chars(ALNUM, 30)}7q"`, () => `AKIA${chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`];

function buildDiff(): { diff: string; planted: number } {
  const parts: string[] = [];
  let bytes = 0;
  let plantedCount = 0;
  for (let file = 0; bytes < targetBytes; file++) {
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      if (rand() < 0.0005) {
        lines.push(pick(planted)());
        plantedCount++;
      } else lines.push(pick(templates)());
    }
    const path = `src/${pick(words)}/${pick(words)}-${file}.ts`;
    const body = `diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join('\n')}\n`;
    parts.push(body);
    bytes += body.length;
  }
  return { diff: parts.join(''), planted: plantedCount };
}

/** Every rule's pattern, unanchored, over every added line: what a scanner without a prefilter does. */
function naiveScan(diff: string): number {
  const regexes = SECRET_RULES.map((r) => new RegExp(r.pattern.source, r.pattern.flags.replace('y', '') + 'g'));
  let matches = 0;
  for (const file of parseUnifiedDiff(diff)) {
    for (const line of file.addedLines) {
      for (const re of regexes) {
        re.lastIndex = 0;
        while (re.exec(line) !== null) matches++;
      }
    }
  }
  return matches;
}

/** Wall time, and CPU time of this process: on a shared machine the second is what one core did. */
function time<T>(fn: () => T): { ms: number; cpuMs: number; value: T } {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, value };
}

const { diff, planted: plantedCount } = buildDiff();
const mb = diff.length / (1024 * 1024);
const scanOurs = () => scanDiffFiles(parseUnifiedDiff(diff), defaultRules(), DEFAULT_SECRETS_POLICY);
// Two untimed passes compile the rules and warm the JIT; the figures are for a scanner in its steady state.
scanOurs();
scanOurs();
const runs = Number(process.env.BENCH_RUNS ?? 5);
const ours: Array<{ ms: number; cpuMs: number }> = [];
let found = 0;
for (let i = 0; i < runs; i++) {
  const a = time(scanOurs);
  ours.push(a);
  found = a.value.findings.length;
}
// The baseline is slow enough that one run says what it needs to.
const naive = time(() => naiveScan(diff));
const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
const oursMs = median(ours.map((o) => o.ms));
const oursCpu = median(ours.map((o) => o.cpuMs));
const rate = (ms: number): string => (mb / (ms / 1000)).toFixed(ms > 10_000 ? 2 : 1);
console.log(`node ${process.version}; diff of ${mb.toFixed(1)} MB, ${SECRET_RULES.length} line rules, ${plantedCount} planted secrets; ours: median of ${runs} runs after two warm-up runs, naive: 1 run`);
console.log('| scan | wall ms | MB/s (wall) | CPU ms | MB/s (CPU) | findings |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
console.log(`| keyword automaton + anchored patterns (diff parsing included) | ${oursMs.toFixed(0)} | ${rate(oursMs)} | ${oursCpu.toFixed(0)} | ${rate(oursCpu)} | ${found} |`);
console.log(`| naive: every pattern on every added line (raw matches, no filters) | ${naive.ms.toFixed(0)} | ${rate(naive.ms)} | ${naive.cpuMs.toFixed(0)} | ${rate(naive.cpuMs)} | ${naive.value} |`);
console.log(`\nspeed-up over the naive scan: ${(naive.ms / oursMs).toFixed(1)}x wall, ${(naive.cpuMs / oursCpu).toFixed(1)}x CPU; findings ${found} for ${plantedCount} planted`);

/** secretlint with its recommended preset over the same added lines, one source per file. */
async function secretlintScan(text: string): Promise<number> {
  let messages = 0;
  for (const file of parseUnifiedDiff(text)) {
    const result = await lintSource({
      source: { content: file.addedLines.join('\n'), filePath: `/bench/${file.path}`, ext: '.ts', contentType: 'text' },
      options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }] }, maskSecrets: true },
    });
    messages += result.messages.length;
  }
  return messages;
}

const slStart = performance.now();
const slCpu = process.cpuUsage();
const slFound = await secretlintScan(diff);
const slUsed = process.cpuUsage(slCpu);
const slMs = performance.now() - slStart;
const slCpuMs = (slUsed.user + slUsed.system) / 1000;
console.log('\n| scan | wall ms | MB/s (wall) | CPU ms | MB/s (CPU) | findings |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
console.log(`| Bellwether | ${oursMs.toFixed(0)} | ${rate(oursMs)} | ${oursCpu.toFixed(0)} | ${rate(oursCpu)} | ${found} |`);
console.log(`| secretlint, recommended preset | ${slMs.toFixed(0)} | ${rate(slMs)} | ${slCpuMs.toFixed(0)} | ${rate(slCpuMs)} | ${slFound} |`);
console.log(`\nBellwether over secretlint: ${(slMs / oursMs).toFixed(1)}x wall, ${(slCpuMs / oursCpu).toFixed(1)}x CPU`);
