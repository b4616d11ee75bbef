/**
 * Reading OpenSLO files into the SLOs Bellwether evaluates: documents split
 * with their line numbers kept, validated, and `indicatorRef` resolved across
 * every file given.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { parsePolicyText, readPolicyText } from '../policy/load.js';
import { PolicyProblem, sortProblems, problemsOf } from '../policy/problems.js';
import { readPolicySource } from '../policy/yaml-source.js';
import { ConfigurationError } from '../runtime/errors.js';
import { openSloHeaderSchema, sliDocumentSchema, sloDocumentSchema } from './openslo-schema.js';
import type { SliSpec, SloDocument, TimeWindowSpec } from './openslo-schema.js';
import type { Rational } from './rational.js';
import type { WallTime } from './zoned-time.js';

/** Where something was written. */
export interface Written {
  readonly file: string;
  readonly line: number;
}

/** The SLO period: a rolling duration, or calendar periods from a start in a zone. */
export type SloWindow =
  | { readonly kind: 'rolling'; readonly ms: number; readonly text: string }
  | {
      readonly kind: 'calendar';
      readonly count: number;
      readonly unit: 'd' | 'w' | 'M' | 'Q' | 'Y';
      readonly start: WallTime;
      readonly timeZone: string;
      readonly text: string;
    };

/** A PromQL template with Sloth's `{{.window}}` placeholder, and where it was written. */
export interface QueryTemplate {
  readonly template: string;
  readonly at: Written;
}

/** An SLO ready to evaluate. */
export interface SloDefinition {
  readonly name: string;
  readonly displayName?: string;
  readonly service?: string;
  readonly at: Written;
  /** The objective as an exact fraction, such as 999/1000. */
  readonly target: Rational;
  readonly window: SloWindow;
  readonly indicator: {
    readonly name?: string;
    /** `good` queries count successes; `bad` queries count errors. */
    readonly errorQuery: { readonly kind: 'good' | 'bad' } & QueryTemplate;
    readonly totalQuery: QueryTemplate;
  };
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const WINDOW_PLACEHOLDER = /\{\{\s*\.window\s*\}\}/g;
const HAS_WINDOW = /\{\{\s*\.window\s*\}\}/;
const ANY_PLACEHOLDER = /\{\{([^}]*)\}\}/g;

/** One YAML document of a multi-document file, padded so that its line numbers stay true. */
interface DocumentText {
  readonly text: string;
  readonly firstLine: number;
}

/** Split `---`-separated documents, keeping each one's lines where they were. */
export function splitDocuments(text: string): DocumentText[] {
  const lines = text.split('\n');
  const docs: DocumentText[] = [];
  let start = 0;
  const flush = (end: number) => {
    const body = lines.slice(start, end);
    if (body.some((l) => l.trim() !== '' && !l.trim().startsWith('#') && l.trim() !== '...')) {
      docs.push({ text: '\n'.repeat(start) + body.join('\n'), firstLine: start + 1 });
    }
  };
  lines.forEach((line, i) => {
    if (/^---(\s|$)/.test(line)) {
      flush(i);
      start = i + 1;
    }
  });
  flush(lines.length);
  return docs;
}

interface Parsed<T> {
  readonly value: T;
  readonly locate: (fieldPath: readonly PropertyKey[]) => Written;
}

function parseDocument<T>(doc: DocumentText, file: string, schema: z.ZodType<T>): Parsed<T> {
  const value = parsePolicyText(doc.text, file, schema);
  const source = readPolicySource(doc.text, file);
  return { value, locate: (p) => ({ file, line: source.locate(p).line }) };
}

/** What one file holds: its SLOs, and the SLIs that any SLO may name. */
interface FileContents {
  readonly slos: Parsed<SloDocument>[];
  readonly slis: Map<string, { spec: SliSpec; parsed: Parsed<unknown> }>;
}

/**
 * Parse one OpenSLO file (one or more documents). Kinds other than SLO and
 * SLI (DataSource, AlertPolicy, Service) are skipped: they do not change a
 * budget. Every problem in the file is reported at once, sorted by line.
 */
