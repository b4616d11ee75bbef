/**
 * Secret scan throughput and what it finds, beside secretlint (its
 * recommended preset) in the same run, on two diffs of about 10 MB each
 * (BENCH_MB sets the size):
 *
 * - ordinary code: the source files of the installed dependencies
 *   (node_modules, sorted, as fixed by package-lock.json) added as new files
 *   in a git diff, with generated tokens of 18 vendors' shapes planted on
 *   lines of their own. Findings off the planted lines are what the scan says
 *   about ordinary code: false positives, or test secrets that libraries ship.
 * - keyword-dense code: generated lines in which the words the generic rule
 *   keys on (`key`, `token`, `secret`, `auth`...) stand in one line of two,
 *   ten times as often as in the ordinary tree: the worst case for a scan
 *   that tries patterns at keywords.
 *
 * Bellwether scans the diff text as `bellwether gate secrets --diff` does
 * (diff reading included); secretlint gets each file's added lines, already
 * split out of the diff, as its CLI would read the files. Every scanner has
 * two untimed warm-up runs; the figures are medians of BENCH_RUNS runs (5),
 * CPU time of the scanning thread beside wall time. A line saying how the cost
 * grows with the number of rules closes the table, and a second process,
 * whose young generation holds a whole scan, measures what one scan of each
 * scanner allocates. BENCH_NAIVE=1 adds a scan that runs every rule's
 * regular expression on every added line. A last table runs whole processes
 * on a 100 MB diff file (BENCH_WHOLE_MB), reading it whole beside reading it
 * piece by piece.
 *
 * Run with `npm run bench -- secrets`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import { parseUnifiedDiff } from '../src/gates/core/diff.js';
import { scanGitDiff } from '../src/gates/secrets/diff-scan.js';
import { compileRules } from '../src/gates/secrets/engine.js';
import { DEFAULT_SECRETS_POLICY } from '../src/gates/secrets/policy.js';
import { defaultRules, SECRET_RULES } from '../src/gates/secrets/rules.js';
import { seededRandom } from '../src/runtime/random.js';

const targetBytes = Number(process.env.BENCH_MB ?? 10) * 1024 * 1024;
const runs = Number(process.env.BENCH_RUNS ?? 5);

const rand = seededRandom(2026);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const chars = (alphabet: string, n: number): string =>
  Array.from({ length: n }, () => alphabet.charAt(Math.floor(rand() * alphabet.length))).join('');
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const HEX = '0123456789abcdef';
const URLSAFE = `${ALNUM}_-`;
const BASE64 = `${ALNUM}+/`;

/** Secrets of real vendors' shapes, each on a line of its own as code and configuration hold them. */
const PLANTED: ReadonlyArray<() => string> = [
  () => `GITHUB_TOKEN=ghp_${chars(ALNUM, 36)}`,
  () => `  token: "github_pat_${chars(ALNUM, 22)}_${chars(ALNUM, 59)}"`,
  () => `GITLAB_TOKEN=glpat-${chars(URLSAFE, 20)}`,
  () => `const slackToken = "xoxb-${chars(DIGITS, 12)}-${chars(DIGITS, 13)}-${chars(ALNUM, 24)}";`,
  () =>
    `SLACK_WEBHOOK=https://hooks.slack.com/services/T${chars(UPPER + DIGITS, 10)}/B${chars(UPPER + DIGITS, 10)}/${chars(ALNUM, 24)}`,
  () => `stripe.setApiKey('sk_live_${chars(ALNUM, 24)}');`,
  () => `aws_access_key_id = AKIA${chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
  () => `aws_secret_access_key = ${chars(BASE64, 40)}`,
  () => `  "apiKey": "AIza${chars(URLSAFE, 35)}",`,
  () => `//registry.npmjs.org/:_authToken=npm_${chars(ALNUM, 36)}`,
  () => `password = pypi-AgEIcHlwaS5vcmc${chars(URLSAFE, 70)}`,
  () => `OPENAI_API_KEY=sk-proj-${chars(URLSAFE, 74)}T3BlbkFJ${chars(URLSAFE, 74)}`,
  () => `ANTHROPIC_API_KEY=sk-ant-api03-${chars(URLSAFE, 93)}AA`,
  () => `sendgrid: SG.${chars(URLSAFE, 22)}.${chars(URLSAFE, 43)}`,
  () => `DATABASE_URL=postgres://app:${chars(ALNUM, 14)}7q@db.internal:5432/app`,
  () => `  api_key = "${chars(ALNUM, 30)}7q"`,
  () => `SHOPIFY_TOKEN=shpat_${chars(HEX, 32)}`,
  () => `DD_API_KEY=${chars(HEX, 32)}`,
];

