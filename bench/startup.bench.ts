/**
 * Start-up of every bundled action, of `bellwether --help` and `--version`
 * and of a few CLI verbs on small inputs, next to a bare `node -e ''` in the
 * same run: p50 and p90 wall time over repeated runs, the ratio and the
 * difference to bare node at p50, and whether each is within the goal of
 * 100 ms of bare node. Then the files of dist/ by size.
 *
 * Each action runs with an empty event and no GITHUB_REPOSITORY, so it reads
 * its inputs and stops at the missing repository: what is timed is start-up
 * to the first real work, not the work. An action loads its own code and
 * Octokit only after its inputs and run context are checked, so these rows
 * leave that loading out; a run that goes on pays for it then.
 *
 * Run `npm run build` first, then `npm run bench -- startup`
 * (BENCH_RUNS=N sets the runs of each, 30 by default).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus as cpuCount, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
const runs = Number(process.env.BENCH_RUNS ?? 30);
const GOAL_MS = 100;
const tmp = mkdtempSync(join(tmpdir(), 'bw-bench-'));
for (const f of ['output', 'state', 'summary']) writeFileSync(join(tmp, f), '');
writeFileSync(join(tmp, 'event.json'), '{}');
writeFileSync(
  join(tmp, 'ci.yml'),
  'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n',
);
const env = {
  PATH: process.env.PATH ?? '',
  GITHUB_EVENT_PATH: join(tmp, 'event.json'),
  GITHUB_OUTPUT: join(tmp, 'output'),
  GITHUB_STATE: join(tmp, 'state'),
  GITHUB_STEP_SUMMARY: join(tmp, 'summary'),
  INPUT_SERVICE: 'checkout',
  INPUT_COMMAND: 'tick',
};

interface Subject {
  readonly name: string;
  readonly args: readonly string[];
}

const cli = join(dist, 'cli.js');

/** One subject per action that imports its own chunk and the GitHub connector's, as a run past the first check does. */
function actionCodeSubjects(): Subject[] {
  const chunks = readdirSync(join(dist, 'chunks'));
  const chunk = (name: string) => chunks.find((f) => new RegExp(`^${name}-[A-Z0-9]{8}[.]js$`).test(f));
  const connect = chunk('connect');
  return readdirSync(join(dist, 'actions'))
    .filter((f) => f.endsWith('.js'))
    .sort()
    .flatMap((f) => {
      const name = f.replace(/[.]js$/, '');
      const own = chunk(name);
      if (!own || !connect) return [];
      const files = [own, connect].map((c) => JSON.stringify(join(dist, 'chunks', c)));
      return [
        {
          name: `action ${name}, its code loaded`,
          args: ['--input-type=module', '-e', `await Promise.all([${files.map((x) => `import(${x})`).join(', ')}]);`],
        },
      ];
    });
}
const subjects: Subject[] = [
  { name: 'bare node -e ""', args: ['-e', ''] },
  ...readdirSync(join(dist, 'actions'))
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((f) => ({ name: `action ${f.replace(/\.js$/, '')}`, args: [join(dist, 'actions', f)] })),
  // What a run that goes on to work pays as well: the action's own chunk and the GitHub connector, loaded.
  ...actionCodeSubjects(),
  { name: 'bellwether --help', args: [cli, '--help'] },
  { name: 'bellwether --version', args: [cli, '--version'] },
  { name: 'bellwether canary --help', args: [cli, 'canary', '--help'] },
  {
    name: 'bellwether gate workflows (1 file)',
    args: [cli, 'gate', 'workflows', join(tmp, 'ci.yml')],
  },
  {
    name: 'bellwether canary judge (fixture)',
    args: [
      cli,
      'canary',
      'judge',
      '--config',
      join(root, 'test/fixtures/canary/kayenta-config.json'),
      '--input',
      join(root, 'test/fixtures/canary/kayenta-input.json'),
    ],
  },
  { name: 'bellwether policy check policies/', args: [cli, 'policy', 'check', join(root, 'policies')] },
];