export function parseOpenSloText(text: string, file: string): FileContents {
  const contents: FileContents = { slos: [], slis: new Map() };
  const problems: PolicyProblem[] = [];
  for (const doc of splitDocuments(text)) {
    try {
      const header = parseDocument(doc, file, openSloHeaderSchema).value;
      if (header.kind === 'SLO') contents.slos.push(parseDocument(doc, file, sloDocumentSchema));
      else if (header.kind === 'SLI') {
        const parsed = parseDocument(doc, file, sliDocumentSchema);
        const name = parsed.value.metadata.name;
        if (contents.slis.has(name)) {
          problems.push(new PolicyProblem(`a second SLI named ${JSON.stringify(name)} in the same file`, { ...parsed.locate(['metadata', 'name']), field: 'metadata.name' }));
        }
        contents.slis.set(name, { spec: parsed.value.spec, parsed });
      }
    } catch (err) {
      if (!(err instanceof ConfigurationError)) throw err;
      problems.push(...problemsOf(err));
    }
  }
  if (problems.length > 0) throw ConfigurationError.aggregate(sortProblems(problems));
  return contents;
}

/**
 * Turn parsed files into SLO definitions, resolving each `indicatorRef`
 * against the SLIs of every file.
 */
export function resolveSlos(files: readonly { file: string; contents: FileContents }[]): SloDefinition[] {
  const slis = new Map<string, { spec: SliSpec; parsed: Parsed<unknown> }>();
  const problems: ConfigurationError[] = [];
  for (const { contents } of files) {
    for (const [name, sli] of contents.slis) {
      const first = slis.get(name);
      if (!first) {
        slis.set(name, sli);
        continue;
      }
      // indicatorRef must name one SLI, not whichever file was read first.
      const at = first.parsed.locate(['metadata', 'name']);
      problems.push(
        new ConfigurationError(`a second SLI named ${JSON.stringify(name)} (first at ${at.file}:${at.line})`, {
          ...sli.parsed.locate(['metadata', 'name']),
          field: 'metadata.name',
        }),
      );
    }
  }
  const out: SloDefinition[] = [];
  for (const { contents } of files) {
    for (const slo of contents.slos) {
      try {
        out.push(toDefinition(slo, slis));
      } catch (err) {
        if (!(err instanceof ConfigurationError)) throw err;
        problems.push(...(err.problems.length > 0 ? err.problems : [err]));
      }
    }
  }
  if (problems.length > 0) throw ConfigurationError.aggregate(problems);
  const seen = new Map<string, Written>();
  for (const slo of out) {
    const first = seen.get(slo.name);
    if (first) {
      throw new ConfigurationError(`a second SLO named ${JSON.stringify(slo.name)} (first at ${first.file}:${first.line})`, { ...slo.at, field: 'metadata.name' });
    }
    seen.set(slo.name, slo.at);
  }
  return out;
}

