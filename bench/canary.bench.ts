/**
 * The canary judge against R's wilcox.test on the same data, in one run:
 * 1,500 metrics × 1,000 points per side, and one metric × 100,000 points per
 * side. Our time is the whole judge() call (preparation, interval, estimate,
 * classification, scoring) on one core; R's is the loop of
 * wilcox.test(canary, baseline, conf.int = TRUE, conf.level = 0.98,
 * exact = FALSE, correct = TRUE) timed inside R, after its data are loaded.
 *
 * Then the same comparison as whole processes, which is what a user waits
 * for: `node dist/cli.js canary judge --config FILE --input FILE` (start-up,
 * reading and checking a JSON input file of 1,500 metrics × 1,000 points a
 * side, judging, printing JSON), against `Rscript` starting, reading the same
 * numbers (from a binary file, which favours R) and running the same
 * wilcox.test per metric. Wall-clock time, CPU time and peak memory (RSS)
 * come from /usr/bin/time. Memory is compared with the size of the input
 * file two ways: raw, the whole process's peak RSS over the file's size; and
 * net, the peak RSS minus the peak RSS of an idle start-up of the same CLI
 * (`--version`: node and the bundle loaded, nothing read), over the file's
 * size. The goal (within 2× the input) is the net figure; both are printed.
 * Run `npm run build` first.
 *
 * Run with `npx tsx bench/canary.bench.ts` or `npm run bench -- canary`.
 * BENCH_SKIP_R=1 skips R; without Rscript on PATH the R column says so.
 * BENCH_PROCESS_ONLY=1 runs only the whole-process comparison.
 *
 * `npx tsx bench/canary.bench.ts --quality` measures decisions instead of
 * speed: both profiles on 400 labelled synthetic canaries (seed 42, 360 points
 * per side), judged once, and in six looks at a growing soak.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineMetric } from '../src/canary/judge/defaults.js';
import { judge } from '../src/canary/judge/judge.js';
import { evaluateProfile } from '../src/canary/judge/evaluation.js';
import { METRIC_KINDS, rng, syntheticCanaries, syntheticConfig } from '../src/canary/judge/synthetic.js';
import type { JudgeConfig, JudgeInput, JudgeProfile } from '../src/canary/judge/types.js';

interface Case {
  readonly name: string;
  readonly metrics: number;
  readonly points: number;
}
const cases: Case[] = [
  { name: '1,500 metrics × 1,000 points per side', metrics: 1500, points: 1000 },
  { name: '1 metric × 100,000 points per side', metrics: 1, points: 100_000 },
];

function dataFor(c: Case, seed: number): { config: JudgeConfig; input: JudgeInput; flat: Float64Array } {
  const random = rng(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const metrics = [];
  const input: Record<string, { baseline: number[]; canary: number[] }> = {};
  const flat = new Float64Array(c.metrics * c.points * 2);
  let w = 0;
  for (let i = 0; i < c.metrics; i++) {
    const name = `metric-${i}`;
    metrics.push(defineMetric({ name, groups: [`group-${i % 10}`] }));
    // latency-like values; every tenth metric regressed by 5%
    const shift = i % 10 === 0 ? 1.05 : 1;
    const canary = Array.from({ length: c.points }, () => 100 * shift * Math.exp(0.3 * normal()));
    const baseline = Array.from({ length: c.points }, () => 100 * Math.exp(0.3 * normal()));
    input[name] = { baseline, canary };
    for (const v of canary) flat[w++] = v;
    for (const v of baseline) flat[w++] = v;
  }
  return { config: { metrics, groupWeights: {} }, input, flat };
}

/** Wall-clock and CPU time of one run, in milliseconds. */
interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

function timeJudge(config: JudgeConfig, input: JudgeInput, profile: JudgeProfile, repeats: number): Timing {
  judge(config, input, { profile }); // warm up
  const runs: Timing[] = [];
  for (let r = 0; r < repeats; r++) {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    judge(config, input, { profile });
    const wall = Number(process.hrtime.bigint() - start) / 1e6;
    const used = process.cpuUsage(cpu);
    runs.push({ wall, cpu: (used.user + used.system) / 1000 });
  }
  runs.sort((a, b) => a.cpu - b.cpu);
  return runs[Math.floor(runs.length / 2)] as Timing;
}

const R_SCRIPT = `
args <- commandArgs(trailingOnly = TRUE)
metrics <- as.integer(args[2]); points <- as.integer(args[3])
con <- file(args[1], "rb"); v <- readBin(con, "double", n = metrics * points * 2); close(con)
t <- system.time(for (i in seq_len(metrics)) {
  o <- (i - 1) * points * 2
  suppressWarnings(wilcox.test(v[o + seq_len(points)], v[o + points + seq_len(points)], conf.int = TRUE,
                               conf.level = 0.98, exact = FALSE, correct = TRUE))
})
cat(t[["elapsed"]] * 1000, (t[["user.self"]] + t[["sys.self"]]) * 1000, "\\n")
`;