// CPU time (user + system) is less disturbed than wall time on a shared machine; /usr/bin/time measures it.
const TIME = '/usr/bin/time';
const hasTime = existsSync(TIME);
const cpuFile = join(tmp, 'cpu');

/** Wall time, and CPU time when /usr/bin/time is there, of one run, in ms. */
function time(args: readonly string[]): { wall: number; cpu: number } {
  const start = process.hrtime.bigint();
  if (hasTime)
    spawnSync(TIME, ['-f', '%U %S', '-o', cpuFile, process.execPath, ...args], { env, cwd: tmp, stdio: 'ignore' });
  else spawnSync(process.execPath, args, { env, cwd: tmp, stdio: 'ignore' });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (!hasTime) return { wall, cpu: NaN };
  const [user, system] = readFileSync(cpuFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wall, cpu: ((user ?? NaN) + (system ?? NaN)) * 1000 };
}

function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

const walls = subjects.map(() => [] as number[]);
const cpus = subjects.map(() => [] as number[]);
for (let i = 0; i < runs; i++) {
  // Interleaved, so that load on a shared machine touches every subject alike.
  subjects.forEach((s, k) => {
    const t = time(s.args);
    walls[k]!.push(t.wall);
    cpus[k]!.push(t.cpu);
  });
}
// The goal rows: each action up to its first check, and --help. The rows with the action's code loaded are shown beside them.
const isGoal = (s: Subject) =>
  (s.name.startsWith('action ') && !s.name.endsWith('its code loaded')) || s.name === 'bellwether --help';
const bare = quantile(walls[0]!, 0.5);
const bareCpu = quantile(cpus[0]!, 0.5);
const load = loadavg().map((l) => l.toFixed(1));
console.log(
  `node ${process.version}, ${runs} runs each, interleaved; load ${load.join(' ')} on ${cpuCount().length} cores`,
);
console.log(`goal: every action and --help within ${GOAL_MS} ms of bare node at p50 (wall, and CPU when measured)`);
console.log('| what | p50 ms | p90 ms | p50 / bare | p50 − bare ms | CPU p50 ms | CPU − bare ms | goal |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
let missed = 0;
subjects.forEach((s, k) => {
  const p50 = quantile(walls[k]!, 0.5);
  const cpu = quantile(cpus[k]!, 0.5);
  const diff = p50 - bare;
  const cpuDiff = cpu - bareCpu;
  const met = diff <= GOAL_MS && (!hasTime || cpuDiff <= GOAL_MS);
  const verdict = k === 0 || !isGoal(s) ? '' : met ? 'met' : 'missed';
  if (verdict === 'missed') missed++;
  const cells = [
    s.name,
    p50.toFixed(1),
    quantile(walls[k]!, 0.9).toFixed(1),
    (p50 / bare).toFixed(2),
    k === 0 ? '' : diff.toFixed(1),
    hasTime ? cpu.toFixed(0) : 'n/a',
    k === 0 || !hasTime ? '' : cpuDiff.toFixed(0),
    verdict,
  ];
  console.log(`| ${cells.join(' | ')} |`);
});
const goals = subjects.filter(isGoal).length;
console.log(
  `\ngoal, ${goals} subjects within ${GOAL_MS} ms of bare node: ${missed === 0 ? 'met' : `missed by ${missed}`}${hasTime ? '' : ' (wall time only: /usr/bin/time is missing)'}`,
);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );
}
const files = filesUnder(dist).map((p) => ({ p, size: statSync(p).size }));
const total = files.reduce((n, f) => n + f.size, 0);
console.log(`\ndist: ${files.length} JavaScript files, ${total} bytes; the ten largest:`);
console.log('| file | bytes | gzip bytes |');
console.log('| --- | ---: | ---: |');
for (const { p, size } of files.sort((a, b) => b.size - a.size).slice(0, 10))
  console.log(`| ${relative(root, p)} | ${size} | ${gzipSync(readFileSync(p)).length} |`);