interface Corpus {
  readonly name: string;
  readonly diff: string;
  /** `path:line` of every planted secret. */
  readonly planted: ReadonlySet<string>;
  /** Added text of each file, for secretlint. */
  readonly files: ReadonlyArray<{ path: string; text: string }>;
}

/** A new-file diff as git writes it, with a planted line now and then. */
function buildCorpus(name: string, sources: Iterable<{ path: string; lines: string[] }>, plantEvery: number): Corpus {
  const parts: string[] = [];
  const planted = new Set<string>();
  const files: Array<{ path: string; text: string }> = [];
  let bytes = 0;
  for (const source of sources) {
    if (bytes >= targetBytes) break;
    const lines: string[] = [];
    for (const line of source.lines) {
      if (rand() < 1 / plantEvery) {
        lines.push(pick(PLANTED)());
        planted.add(`${source.path}:${lines.length}`);
      }
      lines.push(line);
    }
    const text = lines.join('\n');
    files.push({ path: source.path, text });
    const body = `diff --git a/${source.path} b/${source.path}\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/${source.path}\n@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join('\n')}\n`;
    parts.push(body);
    bytes += body.length;
  }
  return { name, diff: parts.join(''), planted, files };
}

/** The dependencies' own text files, in a fixed order; caches and lock files left out. */
function* dependencySources(): Generator<{ path: string; lines: string[] }> {
  const walk = function* (dir: string): Generator<string> {
    for (const entry of readdirSync(dir).sort()) {
      if (entry === '.cache' || entry === '.vitest-cache' || entry === '.bin' || entry === 'package-lock.json')
        continue;
      const path = join(dir, entry);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (stat?.isDirectory()) yield* walk(path);
      else if (stat && stat.size < 400_000 && /\.(?:[cm]?js|ts|json|md|ya?ml)$/.test(entry)) yield path;
    }
  };
  for (const path of walk('node_modules')) {
    const text = readFileSync(path, 'utf8');
    yield { path, lines: text.split('\n') };
  }
}

/** Generated code in which the generic rule's keywords are everywhere. */
function* denseSources(): Generator<{ path: string; lines: string[] }> {
  const words = [
    'user',
    'order',
    'item',
    'request',
    'response',
    'config',
    'token',
    'key',
    'client',
    'session',
    'access',
    'auth',
    'api',
    'value',
    'count',
    'index',
    'handler',
    'result',
    'cache',
    'secret',
    'password',
    'name',
    'id',
    'list',
    'map',
  ];
  const ident = (): string => pick(words) + pick(['', 'Id', 'Name', 'Key', 'Count', 'List', 'Map', 'Token']);
  const templates: Array<() => string> = [
    () => `  const ${ident()} = ${ident()}.${ident()}(${ident()}, ${Math.floor(rand() * 1000)});`,
    () => `  if (${ident()} === undefined) return ${ident()};`,
    () => `  // ${pick(words)} ${pick(words)} ${pick(words)} when the ${pick(words)} is ${pick(words)}`,
    () => `  ${ident()}: '${pick(words)}-${pick(words)}',`,
    () => `  "${ident()}": "${chars('abcdef0123456789', 12)}",`,
    () => `import { ${ident()}, ${ident()} } from './${pick(words)}/${pick(words)}.js';`,
    () =>
      `  await fetch(\`https://api.example.com/v1/${pick(words)}s/\${${ident()}}\`, { headers: { authorization: \`Bearer \${${ident()}}\` } });`,
    () => `  ${ident()}Key = process.env.${pick(words).toUpperCase()}_KEY ?? '';`,
    () => `  for (const ${ident()} of ${ident()}s) ${ident()}.push(${ident()});`,
    () => `}`,
    () => ``,
  ];
  for (let file = 0; ; file++)
    yield {
      path: `src/${pick(words)}/${pick(words)}-${file}.ts`,
      lines: Array.from({ length: 400 }, () => pick(templates)()),
    };
}

