/**
 * The recording file: the answers a live provider gave for a time range,
 * saved so that the replay provider can answer the same queries offline
 * (examples, the main job's embedded default, backtests of a policy over past
 * releases). Values are written as Prometheus writes them ("NaN", "+Inf") so
 * that JSON keeps them.
 */
import * as z from 'zod';
import type { MetricSeries, QueryResult } from './provider.js';
import { formatSampleValue, parseSampleValue } from './prometheus-decode.js';
import { ConfigurationError } from '../runtime/errors.js';

export const RECORDING_FORMAT = 'bellwether-metrics-recording';
export const RECORDING_VERSION = 1;

const seriesSchema = z.object({
  labels: z.record(z.string(), z.string()),
  points: z.array(z.tuple([z.number(), z.string()])),
});

const entrySchema = z.discriminatedUnion('ok', [
  z.object({
    query: z.string().min(1),
    ok: z.literal(true),
    start: z.iso.datetime(),
    end: z.iso.datetime(),
    stepSeconds: z.number().positive(),
    series: z.array(seriesSchema),
    warnings: z.array(z.string()).default([]),
  }),
  z.object({
    query: z.string().min(1),
    ok: z.literal(false),
    start: z.iso.datetime(),
    end: z.iso.datetime(),
    stepSeconds: z.number().positive(),
    reason: z.string(),
  }),
]);

const recordingSchema = z.object({
  format: z.literal(RECORDING_FORMAT),
  version: z.literal(RECORDING_VERSION),
  recordedAt: z.iso.datetime(),
  source: z.object({ name: z.string(), type: z.string() }),
  entries: z.array(entrySchema),
});

export type RecordingFile = z.output<typeof recordingSchema>;
export type RecordingEntry = z.output<typeof entrySchema>;

/** A recording in memory: values as numbers again. */
export interface Recording {
  readonly recordedAt: Date;
  readonly source: { readonly name: string; readonly type: string };
  readonly entries: readonly RecordedAnswer[];
}

/** One query over one range and what the live provider answered. */
export interface RecordedAnswer {
  readonly query: string;
  readonly start: Date;
  readonly end: Date;
  readonly stepSeconds: number;
  readonly result: QueryResult;
}

/** Serialises a recording as stable, diff-friendly JSON. */
export function serializeRecording(rec: Recording): string {
  const file: RecordingFile = {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    recordedAt: rec.recordedAt.toISOString(),
    source: { name: rec.source.name, type: rec.source.type },
    entries: rec.entries.map((e) => {
      const common = {
        query: e.query,
        start: e.start.toISOString(),
        end: e.end.toISOString(),
        stepSeconds: e.stepSeconds,
      };
      if (!e.result.ok) return { ...common, ok: false as const, reason: e.result.reason };
      return {
        ...common,
        ok: true as const,
        series: e.result.series.map((s) => ({
          labels: { ...s.labels },
          points: s.points.map((p): [number, string] => [p.t, formatSampleValue(p.v)]),
        })),
        warnings: [...e.result.warnings],
      };
    }),
  };
  return JSON.stringify(file, null, 2) + '\n';
}

/**
 * Reads a recording. A file that is not one is the user's mistake: a
 * ConfigurationError naming the file and the field.
 */
export function parseRecording(text: string, file: string): Recording {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigurationError(`not a JSON recording: ${err instanceof Error ? err.message : String(err)}`, { file });
  }
  const parsed = recordingSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => new ConfigurationError(i.message, { file, field: i.path.map(String).join('.') || undefined }),
    );
    throw ConfigurationError.aggregate(problems);
  }
  const f = parsed.data;
  return {
    recordedAt: new Date(f.recordedAt),
    source: f.source,
    entries: f.entries.map((e) => ({
      query: e.query,
      start: new Date(e.start),
      end: new Date(e.end),
      stepSeconds: e.stepSeconds,
      result: e.ok
        ? { ok: true, query: e.query, series: e.series.map(toSeries), warnings: e.warnings }
        : { ok: false, query: e.query, reason: e.reason },
    })),
  };
}

function toSeries(s: { labels: Record<string, string>; points: [number, string][] }): MetricSeries {
  return { labels: s.labels, points: s.points.map(([t, raw]) => ({ t, v: parseSampleValue(raw) ?? NaN })) };
}
