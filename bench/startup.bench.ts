/**
 * Startup time of a bundled action on node24 (p50 and p90 over repeated
 * runs) next to a bare `node -e ''` in the same run, and the bundle sizes.
 * Run with `npm run bench -- startup`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const runs = Number(process.env.BENCH_RUNS ?? 30);
const tmp = mkdtempSync(join(tmpdir(), 'bw-bench-'));
for (const f of ['output', 'state', 'summary']) writeFileSync(join(tmp, f), '');
writeFileSync(join(tmp, 'event.json'), '{}');
const env = {
  PATH: process.env.PATH ?? '',
  GITHUB_EVENT_PATH: join(tmp, 'event.json'),
  GITHUB_OUTPUT: join(tmp, 'output'),
  GITHUB_STATE: join(tmp, 'state'),
  GITHUB_STEP_SUMMARY: join(tmp, 'summary'),
  INPUT_SERVICE: 'checkout',
  INPUT_COMMAND: 'tick',
};

function time(args: string[]): number {
  const start = process.hrtime.bigint();
  spawnSync(process.execPath, args, { env, stdio: 'ignore' });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

const bare: number[] = [];
const action: number[] = [];
const cli: number[] = [];
for (let i = 0; i < runs; i++) {
  // Interleaved so that load on the shared machine touches all three alike.
  bare.push(time(['-e', '']));
  action.push(time([join(root, 'dist/actions/postmortem.js')]));
  cli.push(time([join(root, 'dist/cli.js'), '--version']));
}
console.log(`node ${process.version}, ${runs} runs each`);
console.log('| what | p50 ms | p90 ms | p50 / bare node |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, xs] of [
  ['bare node -e ""', bare],
  ['bundled action (dist/actions/postmortem.js)', action],
  ['CLI --version (dist/cli.js)', cli],
] as const) {
  console.log(
    `| ${name} | ${quantile(xs, 0.5).toFixed(1)} | ${quantile(xs, 0.9).toFixed(1)} | ${(quantile(xs, 0.5) / quantile(bare, 0.5)).toFixed(2)} |`,
  );
}
console.log('\n| bundle file | bytes | gzip bytes |');
console.log('| --- | ---: | ---: |');
for (const f of ['index.js', 'cli.js', ...readdirSync(join(root, 'dist/actions')).map((a) => `actions/${a}`)]) {
  const p = join(root, 'dist', f);
  console.log(`| dist/${f} | ${statSync(p).size} | ${gzipSync(readFileSync(p)).length} |`);
}
