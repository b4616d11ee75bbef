/**
 * The `bellwether metrics` verbs: `query` asks a configured provider one
 * query (instant or over a range); `record` saves a live provider's answers
 * over a time range to a recording that the replay provider answers from.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { CommandOutput } from './output.js';
import { ExitCode } from './output.js';
import { realSleep } from '../runtime/clock.js';
import { ConfigurationError } from '../runtime/errors.js';
import { StreamLogger, type Logger } from '../runtime/logger.js';
import { processSecrets } from '../runtime/secrets.js';
import { readProvidersSection } from '../metrics/config-file.js';
import { formatSampleValue } from '../metrics/prometheus-decode.js';
import type { MetricsProvider, QueryResult } from '../metrics/provider.js';
import { serializeRecording } from '../metrics/recording.js';
import { createMetricsProviders, type ProviderDeps } from '../metrics/registry.js';
import { recordQueries } from '../metrics/replay.js';
import { didYouMean } from '../runtime/did-you-mean.js';
import { parseDurationSeconds, renderQuery, type QueryScope } from '../metrics/template.js';

/** Where the providers are configured when `--config` is not given. */
export const DEFAULT_METRICS_CONFIG = 'bellwether.metrics.yml';

/** Effects of the metrics verbs; the CLI passes none and gets the real ones. */
export interface MetricsCommandDeps {
  readonly fetch?: typeof fetch;
  readonly sleep?: ProviderDeps['sleep'];
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly readFile?: (file: string) => string;
  readonly writeFile?: (file: string, text: string) => void;
  readonly now?: () => Date;
  readonly logger?: Logger;
}

interface Resolved {
  readonly provider: MetricsProvider;
  readonly name: string;
  readonly type: string;
  readonly now: Date;
}

function resolveProvider(config: string | undefined, wanted: string | undefined, deps: MetricsCommandDeps): Resolved {
  const file = config ?? DEFAULT_METRICS_CONFIG;
  const readFile = deps.readFile ?? ((f: string) => readFileSync(f, 'utf8'));
  let text: string;
  try {
    text = readFile(file);
  } catch {
    throw new ConfigurationError(`cannot read the metrics configuration (pass --config <file>)`, { file });
  }
  const section = readProvidersSection(text, file);
  const names = Object.keys(section.configs);
  const name = wanted ?? (names.length === 1 ? names[0] : undefined);
  if (name === undefined) {
    const why =
      names.length === 0
        ? 'no metrics provider is configured'
        : `several metrics providers are configured (${names.join(', ')}); choose one with --provider`;
    throw new ConfigurationError(why, { file });
  }
  if (!Object.hasOwn(section.configs, name)) {
    throw new ConfigurationError(
      `no metrics provider named ${JSON.stringify(name)}${didYouMean(name, names)} (configured: ${names.join(', ') || 'none'})`,
      { file },
    );
  }
  // Only the chosen provider is built, so the others' secrets need not be set.
  const providers = createMetricsProviders(
    { [name]: section.configs[name] },
    {
      fetch: deps.fetch ?? fetch,
      sleep: deps.sleep ?? realSleep,
      logger: deps.logger ?? new StreamLogger(),
      env: deps.env ?? process.env,
      readFile,
    },
    section.context,
  );
  const provider = providers.get(name);
  const raw = section.configs[name] as { type: string };
  return { provider, name, type: raw.type, now: (deps.now ?? (() => new Date()))() };
}

/** Reads a time as ISO 8601, epoch seconds, or `now-<duration>`. */
export function parseTime(text: string, now: Date, field: string): Date {
  if (text === 'now') return now;
  const rel = /^now-(.+)$/.exec(text);
  if (rel?.[1]) return new Date(now.getTime() - parseDurationSeconds(rel[1], { field }) * 1000);
  if (/^\d+(\.\d+)?$/.test(text)) return new Date(Number(text) * 1000);
  const d = new Date(text);
  if (Number.isNaN(d.getTime()))
    throw new ConfigurationError(`${JSON.stringify(text)} is not a time (ISO 8601, epoch seconds, now or now-1h)`, {
      field,
    });
  return d;
}

export interface MetricsQueryArgs {
  /** The YAML file with `providers:` (default `bellwether.metrics.yml`). */
  readonly config?: string;
  readonly provider?: string;
  /** The query; `{{variable}}` placeholders are filled from `vars`. */
  readonly query: string;
  readonly vars?: QueryScope;
  /** Instant query at this time (default now) unless `start` is given. */
  readonly time?: string;
  /** Range query from `start` (ISO, epoch seconds, `now-1h`) to `end` (default now). */
  readonly start?: string;
  readonly end?: string;
  readonly step?: string;
  readonly format: 'text' | 'json';
}

/** `bellwether metrics query`: exit 0 with data, 1 with no data (and why), 2 on a configuration mistake. */
export async function metricsQueryCommand(
  args: MetricsQueryArgs,
  deps: MetricsCommandDeps = {},
): Promise<CommandOutput> {
  const r = resolveProvider(args.config, args.provider, deps);
  const query = args.vars ? renderQuery(args.query, args.vars, { field: 'query' }) : args.query;
  let result: QueryResult;
  if (args.start !== undefined) {
    const start = parseTime(args.start, r.now, 'start');
    const end = args.end !== undefined ? parseTime(args.end, r.now, 'end') : r.now;
    const stepSeconds = args.step !== undefined ? parseDurationSeconds(args.step, { field: 'step' }) : undefined;
    result = await r.provider.queryRange({ query, start, end, stepSeconds });
  } else {
    result = await r.provider.queryInstant({
      query,
      time: args.time !== undefined ? parseTime(args.time, r.now, 'time') : r.now,
    });
  }
  const exitCode = result.ok ? ExitCode.ok : ExitCode.negative;
  if (args.format === 'json')
    return { exitCode, stdout: JSON.stringify({ provider: r.name, type: r.type, ...resultJson(result) }, null, 2) };
  return { exitCode, stdout: resultText(r.name, result) };
}