function timeR(c: Case, flat: Float64Array, dir: string): Timing | string {
  if (process.env.BENCH_SKIP_R) return 'skipped (BENCH_SKIP_R)';
  const probe = spawnSync('Rscript', ['--version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) return 'Rscript not found (apt-get install r-base-core)';
  const data = join(dir, `data-${c.metrics}-${c.points}.bin`);
  writeFileSync(data, Buffer.from(flat.buffer));
  const script = join(dir, 'wilcox-bench.R');
  writeFileSync(script, R_SCRIPT);
  const r = spawnSync('Rscript', [script, data, String(c.metrics), String(c.points)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) return `R failed: ${r.stderr.trim().split('\n').pop() ?? ''}`;
  const [wall, cpu] = r.stdout.trim().split(/\s+/).map(Number);
  return { wall: wall ?? Number.NaN, cpu: cpu ?? Number.NaN };
}

if (process.argv.includes('--quality')) {
  quality();
  process.exit(0);
}

function quality(): void {
  const canaries = syntheticCanaries({ seed: 42, canaries: 400, points: 360 });
  const config = syntheticConfig();
  const table: string[][] = [
    ['profile', 'looks', ...METRIC_KINDS.map((k) => `caught ${k}`), 'caught overall', 'false failures'],
  ];
  for (const looks of [1, 6]) {
    for (const profile of ['kayenta', 'bellwether'] as const) {
      const e = evaluateProfile(config, canaries, profile, looks);
      const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
      table.push([
        profile,
        String(looks),
        ...METRIC_KINDS.map((k) => pct(e.detection[k])),
        pct(e.detectionOverall),
        `${pct(e.falseFailureRate)} of ${e.unchanged}`,
      ]);
    }
  }
  const w = table[0]!.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
  for (const row of table) console.log(row.map((cell, i) => cell.padEnd(w[i] ?? 0)).join('  '));
  console.log(
    '\n400 canaries (seed 42): 200 unchanged, 200 with one metric of ten 20% worse (40 per kind), 360 points per side.',
  );
  console.log('A canary is caught (or falsely failed) when its verdict is not Pass at some look; thresholds 95 / 75.');
}

const dir = mkdtempSync(join(tmpdir(), 'bw-canary-bench-'));

function inProcess(): void {
  const rows: string[][] = [
    ['case', 'kayenta profile', 'bellwether profile', 'R wilcox.test', 'R / kayenta', 'R / bellwether'],
  ];
  console.log(
    `load average ${loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')} on ${cpus().length} cores at the start`,
  );
  for (const c of cases) {
    const { config, input, flat } = dataFor(c, 12345);
    const repeats = c.metrics > 1 ? 3 : 5;
    const kayenta = timeJudge(config, input, 'kayenta', repeats);
    const bellwether = timeJudge(config, input, 'bellwether', repeats);
    const r = timeR(c, flat, dir);
    const ms = (v: Timing): string => `${v.cpu.toFixed(0)} ms (wall ${v.wall.toFixed(0)})`;
    rows.push([
      c.name,
      ms(kayenta),
      ms(bellwether),
      typeof r === 'string' ? r : ms(r),
      typeof r === 'string' ? '–' : `${(r.cpu / kayenta.cpu).toFixed(1)}×`,
      typeof r === 'string' ? '–' : `${(r.cpu / bellwether.cpu).toFixed(1)}×`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
  console.log(
    `\nCPU time of one core (wall-clock in brackets); ours: the median of ${'repeated'} judge() calls; R: timed inside R, loading excluded`,
  );
  console.log(
    `node ${process.version}; load average ${loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')} on ${cpus().length} cores at the end of the run`,
  );
}

/** One process run as /usr/bin/time reports it. */
interface ProcessRun {
  readonly wall: number;
  readonly cpu: number;
  /** Peak resident memory, in MB. */
  readonly peak: number;
}

/** Runs a command under /usr/bin/time -f; null when /usr/bin/time is missing. */
function timed(command: string, args: readonly string[], okCodes: readonly number[] = [0]): ProcessRun | string {
  const out = join(dir, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-o', out, '-f', '%e %U %S %M', command, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.error) return '/usr/bin/time not found';
  if (r.status === null || !okCodes.includes(r.status))
    return `${command} exited with ${r.status}: ${r.stderr.trim().split('\n').pop() ?? ''}`;
  const [wall, user, sys, kb] = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(/\s+/).map(Number);
  return {
    wall: (wall ?? Number.NaN) * 1000,
    cpu: ((user ?? Number.NaN) + (sys ?? Number.NaN)) * 1000,
    peak: (kb ?? Number.NaN) / 1024,
  };
}

/** The fastest of a few runs (by CPU time): the machine is shared, the code is not random. */
function best(
  command: string,
  args: readonly string[],
  repeats: number,
  okCodes: readonly number[] = [0],
): ProcessRun | string {
  let kept: ProcessRun | string = 'not run';
  for (let r = 0; r < repeats; r++) {
    const run = timed(command, args, okCodes);
    if (typeof run === 'string') return run;
    if (typeof kept === 'string' || run.cpu < kept.cpu) kept = run;
  }
  return kept;
}

const R_PROCESS = `
args <- commandArgs(trailingOnly = TRUE)
metrics <- as.integer(args[2]); points <- as.integer(args[3])
con <- file(args[1], "rb"); v <- readBin(con, "double", n = metrics * points * 2); close(con)
for (i in seq_len(metrics)) {
  o <- (i - 1) * points * 2
  suppressWarnings(wilcox.test(v[o + seq_len(points)], v[o + points + seq_len(points)], conf.int = TRUE,
                               conf.level = 0.98, exact = FALSE, correct = TRUE))
}
`;

function wholeProcesses(): void {
  const cli = new URL('../dist/cli.js', import.meta.url).pathname;
  if (!existsSync(cli)) {
    console.log('\nwhole processes: dist/cli.js is missing (npm run build)');
    return;
  }
  const sizes = [
    { metrics: 200, points: 1000 },
    { metrics: 1500, points: 1000 },
  ];
  const idle = best(process.execPath, [cli, '--version'], 3);
  const table: string[][] = [
    [
      'input',
      'file',
      'bellwether cli',
      'kayenta cli',
      'Rscript wilcox.test',
      'R / bellwether',
      'R / kayenta',
      'peak RSS / file: raw, net of idle start-up',
    ],
  ];
  for (const size of sizes) {
    const c: Case = { name: `${size.metrics} × ${size.points}`, ...size };
    const { config, input, flat } = dataFor(c, 12345);
    const inputFile = join(dir, `input-${size.metrics}.json`);
    writeFileSync(
      inputFile,
      `{\n${Object.entries(input)
        .map(
          ([name, s]) =>
            `  ${JSON.stringify(name)}: {\n    "baseline": [${s.baseline.join(', ')}],\n    "canary": [${s.canary.join(', ')}]\n  }`,
        )
        .join(',\n')}\n}\n`,
    );
    const configFile = join(dir, `config-${size.metrics}.json`);
    writeFileSync(
      configFile,
      JSON.stringify({
        metrics: config.metrics.map((m) => ({
          name: m.name,
          groups: m.groups,
          analysisConfigurations: { canary: { direction: 'either' } },
        })),
        classifier: { groupWeights: {} },
      }),
    );
    const fileMB = statSync(inputFile).size / (1 << 20);
    const run = (profile: JudgeProfile): ProcessRun | string =>
      best(
        process.execPath,
        [
          cli,
          'canary',
          'judge',
          '--config',
          configFile,
          '--input',
          inputFile,
          '--profile',
          profile,
          '--format',
          'json',
        ],
        3,
        [0, 1],
      );
    const bellwether = run('bellwether');
    const kayenta = run('kayenta');
    let r: ProcessRun | string = 'skipped (BENCH_SKIP_R)';
    if (!process.env.BENCH_SKIP_R) {
      const probe = spawnSync('Rscript', ['--version'], { stdio: 'ignore' });
      if (probe.error || probe.status !== 0) r = 'Rscript not found (apt-get install r-base-core)';
      else {
        const data = join(dir, `data-${size.metrics}.bin`);
        writeFileSync(data, Buffer.from(flat.buffer));
        const script = join(dir, 'wilcox-process.R');
        writeFileSync(script, R_PROCESS);
        r = best('Rscript', [script, data, String(size.metrics), String(size.points)], 1);
      }
    }
    const show = (v: ProcessRun | string): string =>
      typeof v === 'string'
        ? v
        : `${(v.wall / 1000).toFixed(2)} s wall, ${(v.cpu / 1000).toFixed(2)} s CPU, ${v.peak.toFixed(0)} MB`;
    const ratio = (a: ProcessRun | string, b: ProcessRun | string): string =>
      typeof a === 'string' || typeof b === 'string'
        ? '–'
        : `${(a.wall / b.wall).toFixed(0)}× wall, ${(a.cpu / b.cpu).toFixed(0)}× CPU`;
    const added =
      typeof bellwether === 'string' || typeof idle === 'string'
        ? '–'
        : `raw ${(bellwether.peak / fileMB).toFixed(1)}× (${bellwether.peak.toFixed(0)} MB), net ${((bellwether.peak - idle.peak) / fileMB).toFixed(1)}× (${(bellwether.peak - idle.peak).toFixed(0)} MB)`;
    table.push([
      c.name,
      `${fileMB.toFixed(1)} MB`,
      show(bellwether),
      show(kayenta),
      show(r),
      ratio(r, bellwether),
      ratio(r, kayenta),
      added,
    ]);
  }
  console.log('\nWhole processes (the fastest of 3 runs of ours by CPU time, 1 run of R):');
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
  for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
  console.log(
    `idle start-up of the CLI (--version): ${typeof idle === 'string' ? idle : `${(idle.wall / 1000).toFixed(2)} s wall, ${idle.peak.toFixed(0)} MB`}`,
  );
  console.log(
    `node ${process.version}; load average ${loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')} on ${cpus().length} cores at the end`,
  );
}

if (!process.env.BENCH_PROCESS_ONLY) inProcess();
wholeProcesses();
rmSync(dir, { recursive: true, force: true });
