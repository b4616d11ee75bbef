/**
 * A real Prometheus for the integration tests and the benchmark.
 *
 * History is written as OpenMetrics (timestamps in seconds, a final `# EOF`),
 * backfilled with `promtool tsdb create-blocks-from openmetrics` into an empty
 * data directory BEFORE the server starts (blocks added to a running server
 * appear only about a minute later), then `prometheus` is started on a free
 * port of 127.0.0.1 and stopped by its PID.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seededRandom } from '../../src/runtime/random.js';

/** Whether the binaries are there; where they are not, why, in one line. */
export function prometheusAvailability(): { ok: true } | { ok: false; reason: string } {
  for (const bin of ['prometheus', 'promtool']) {
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    if (r.error || r.status !== 0) {
      return { ok: false, reason: `\`${bin}\` is not installed (apt-get install -y prometheus)` };
    }
  }
  return { ok: true };
}

/** In CI a missing server is a failure, never a silent skip. */
export function prometheusRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === 'true';
}

// ---------------------------------------------------------------- history

/** One series of the history: a name, labels, and samples (epoch seconds, value). */
export interface HistorySeries {
  readonly name: string;
  readonly type: 'gauge' | 'counter';
  readonly labels: Readonly<Record<string, string>>;
  readonly samples: readonly (readonly [number, number])[];
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * OpenMetrics text for the series. Families are written together, each with
 * its TYPE line; counter samples get the `_total` suffix OpenMetrics requires.
 */
export function toOpenMetrics(series: readonly HistorySeries[]): string {
  const families = new Map<string, HistorySeries[]>();
  for (const s of series) families.set(s.name, [...(families.get(s.name) ?? []), s]);
  const lines: string[] = [];
  for (const [name, members] of families) {
    const type = members[0]?.type ?? 'gauge';
    lines.push(`# TYPE ${name} ${type}`);
    for (const s of members) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(',');
      const sampleName = type === 'counter' ? `${name}_total` : name;
      for (const [t, v] of s.samples) lines.push(`${sampleName}{${labels}} ${formatValue(v)} ${t}`);
    }
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

/** The shared seeded generator, so that "known distributions" are known exactly. */
export { seededRandom };

/** The facts the standard history was built from, for the tests to check against. */
export interface StandardHistory {
  readonly series: readonly HistorySeries[];
  /** First and last sample time (epoch seconds) and the interval between samples. */
  readonly start: number;
  readonly end: number;
  readonly interval: number;
  /** Latency samples by role, in time order. */
  readonly latency: {
    readonly canary: readonly (readonly [number, number])[];
    readonly baseline: readonly (readonly [number, number])[];
  };
  /** Requests counted per role between `start` and `end`, across one counter reset. */
  readonly requests: {
    readonly canary: { good: number; total: number };
    readonly baseline: { good: number; total: number };
  };
  /** When the canary's counters reset (epoch seconds). */
  readonly resetAt: number;
  /** A stretch with no canary latency samples. */
  readonly gap: { readonly from: number; readonly to: number };
}

/**
 * Three hours of history, one sample a minute, ending a few minutes before
 * `now` so that it lies within any retention:
 * - `app_latency_seconds{service="checkout",role=...}`: baseline around 0.100,
 *   canary around 0.150, from a seeded generator; the canary has a gap of
 *   30 minutes (longer than the 5-minute lookback).
 * - `app_requests{service="checkout",role=...,code="200"|"500"}` counters with
 *   known increments; the canary's process restarts once (a counter reset).
 * - `app_errors_by_code`: canary and baseline grouped by different codes,
 *   for the mismatched-labels case.
 * - `app_special{kind=...}`: NaN, +Inf and -Inf.
 */
export function standardHistory(now: Date, samples = 180, interval = 60): StandardHistory {
  const end = Math.floor(now.getTime() / 1000 / interval) * interval - 5 * interval;
  const start = end - (samples - 1) * interval;
  const times = Array.from({ length: samples }, (_, i) => start + i * interval);
  const gap = { from: start + 60 * interval, to: start + 90 * interval };
  const resetAt = start + 120 * interval;

  const rnd = seededRandom(42);
  const baseline = times.map((t): [number, number] => [t, round(0.1 + (rnd() - 0.5) * 0.02)]);
  const canaryAll = times.map((t): [number, number] => [t, round(0.15 + (rnd() - 0.5) * 0.02)]);
  const canary = canaryAll.filter(([t]) => t < gap.from || t >= gap.to);

  const series: HistorySeries[] = [
    {
      name: 'app_latency_seconds',
      type: 'gauge',
      labels: { service: 'checkout', role: 'baseline' },
      samples: baseline,
    },
    { name: 'app_latency_seconds', type: 'gauge', labels: { service: 'checkout', role: 'canary' }, samples: canary },
  ];

  // Requests: baseline 100 a minute with 1 error; canary 20 a minute with 2 errors.
  const perMinute = { baseline: { ok: 99, err: 1 }, canary: { ok: 18, err: 2 } } as const;
  const requests = { canary: { good: 0, total: 0 }, baseline: { good: 0, total: 0 } };
  for (const role of ['baseline', 'canary'] as const) {
    const okSamples: [number, number][] = [];
    const errSamples: [number, number][] = [];
    let ok = 0;
    let err = 0;
    times.forEach((t, i) => {
      if (role === 'canary' && t === resetAt) {
        ok = 0;
        err = 0;
      }
      if (i > 0) {
        ok += perMinute[role].ok;
        err += perMinute[role].err;
        requests[role].good += perMinute[role].ok;
        requests[role].total += perMinute[role].ok + perMinute[role].err;
      }
      okSamples.push([t, ok]);
      errSamples.push([t, err]);
    });
    series.push(
      { name: 'app_requests', type: 'counter', labels: { service: 'checkout', role, code: '200' }, samples: okSamples },
      {
        name: 'app_requests',
        type: 'counter',
        labels: { service: 'checkout', role, code: '500' },
        samples: errSamples,
      },
    );
  }

  series.push(
    {
      name: 'app_errors_by_code',
      type: 'gauge',
      labels: { service: 'checkout', role: 'canary', code: '500' },
      samples: times.map((t) => [t, 1]),
    },
    {
      name: 'app_errors_by_code',
      type: 'gauge',
      labels: { service: 'checkout', role: 'baseline', code: '503' },
      samples: times.map((t) => [t, 1]),
    },
  );
  const specials: Record<string, number> = { nan: NaN, pinf: Infinity, ninf: -Infinity };
  for (const [kind, v] of Object.entries(specials)) {
    series.push({ name: 'app_special', type: 'gauge', labels: { kind }, samples: times.map((t) => [t, v]) });
  }
  return { series, start, end, interval, latency: { canary, baseline }, requests, resetAt, gap };
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

// ---------------------------------------------------------------- server

export interface PrometheusServer {
  readonly url: string;
  readonly pid: number;
  readonly dataDir: string;
  /** What the server logged, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** `--query.max-samples`; small values make "too many samples" reachable. */
  readonly maxSamples?: number;
  readonly readyTimeoutMs?: number;
  /** A rule file (recording and alerting rules) the server loads and evaluates every second. */
  readonly rules?: string;
}

/** A TCP port of 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Backfills `openMetrics` into a fresh data directory, then starts the server on it. */
export async function startPrometheus(openMetrics: string, options: StartOptions = {}): Promise<PrometheusServer> {
  const root = mkdtempSync(path.join(tmpdir(), 'bellwether-prom-'));
  const dataDir = path.join(root, 'data');
  const input = path.join(root, 'history.om');
  const config = path.join(root, 'prometheus.yml');
  writeFileSync(input, openMetrics);
  if (options.rules === undefined) writeFileSync(config, 'global:\n  scrape_interval: 15s\nscrape_configs: []\n');
  else {
    const rules = path.join(root, 'rules.yml');
    writeFileSync(rules, options.rules);
    writeFileSync(
      config,
      `global:\n  scrape_interval: 15s\n  evaluation_interval: 1s\nrule_files:\n  - ${JSON.stringify(rules)}\nscrape_configs: []\n`,
    );
  }

  const backfill = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', input, dataDir], {
    encoding: 'utf8',
  });
  if (backfill.status !== 0) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`promtool backfill failed (exit ${backfill.status}): ${backfill.stderr || backfill.stdout}`);
  }

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Backfilled history must never be deleted by retention while a test runs.
      '--storage.tsdb.retention.time=100y',
      `--query.max-samples=${options.maxSamples ?? 50_000_000}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      exited = code;
      resolve();
    }),
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('prometheus did not start');

  const stop = async (): Promise<void> => {
    if (exited === undefined) {
      process.kill(pid, 'SIGTERM');
      const killer = setTimeout(() => {
        if (exited === undefined) process.kill(pid, 'SIGKILL');
      }, 10_000);
      await exit;
      clearTimeout(killer);
    }
    rmSync(root, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 300_000);
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`prometheus exited with ${exited} before it was ready:\n${log}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) return { url, pid, dataDir, logs: () => log, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`prometheus was not ready within ${options.readyTimeoutMs ?? 300_000} ms:\n${log}`);
}