function resultJson(result: QueryResult): Record<string, unknown> {
  if (!result.ok) return { ok: false, query: result.query, reason: result.reason };
  return {
    ok: true,
    query: result.query,
    warnings: result.warnings,
    series: result.series.map((s) => ({
      labels: s.labels,
      points: s.points.map((p) => [p.t, formatSampleValue(p.v)]),
    })),
  };
}

function resultText(name: string, result: QueryResult): string {
  if (!result.ok) return `no data from ${name}: ${result.reason}`;
  const lines = [`${result.series.length} series from ${name} for ${result.query}`];
  for (const s of result.series) {
    const labels = `{${Object.entries(s.labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(', ')}}`;
    const last = s.points.at(-1);
    if (s.points.length === 1 && last) {
      lines.push(`  ${labels} ${formatSampleValue(last.v)} @ ${new Date(last.t * 1000).toISOString()}`);
    } else {
      const finite = s.points.map((p) => p.v).filter(Number.isFinite);
      const span = finite.length ? `min ${Math.min(...finite)}, max ${Math.max(...finite)}` : 'no finite values';
      lines.push(`  ${labels} ${s.points.length} points, ${span}, last ${last ? formatSampleValue(last.v) : '-'}`);
    }
  }
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

export interface MetricsRecordArgs {
  readonly config?: string;
  readonly provider?: string;
  /** Queries to record, in addition to those in `queriesFile`. */
  readonly queries?: readonly string[];
  /** A text file with one query per line; `#` starts a comment line. */
  readonly queriesFile?: string;
  /**
   * Fill each query's `{{variables}}` once per scope, such as the canary's
   * and the baseline's, to record what a judgement will ask.
   */
  readonly scopes?: readonly QueryScope[];
  readonly start: string;
  readonly end?: string;
  readonly step?: string;
  /** Where the recording goes. */
  readonly out: string;
  readonly format: 'text' | 'json';
}

/**
 * `bellwether metrics record`: asks every query over [start, end] and saves
 * the answers, failures included. Exit 1 when some query had no data, so
 * that a recording with holes is noticed.
 */
export async function metricsRecordCommand(
  args: MetricsRecordArgs,
  deps: MetricsCommandDeps = {},
): Promise<CommandOutput> {
  const r = resolveProvider(args.config, args.provider, deps);
  const readFile = deps.readFile ?? ((f: string) => readFileSync(f, 'utf8'));
  const queries = [...(args.queries ?? [])];
  if (args.queriesFile !== undefined) {
    let text: string;
    try {
      text = readFile(args.queriesFile);
    } catch {
      throw new ConfigurationError('cannot read the queries file', { file: args.queriesFile });
    }
    for (const line of text.split('\n')) if (line.trim() && !line.trim().startsWith('#')) queries.push(line.trim());
  }
  if (queries.length === 0)
    throw new ConfigurationError('nothing to record: give queries or a queries file', { field: 'queries' });
  const scopes = args.scopes && args.scopes.length > 0 ? args.scopes : [{}];
  const rendered = queries.flatMap((q) =>
    scopes.map((scope) => renderQuery(q, scope, { file: args.queriesFile, field: 'queries' })),
  );
  const start = parseTime(args.start, r.now, 'start');
  const end = args.end !== undefined ? parseTime(args.end, r.now, 'end') : r.now;
  if (end.getTime() <= start.getTime())
    throw new ConfigurationError('the range to record ends before it starts', { field: 'end' });
  const stepSeconds = parseDurationSeconds(args.step ?? '60s', { field: 'step' });
  const recording = await recordQueries(r.provider, {
    queries: rendered,
    start,
    end,
    stepSeconds,
    source: { name: r.name, type: r.type },
    recordedAt: r.now,
  });
  // A recording is a file people commit as a test fixture: it leaves without the process's secrets.
  (deps.writeFile ?? ((f: string, t: string) => writeFileSync(f, t)))(
    args.out,
    processSecrets.redact(serializeRecording(recording)),
  );
  const failed = recording.entries.filter((e) => !e.result.ok);
  const exitCode = failed.length ? ExitCode.negative : ExitCode.ok;
  if (args.format === 'json') {
    return {
      exitCode,
      stdout: JSON.stringify(
        {
          out: args.out,
          provider: r.name,
          start: start.toISOString(),
          end: end.toISOString(),
          stepSeconds,
          recorded: recording.entries.length,
          noData: failed.map((e) => ({ query: e.query, reason: e.result.ok ? '' : e.result.reason })),
        },
        null,
        2,
      ),
    };
  }
  const lines = [
    `recorded ${recording.entries.length} queries from ${r.name} (${start.toISOString()} to ${end.toISOString()}, step ${stepSeconds} s) to ${args.out}`,
  ];
  for (const e of failed) lines.push(`no data: ${e.result.ok ? '' : e.result.reason}`);
  return { exitCode, stdout: lines.join('\n') };
}