/**
 * CPU time of this thread, the one that scans: V8's helper threads (concurrent
 * marking, compilation) would otherwise add whatever collection of the whole
 * heap happened to overlap a run, to either scanner.
 */
function cpuMs(): number {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
}

/** Wall and CPU milliseconds of a run, and its value. */
async function timed<T>(fn: () => T | Promise<T>): Promise<{ ms: number; cpu: number; value: T }> {
  const wall = performance.now();
  const cpu = cpuMs();
  const value = await fn();
  return { ms: performance.now() - wall, cpu: cpuMs() - cpu, value };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Two untimed runs, then `runs` timed ones: medians of wall and CPU time, and the last value. */
async function measure<T>(fn: () => T | Promise<T>): Promise<{ ms: number; cpu: number; value: T }> {
  await fn();
  await fn();
  const all = [];
  for (let i = 0; i < runs; i++) all.push(await timed(fn));
  return {
    ms: median(all.map((r) => r.ms)),
    cpu: median(all.map((r) => r.cpu)),
    value: (all[all.length - 1] as { value: T }).value,
  };
}

/** `path:line` of each finding. */
type Located = ReadonlyArray<{ path: string; line: number; rule: string }>;

function bellwether(corpus: Corpus, rules = defaultRules()): Located {
  return scanGitDiff(corpus.diff, rules, DEFAULT_SECRETS_POLICY).findings.map((f) => ({
    path: f.file,
    line: f.line,
    rule: f.ruleId,
  }));
}

async function secretlint(corpus: Corpus): Promise<Located> {
  const out: Array<{ path: string; line: number; rule: string }> = [];
  for (const file of corpus.files) {
    const result = await lintSource({
      source: { content: file.text, filePath: `/bench/${file.path}`, ext: '.ts', contentType: 'text' },
      options: {
        config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }] },
        maskSecrets: true,
      },
    });
    for (const m of result.messages) out.push({ path: file.path, line: m.loc.start.line, rule: m.ruleId });
  }
  return out;
}

/** Every rule's pattern, unanchored, on every added line: what a scanner without a keyword prefilter does. */
function naive(corpus: Corpus): number {
  const regexes = SECRET_RULES.map((r) => new RegExp(r.pattern.source, `${r.pattern.flags.replace('y', '')}g`));
  let matches = 0;
  for (const file of parseUnifiedDiff(corpus.diff)) {
    for (const line of file.addedLines) {
      for (const re of regexes) {
        re.lastIndex = 0;
        while (re.exec(line) !== null) matches++;
      }
    }
  }
  return matches;
}