function toDefinition(slo: Parsed<SloDocument>, slis: ReadonlyMap<string, { spec: SliSpec; parsed: Parsed<unknown> }>): SloDefinition {
  const { spec, metadata } = slo.value;
  let sliSpec: SliSpec;
  let sliName: string | undefined;
  let sliPath: readonly PropertyKey[];
  let sliLocate = slo.locate;
  if (spec.indicator) {
    sliSpec = spec.indicator.spec;
    sliName = spec.indicator.metadata?.name;
    sliPath = ['spec', 'indicator', 'spec'];
  } else {
    const ref = spec.indicatorRef ?? '';
    const found = slis.get(ref);
    if (!found) {
      const known = [...slis.keys()];
      throw new ConfigurationError(
        `no SLI named ${JSON.stringify(ref)} in the files given${known.length > 0 ? `; the SLIs are ${known.map((k) => JSON.stringify(k)).join(', ')}` : ''}`,
        { ...slo.locate(['spec', 'indicatorRef']), field: 'spec.indicatorRef' },
      );
    }
    sliSpec = found.spec;
    sliName = ref;
    sliPath = ['spec'];
    sliLocate = found.parsed.locate;
  }
  const ratio = sliSpec.ratioMetric;
  // The schema guarantees a ratio with total and exactly one of good or bad.
  if (!ratio?.total || !(ratio.good ?? ratio.bad)) throw new Error('validated SLI without a ratio metric');
  const kind = ratio.good ? 'good' : 'bad';
  const errorMetric = (ratio.good ?? ratio.bad)!;
  const query = (role: 'good' | 'bad' | 'total', q: string): QueryTemplate => {
    const fieldPath = [...sliPath, 'ratioMetric', role, 'metricSource', 'spec', 'query'];
    const at = sliLocate(fieldPath);
    checkTemplate(q, at, fieldPath.map(String).join('.'));
    return { template: q, at };
  };
  const objective = spec.objectives[0];
  const window = spec.timeWindow[0];
  if (!objective || !window) throw new Error('validated SLO without an objective or a time window');
  return {
    name: metadata.name,
    ...(metadata.displayName === undefined ? {} : { displayName: metadata.displayName }),
    ...(spec.service === undefined ? {} : { service: spec.service }),
    at: slo.locate(['metadata', 'name']),
    target: objective.target,
    window: toWindow(window),
    indicator: {
      ...(sliName === undefined ? {} : { name: sliName }),
      errorQuery: { kind, ...query(kind, errorMetric.metricSource.spec.query) },
      totalQuery: query('total', ratio.total.metricSource.spec.query),
    },
  };
}

/** A query must range over `{{.window}}` and use no other placeholder. */
function checkTemplate(template: string, at: Written, field: string): void {
  for (const m of template.matchAll(ANY_PLACEHOLDER)) {
    if (!/^\s*\.window\s*$/.test(m[1] ?? '')) {
      throw new ConfigurationError(`unknown placeholder ${m[0]}; the only placeholder is {{.window}}`, { ...at, field });
    }
  }
  if (!HAS_WINDOW.test(template)) {
    throw new ConfigurationError(
      'the query has no {{.window}} placeholder, so every window would read the same value; write it as rate(metric[{{.window}}])',
      { ...at, field },
    );
  }
}

/** Fill `{{.window}}` with a Prometheus duration such as `5m` or `2592000s`. */
export function renderWindow(template: string, window: string): string {
  return template.replace(WINDOW_PLACEHOLDER, window);
}

function toWindow(w: TimeWindowSpec): SloWindow {
  const count = Number(w.duration.slice(0, -1));
  const unit = w.duration.slice(-1);
  if (w.isRolling) return { kind: 'rolling', ms: count * (UNIT_MS[unit] ?? NaN), text: w.duration };
  const cal = w.calendar;
  if (!cal) throw new Error('validated calendar window without a calendar');
  const [year, month, day, hour, minute, second] = (cal.startTime.match(/\d+/g) ?? []).map(Number) as number[];
  return {
    kind: 'calendar',
    count,
    unit: unit as 'd' | 'w' | 'M' | 'Q' | 'Y',
    start: { year: year ?? 0, month: month ?? 0, day: day ?? 0, hour: hour ?? 0, minute: minute ?? 0, second: second ?? 0 },
    timeZone: cal.timeZone,
    text: w.duration,
  };
}

/**
 * Read SLOs from a comma-separated list of files and directories (every
 * `.yaml` and `.yml` directly inside). SLIs from any of them may be named.
 */
export async function loadSlos(spec: string): Promise<SloDefinition[]> {
  const files: string[] = [];
  for (const entry of spec.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const info = await stat(entry).catch(() => undefined);
    if (info?.isDirectory()) {
      const names = (await readdir(entry)).filter((n) => /\.ya?ml$/.test(n)).sort();
      files.push(...names.map((n) => path.join(entry, n)));
    } else files.push(entry);
  }
  if (files.length === 0) throw new ConfigurationError('no OpenSLO files given', { field: 'slo' });
  const parsed = [];
  for (const file of files) parsed.push({ file, contents: parseOpenSloText(await readPolicyText(file), file) });
  const slos = resolveSlos(parsed);
  if (slos.length === 0) throw new ConfigurationError(`no SLO (kind: SLO) in ${files.join(', ')}`, { file: files[0] });
  return slos;
}