/** Planted secrets found, and the other findings by rule. */
function tally(corpus: Corpus, found: Located): { planted: number; other: number; byRule: string } {
  const hit = new Set<string>();
  const others = new Map<string, number>();
  for (const f of found) {
    const key = `${f.path}:${f.line}`;
    if (corpus.planted.has(key)) hit.add(key);
    else others.set(f.rule, (others.get(f.rule) ?? 0) + 1);
  }
  const byRule = [...others]
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${r} ${n}`)
    .join(', ');
  return { planted: hit.size, other: [...others.values()].reduce((a, b) => a + b, 0), byRule };
}

const ordinary = buildCorpus('ordinary code (dependencies)', dependencySources(), 2000);
const dense = buildCorpus('keyword-dense code (generated)', denseSources(), 2000);

/**
 * Memory, measured in a child process started with a young generation large
 * enough that a scan runs without a collection: the heap's growth over one
 * scan is then what the scan allocated. A scan during which the collector
 * ran anyway is reported as "at least".
 */
async function allocationTable(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the memory run needs --expose-gc');
  let collections = 0;
  const observer = new PerformanceObserver((list) => {
    collections += list.getEntries().length;
  });
  observer.observe({ entryTypes: ['gc'] });
  const allocated = async (fn: () => unknown): Promise<string> => {
    await fn();
    await fn();
    gc();
    await new Promise((r) => setTimeout(r, 10));
    collections = 0;
    const before = process.memoryUsage().heapUsed;
    await fn();
    const after = process.memoryUsage().heapUsed;
    await new Promise((r) => setTimeout(r, 10));
    const mb = ((after - before) / (1024 * 1024)).toFixed(1);
    return collections === 0 ? `${mb} MB` : `at least ${mb} MB (${collections} collections during the scan)`;
  };
  console.log('| corpus | scanner | allocated by one scan of the 10 MB diff |');
  console.log('| --- | --- | ---: |');
  for (const corpus of [ordinary, dense]) {
    console.log(`| ${corpus.name} | Bellwether | ${await allocated(() => bellwether(corpus))} |`);
    console.log(`| ${corpus.name} | secretlint (recommended preset) | ${await allocated(() => secretlint(corpus))} |`);
  }
  observer.disconnect();
}

if (process.env.BENCH_SECRETS_MEMORY === '1') {
  await allocationTable();
  process.exit(0);
}

console.log(
  `node ${process.version}; ${SECRET_RULES.length} line rules; medians of ${runs} runs after two warm-up runs each; CPU is the scanning thread's user+system time\n`,
);
console.log('| corpus | scanner | MB | wall ms | MB/s wall | CPU ms | MB/s CPU | planted found | other findings |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const notes: string[] = [];
for (const corpus of [ordinary, dense]) {
  const mb = corpus.diff.length / (1024 * 1024);
  const rate = (ms: number): string => (mb / (ms / 1000)).toFixed(1);
  const ours = await measure(() => bellwether(corpus));
  const theirs = await measure(() => secretlint(corpus));
  const row = (scanner: string, r: { ms: number; cpu: number; value: Located }): string => {
    const t = tally(corpus, r.value);
    if (t.byRule) notes.push(`${scanner} on ${corpus.name}, findings off the planted lines: ${t.byRule}`);
    return `| ${corpus.name} | ${scanner} | ${mb.toFixed(1)} | ${r.ms.toFixed(0)} | ${rate(r.ms)} | ${r.cpu.toFixed(0)} | ${rate(r.cpu)} | ${t.planted} of ${corpus.planted.size} | ${t.other} |`;
  };
  console.log(row('Bellwether', ours));
  console.log(row('secretlint (recommended preset)', theirs));
  notes.push(
    `${corpus.name}: Bellwether over secretlint ${(theirs.ms / ours.ms).toFixed(1)}x wall, ${(theirs.cpu / ours.cpu).toFixed(1)}x CPU`,
  );
}
console.log('');
for (const n of notes) console.log(n);

// The keyword prefilter makes the cost follow the text, not the rule count.
const few = compileRules(SECRET_RULES.slice(0, 10));
const tenRules = await measure(() => bellwether(ordinary, few));
const allRules = await measure(() => bellwether(ordinary));
console.log(
  `\ncost and rule count, ordinary code: 10 rules ${tenRules.cpu.toFixed(0)} ms CPU, all ${SECRET_RULES.length} rules ${allRules.cpu.toFixed(0)} ms CPU (${(allRules.cpu / tenRules.cpu).toFixed(2)}x for ${(SECRET_RULES.length / 10).toFixed(0)}x the rules)`,
);

if (process.env.BENCH_NAIVE === '1') {
  const n = await timed(() => naive(ordinary));
  console.log(
    `every pattern on every added line, ordinary code: ${n.cpu.toFixed(0)} ms CPU, ${(n.cpu / allRules.cpu).toFixed(0)}x Bellwether (${n.value} raw matches, no filters)`,
  );
}

/**
 * The whole process on a large diff file, the two ways of reading it side by
 * side, each in a fresh process: the ordinary-code diff repeated to
 * BENCH_WHOLE_MB (100 MB by default), medians of BENCH_WHOLE_RUNS runs (3).
 * CPU is every thread of the process from its start (loading the code
 * included, which the `imports only` row shows), beside the scanning
 * thread's CPU for the scan alone; peak RSS beside the size of the diff.
 */
function wholeProcessTable(): void {
  const wholeMb = Number(process.env.BENCH_WHOLE_MB ?? 100);
  const wholeRuns = Number(process.env.BENCH_WHOLE_RUNS ?? 3);
  const dir = mkdtempSync(join(tmpdir(), 'bellwether-bench-'));
  const file = join(dir, 'large.diff');
  const piece = Buffer.from(ordinary.diff);
  const copies = Math.max(1, Math.round((wholeMb * 1024 * 1024) / piece.length));
  writeFileSync(file, Buffer.concat(Array.from({ length: copies }, () => piece)));
  const mb = (piece.length * copies) / (1024 * 1024);
  const child = fileURLToPath(new URL('./secrets-whole-child.ts', import.meta.url));
  type Run = { wallMs: number; cpuMs: number; scanThreadMs: number; maxRssMiB: number; findings: number };
  const run = (mode: string): Run => {
    const all: Run[] = [];
    for (let i = 0; i < wholeRuns; i++) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', child, mode, file], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`whole-process run ${mode} failed: ${r.stderr}`);
      all.push(JSON.parse(r.stdout) as Run);
    }
    const m = (k: keyof Run): number => median(all.map((x) => x[k]));
    return {
      wallMs: m('wallMs'),
      cpuMs: m('cpuMs'),
      scanThreadMs: m('scanThreadMs'),
      maxRssMiB: m('maxRssMiB'),
      findings: all[0]?.findings ?? 0,
    };
  };
  try {
    const none = run('none');
    const whole = run('whole');
    const pieces = run('pieces');
    const diffMiB = mb;
    console.log(`
whole process, ${mb.toFixed(0)} MB diff file (ordinary code), medians of ${wholeRuns} fresh processes
`);
    console.log(
      '| reading | wall ms | process CPU ms | MB/s process CPU | scanning thread CPU ms | MB/s scanning thread | process / scanning thread | same, less imports | peak RSS MiB | peak RSS / diff | same, less imports | findings |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    console.log(
      `| imports only | ${none.wallMs.toFixed(0)} | ${none.cpuMs.toFixed(0)} | | | | | | ${none.maxRssMiB.toFixed(0)} | | | |`,
    );
    const scanThread = whole.scanThreadMs;
    for (const [name, r] of [
      ['whole file, decoded at once', whole],
      ['piece by piece (scanGitDiffFile)', pieces],
    ] as const) {
      console.log(
        `| ${name} | ${r.wallMs.toFixed(0)} | ${r.cpuMs.toFixed(0)} | ${(mb / (r.cpuMs / 1000)).toFixed(1)} | ${scanThread.toFixed(0)} | ${(mb / (scanThread / 1000)).toFixed(1)} | ${(r.cpuMs / scanThread).toFixed(2)}x | ${((r.cpuMs - none.cpuMs) / scanThread).toFixed(2)}x | ${r.maxRssMiB.toFixed(0)} | ${(r.maxRssMiB / diffMiB).toFixed(2)}x | ${((r.maxRssMiB - none.maxRssMiB) / diffMiB).toFixed(2)}x | ${r.findings} |`,
      );
    }
    console.log(`
piece by piece over whole file: ${(whole.cpuMs / pieces.cpuMs).toFixed(2)}x less process CPU, ${(whole.maxRssMiB / pieces.maxRssMiB).toFixed(2)}x less peak memory`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
wholeProcessTable();

// The same corpora again in a process whose young generation holds a whole scan, for the memory table.
console.log('');
const memory = spawnSync(
  process.execPath,
  [
    '--expose-gc',
    '--min-semi-space-size=1024',
    '--max-semi-space-size=1024',
    '--import',
    'tsx',
    fileURLToPath(import.meta.url),
  ],
  {
    env: { ...process.env, BENCH_SECRETS_MEMORY: '1' },
    stdio: 'inherit',
  },
);
if (memory.status !== 0) process.exitCode = 1;
