/**
 * Reading SLO files into the SLOs Bellwether evaluates. A file holds OpenSLO
 * v1 objects (one per document, several documents, or a YAML list of them),
 * Sloth specs, or both; every object is validated with its line kept, and
 * references (`indicatorRef`, `metricSourceRef`) resolve across every file
 * given. A valid SLO that Bellwether cannot compute still loads: it says
 * why, and evaluation reports its budget as unknown.
 */
import path from 'node:path';
import type * as z from 'zod';
import { validateSource } from '../policy/issues.js';
import { readPolicyText } from '../policy/load.js';
import { formatFieldPath, PolicyProblem, problemsOf, sortProblems } from '../policy/problems.js';
import type { FieldPath } from '../policy/problems.js';
import type { BurnRateAlert } from '../policy/schemas/freeze.js';
import { describeValue } from '../policy/wording.js';
import { readPolicySource } from '../policy/yaml-source.js';
import type { PolicySource } from '../policy/yaml-source.js';
import { ConfigurationError } from '../runtime/errors.js';
import type { Files } from '../runtime/files.js';
import { OPENSLO_API_VERSION, OPENSLO_KINDS, OPENSLO_SCHEMAS } from './openslo-schema.js';
import type {
  DataSourceDocument,
  MetricSpec,
  OpenSloKind,
  SliDocument,
  SliSpec,
  SloDocument,
  TimeWindowSpec,
} from './openslo-schema.js';
import type { WindowQuery } from './promql-window.js';
import { Rational } from './rational.js';
import {
  alertWindowsSchema,
  prometheusServiceLevelSchema,
  SLOTH_API_VERSION,
  SLOTH_VERSION,
  slothSpecSchema,
} from './sloth-schema.js';
import type { AlertWindowsDocument } from './sloth-schema.js';
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

/** A PromQL template with the `{{.window}}` placeholder, and where it was written. */
export interface QueryTemplate {
  readonly template: string;
  readonly at: Written;
}

/** What an SLO counts: errors (or successes) and all events, each a query over `{{.window}}`. */
export interface Indicator {
  readonly name?: string;
  /** `good` queries count successes; `bad` queries count errors. */
  readonly errorQuery: { readonly kind: 'good' | 'bad' } & QueryTemplate;
  readonly totalQuery: QueryTemplate;
}

/** An SLO as read. When Bellwether can compute it, it has a window and an indicator, and no `unsupported`. */
export interface SloDefinition {
  readonly name: string;
  readonly displayName?: string;
  readonly service?: string;
  readonly at: Written;
  /** The file format it was written in. */
  readonly format: 'openslo' | 'sloth';
  /** The objective as an exact fraction, such as 999/1000. */
  readonly target: Rational;
  readonly window: SloWindow | undefined;
  readonly indicator: Indicator | undefined;
  /** Why Bellwether cannot compute this SLO's budget; evaluation reports it as unknown. */
  readonly unsupported?: { readonly reason: string; readonly at: Written };
  /** Burn-rate alerts for this SLO's period from Sloth alert windows, in place of the policy's. */
  readonly alertWindows?: readonly BurnRateAlert[];
}

/** An SLO that Bellwether can compute. */
export type EvaluableSlo = SloDefinition & { readonly window: SloWindow; readonly indicator: Indicator };

/** True when Bellwether can compute the SLO's budget. */
export function isEvaluable(slo: SloDefinition): slo is EvaluableSlo {
  return slo.unsupported === undefined && slo.window !== undefined && slo.indicator !== undefined;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const WINDOW_PLACEHOLDER = /\{\{\s*\.window\s*\}\}/g;
const ANY_PLACEHOLDER = /\{\{([^}]*)\}\}/g;
const SLOTH_DEFAULT_PERIOD = { text: '30d', ms: 30 * 86_400_000 };

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

/** One object of a file: a document, or an item of a document that is a list. */
interface SourceObject {
  readonly source: PolicySource;
  /** `[2]` for the third item of a list, empty for a whole document. */
  readonly prefix: FieldPath;
}

/** A validated object, and the way back to its lines. */
export interface Parsed<T> {
  readonly value: T;
  readonly file: string;
  readonly locate: (fieldPath: FieldPath) => Written;
  /** The field path of `fieldPath` as the file sees it (with the list index, if any). */
  readonly field: (fieldPath: FieldPath) => string;
}

/** What one file holds. */
export interface FileContents {
  readonly slos: Parsed<SloDocument>[];
  readonly slis: Map<string, Parsed<SliDocument>>;
  readonly dataSources: Map<string, Parsed<DataSourceDocument>>;
  readonly sloth: Parsed<SlothService>[];
  readonly alertWindows: Parsed<AlertWindowsDocument>[];
  /** How many objects of each kind, for a summary. */
  readonly counts: Record<string, number>;
}

/** A Sloth spec of either spelling, as one shape. */
export interface SlothService {
  readonly service: string;
  /** Written as a Kubernetes PrometheusServiceLevel (camelCase keys). */
  readonly k8s: boolean;
  readonly plugins: boolean;
  readonly slos: readonly {
    readonly name: string;
    readonly objective: number;
    readonly plugins: boolean;
    readonly sli: {
      readonly events?: { readonly error: string; readonly total: string };
      readonly raw?: string;
      readonly plugin?: string;
    };
    readonly path: FieldPath;
  }[];
  /** `spec` for a PrometheusServiceLevel, empty for a `prometheus/v1` file. */
  readonly base: FieldPath;
}

function objectsOf(text: string, file: string): SourceObject[] {
  const out: SourceObject[] = [];
  for (const doc of splitDocuments(text)) {
    const source = readPolicySource(doc.text, file);
    if (!Array.isArray(source.data)) {
      out.push({ source, prefix: [] });
      continue;
    }
    source.data.forEach((item, i) => {
      out.push({ source: { file, data: item, locate: (p, key) => source.locate([i, ...p], key) }, prefix: [i] });
    });
  }
  return out;
}

function validate<T>(obj: SourceObject, schema: z.ZodType<T>): Parsed<T> {
  const field = (p: FieldPath) => formatFieldPath([...obj.prefix, ...p]);
  const result = validateSource(obj.source, schema);
  if (!result.ok) {
    const problems = result.problems.map((p) =>
      obj.prefix.length === 0
        ? p
        : new PolicyProblem(p.detail, {
            ...p.location,
            file: p.location.file ?? obj.source.file,
            ...(p.column === undefined ? {} : { column: p.column }),
            field: formatFieldPath([...obj.prefix, ...pathOf(p)]),
          }),
    );
    throw ConfigurationError.aggregate(problems);
  }
  return {
    value: result.value,
    file: obj.source.file,
    locate: (p) => ({ file: obj.source.file, line: obj.source.locate(p).line }),
    field,
  };
}

/** The field path a problem names, back as segments (`a.b[0]` → a, b, 0). */
function pathOf(p: PolicyProblem): FieldPath {
  const field = p.location.field;
  if (field === undefined || field === '') return [];
  return [...field.matchAll(/([^.[\]"]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)].map((m) =>
    m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3] ?? ''),
  );
}

function problemAt(obj: SourceObject, fieldPath: FieldPath, message: string): PolicyProblem {
  return new PolicyProblem(message, {
    file: obj.source.file,
    line: obj.source.locate(fieldPath).line,
    field: formatFieldPath([...obj.prefix, ...fieldPath]) || undefined,
  });
}

/**
 * Parse one file (one or more documents, each an object or a list of
 * objects). Every object of every OpenSLO v1 kind is validated; every
 * problem in the file is reported at once, sorted by line.
 */
export function parseOpenSloText(text: string, file: string): FileContents {
  const contents: FileContents = {
    slos: [],
    slis: new Map(),
    dataSources: new Map(),
    sloth: [],
    alertWindows: [],
    counts: {},
  };
  const problems: PolicyProblem[] = [];
  const count = (kind: string) => (contents.counts[kind] = (contents.counts[kind] ?? 0) + 1);
  const named = <T extends { metadata: { name: string } }>(
    map: Map<string, Parsed<T>>,
    parsed: Parsed<T>,
    kind: string,
  ) => {
    const name = parsed.value.metadata.name;
    const first = map.get(name);
    if (first) {
      problems.push(
        new PolicyProblem(
          `a second ${kind} named ${JSON.stringify(name)} (first at line ${first.locate(['metadata', 'name']).line})`,
          {
            ...parsed.locate(['metadata', 'name']),
            field: parsed.field(['metadata', 'name']),
          },
        ),
      );
    } else map.set(name, parsed);
  };
  let objects: SourceObject[];
  try {
    objects = objectsOf(text, file);
  } catch (err) {
    if (!(err instanceof ConfigurationError)) throw err;
    throw ConfigurationError.aggregate(sortProblems(problemsOf(err)));
  }
  for (const obj of objects) {
    try {
      const data = obj.source.data;
      if (data === null || typeof data !== 'object' || Array.isArray(data)) {
        problems.push(
          problemAt(
            obj,
            [],
            `expected an OpenSLO object (apiVersion, kind, metadata, spec) or a Sloth spec, got ${describeValue(data)}`,
          ),
        );
        continue;
      }
      const header = data as Record<string, unknown>;
      const { apiVersion, kind, version } = header;
      if (apiVersion === undefined && version === SLOTH_VERSION) {
        contents.sloth.push(slothService(validate(obj, slothSpecSchema), false));
        count('Sloth prometheus/v1');
      } else if (apiVersion === SLOTH_API_VERSION && kind === 'PrometheusServiceLevel') {
        contents.sloth.push(slothService(validate(obj, prometheusServiceLevelSchema), true));
        count('PrometheusServiceLevel');
      } else if (apiVersion === SLOTH_API_VERSION && kind === 'AlertWindows') {
        contents.alertWindows.push(validate(obj, alertWindowsSchema));
        count('AlertWindows');
      } else if (apiVersion === OPENSLO_API_VERSION) {
        if (!(OPENSLO_KINDS as readonly unknown[]).includes(kind)) {
          problems.push(
            problemAt(
              obj,
              ['kind'],
              `expected one of the OpenSLO v1 kinds ${OPENSLO_KINDS.join(', ')}, got ${describeValue(kind)}`,
            ),
          );
          continue;
        }
        const k = kind as OpenSloKind;
        const parsed = validate(obj, OPENSLO_SCHEMAS[k]);
        count(k);
        if (k === 'SLO') contents.slos.push(parsed as Parsed<SloDocument>);
        else if (k === 'SLI') named(contents.slis, parsed as Parsed<SliDocument>, 'SLI');
        else if (k === 'DataSource') named(contents.dataSources, parsed as Parsed<DataSourceDocument>, 'DataSource');
      } else if (typeof apiVersion === 'string' && /^openslo\//.test(apiVersion)) {
        problems.push(
          problemAt(
            obj,
            ['apiVersion'],
            `expected "${OPENSLO_API_VERSION}" (the OpenSLO version Bellwether reads), got ${describeValue(apiVersion)}`,
          ),
        );
      } else if (apiVersion === undefined && version !== undefined) {
        problems.push(
          problemAt(
            obj,
            ['version'],
            `expected "${SLOTH_VERSION}" (the Sloth spec version Bellwether reads), got ${describeValue(version)}`,
          ),
        );
      } else {
        problems.push(
          problemAt(
            obj,
            apiVersion === undefined ? [] : ['apiVersion'],
            `expected an OpenSLO object (apiVersion: ${OPENSLO_API_VERSION}), a Sloth spec (version: ${SLOTH_VERSION}) or a Sloth PrometheusServiceLevel or AlertWindows (apiVersion: ${SLOTH_API_VERSION}), got ${apiVersion === undefined ? 'no apiVersion' : `apiVersion ${describeValue(apiVersion)}${kind === undefined ? '' : ` and kind ${describeValue(kind)}`}`}`,
          ),
        );
      }
    } catch (err) {
      if (!(err instanceof ConfigurationError)) throw err;
      problems.push(...problemsOf(err));
    }
  }
  if (problems.length > 0) throw ConfigurationError.aggregate(sortProblems(problems));
  return contents;
}

/** Sloth's two spellings as one shape; plugins are refused here, at their line. */
function slothService(
  parsed: Parsed<z.output<typeof slothSpecSchema> | z.output<typeof prometheusServiceLevelSchema>>,
  k8s: boolean,
): Parsed<SlothService> {
  const spec = (k8s ? (parsed.value as z.output<typeof prometheusServiceLevelSchema>).spec : parsed.value) as Record<
    string,
    unknown
  > & { service: string; slos: Record<string, unknown>[] };
  const base: FieldPath = k8s ? ['spec'] : [];
  const key = (snake: string, camel: string) => (k8s ? camel : snake);
  const problems: PolicyProblem[] = [];
  const refuse = (p: FieldPath, what: string) =>
    problems.push(
      new PolicyProblem(
        `${what} are not supported: Bellwether does not run Sloth plugins; write the SLI as events (error and total queries) or raw, and generate plugin rules with Sloth`,
        {
          ...parsed.locate([...base, ...p]),
          field: parsed.field([...base, ...p]),
        },
      ),
    );
  const slothPlugins = spec[key('slo_plugins', 'sloPlugins')];
  if (slothPlugins !== undefined) refuse([key('slo_plugins', 'sloPlugins')], 'Sloth SLO plugins');
  const slos = spec.slos.map((slo, i) => {
    const sli = slo.sli as Record<string, Record<string, unknown> | undefined>;
    if (slo.plugins !== undefined) refuse(['slos', i, 'plugins'], 'Sloth SLO plugins');
    if (sli.plugin !== undefined)
      refuse(['slos', i, 'sli', 'plugin'], `Sloth SLI plugins (here ${JSON.stringify(sli.plugin.id)})`);
    const events = sli.events;
    return {
      name: slo.name as string,
      objective: slo.objective as number,
      plugins: slo.plugins !== undefined,
      sli: {
        ...(events
          ? {
              events: {
                error: events[key('error_query', 'errorQuery')] as string,
                total: events[key('total_query', 'totalQuery')] as string,
              },
            }
          : {}),
        ...(sli.raw ? { raw: sli.raw[key('error_ratio_query', 'errorRatioQuery')] as string } : {}),
      },
      path: [...base, 'slos', i] as FieldPath,
    };
  });
  if (problems.length > 0) throw ConfigurationError.aggregate(problems);
  return { ...parsed, value: { service: spec.service, k8s, plugins: slothPlugins !== undefined, slos, base } };
}

/**
 * Turn parsed files into SLO definitions, resolving each `indicatorRef` and
 * `metricSourceRef` against the objects of every file. `windowQuery` (from
 * promql-window.ts) counts each Prometheus query over a window; it is passed
 * in so that the PromQL grammar loads only where SLOs are read.
 */
export function resolveSlos(
  files: readonly { file: string; contents: FileContents }[],
  windowQuery: WindowQuery,
): SloDefinition[] {
  const problems: ConfigurationError[] = [];
  const merge = <T extends { metadata: { name: string } }>(
    pick: (c: FileContents) => Map<string, Parsed<T>>,
    kind: string,
  ) => {
    const all = new Map<string, Parsed<T>>();
    for (const { contents } of files) {
      for (const [name, parsed] of pick(contents)) {
        const first = all.get(name);
        if (!first) {
          all.set(name, parsed);
          continue;
        }
        // A reference must name one object, not whichever file was read first.
        const at = first.locate(['metadata', 'name']);
        problems.push(
          new ConfigurationError(`a second ${kind} named ${JSON.stringify(name)} (first at ${at.file}:${at.line})`, {
            ...parsed.locate(['metadata', 'name']),
            field: parsed.field(['metadata', 'name']),
          }),
        );
      }
    }
    return all;
  };
  const refs: References = {
    slis: merge((c) => c.slis, 'SLI'),
    dataSources: merge((c) => c.dataSources, 'DataSource'),
  };
  const windows = files.flatMap(({ contents }) => contents.alertWindows);
  const slothPeriod = windows.length === 1 && windows[0] ? windows[0].value.spec.sloPeriod : SLOTH_DEFAULT_PERIOD.ms;
  const out: SloDefinition[] = [];
  for (const { contents } of files) {
    for (const slo of contents.slos) {
      try {
        out.push(fromOpenSlo(slo, refs, windowQuery));
      } catch (err) {
        if (!(err instanceof ConfigurationError)) throw err;
        problems.push(...(err.problems.length > 0 ? err.problems : [err]));
      }
    }
    for (const service of contents.sloth) {
      try {
        out.push(...fromSloth(service, slothPeriod));
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
      throw new ConfigurationError(
        `a second SLO named ${JSON.stringify(slo.name)} (first at ${first.file}:${first.line})`,
        { ...slo.at, field: 'metadata.name' },
      );
    }
    seen.set(slo.name, slo.at);
  }
  return out.map((slo) => withAlertWindows(slo, windows));
}

interface References {
  readonly slis: ReadonlyMap<string, Parsed<SliDocument>>;
  readonly dataSources: ReadonlyMap<string, Parsed<DataSourceDocument>>;
}

/** Sloth alert windows apply to the SLOs whose rolling period is their sloPeriod. */
function withAlertWindows(slo: SloDefinition, windows: readonly Parsed<AlertWindowsDocument>[]): SloDefinition {
  if (slo.window?.kind !== 'rolling') return slo;
  const ms = slo.window.ms;
  const match = windows.find((w) => w.value.spec.sloPeriod === ms);
  if (!match) return slo;
  const { page, ticket } = match.value.spec;
  const alert = (
    severity: 'page' | 'ticket',
    w: { errorBudgetPercent: number; shortWindow: number; longWindow: number },
  ): BurnRateAlert => ({
    severity,
    longWindow: w.longWindow,
    shortWindow: w.shortWindow,
    errorBudgetPercent: w.errorBudgetPercent,
  });
  return {
    ...slo,
    alertWindows: [
      alert('page', page.quick),
      alert('page', page.slow),
      alert('ticket', ticket.quick),
      alert('ticket', ticket.slow),
    ],
  };
}

function fromOpenSlo(slo: Parsed<SloDocument>, refs: References, windowQuery: WindowQuery): SloDefinition {
  const { spec, metadata } = slo.value;
  const reasons: { reason: string; at: Written }[] = [];
  const cannot = (reason: string, at: Written) => reasons.push({ reason, at });
  let indicator: Indicator | undefined;
  let sli: { spec: SliSpec; name?: string; path: FieldPath; parsed: Parsed<unknown> } | undefined;
  if (spec.indicator)
    sli = {
      spec: spec.indicator.spec,
      ...(spec.indicator.metadata ? { name: spec.indicator.metadata.name } : {}),
      path: ['spec', 'indicator', 'spec'],
      parsed: slo,
    };
  else if (spec.indicatorRef !== undefined) {
    const found = refs.slis.get(spec.indicatorRef);
    if (!found) {
      const known = [...refs.slis.keys()];
      throw new ConfigurationError(
        `no SLI named ${JSON.stringify(spec.indicatorRef)} in the files given${known.length > 0 ? `; the SLIs are ${known.map((k) => JSON.stringify(k)).join(', ')}` : ''}`,
        { ...slo.locate(['spec', 'indicatorRef']), field: slo.field(['spec', 'indicatorRef']) },
      );
    }
    sli = { spec: found.value.spec, name: spec.indicatorRef, path: ['spec'], parsed: found };
  } else
    cannot(
      'composite SLOs (an indicator for each objective) are not computed by Bellwether; write one SLO per indicator',
      slo.locate(['spec', 'objectives']),
    );

  if (spec.objectives.length > 1)
    cannot(
      `the SLO has ${spec.objectives.length} objectives and Bellwether evaluates one objective per SLO; write one SLO per objective`,
      slo.locate(['spec', 'objectives', 1]),
    );
  if (spec.budgetingMethod !== 'Occurrences') {
    cannot(
      `budgetingMethod ${spec.budgetingMethod} is not computed by Bellwether yet; it computes Occurrences budgets (good events over all events)`,
      slo.locate(['spec', 'budgetingMethod']),
    );
  }
  const timeWindow = spec.timeWindow?.[0];
  let window: SloWindow | undefined;
  if (!timeWindow) cannot('the SLO has no timeWindow, so it has no error budget period to count', slo.locate(['spec']));
  else {
    const w = toWindow(timeWindow);
    if (typeof w === 'string') cannot(w, slo.locate(['spec', 'timeWindow', 0, 'duration']));
    else window = w;
  }
  if (sli) {
    const ratio = sli.spec.ratioMetric;
    const at = (p: FieldPath) => sli.parsed.locate([...sli.path, ...p]);
    if (sli.spec.thresholdMetric)
      cannot(
        'a thresholdMetric (a value compared with each objective) is not computed by Bellwether yet; it computes a ratioMetric (good or bad over total)',
        at(['thresholdMetric']),
      );
    else if (ratio?.raw)
      cannot(
        'a raw ratio gives no event counts, which Bellwether needs to judge traffic; give good or bad, and total',
        at(['ratioMetric', 'raw']),
      );
    else if (ratio?.total && (ratio.good ?? ratio.bad)) {
      const kind = ratio.good ? 'good' : 'bad';
      const query = (role: 'good' | 'bad' | 'total', metric: MetricSpec): QueryTemplate | undefined => {
        const fieldPath = [...sli.path, 'ratioMetric', role, 'metricSource'];
        const where = sli.parsed.locate(fieldPath);
        const source = metric.metricSource;
        const type = sourceType(source, refs, sli.parsed, fieldPath);
        if (type.toLowerCase() !== 'prometheus') {
          elsewhere.push({ role, type, at: where });
          return undefined;
        }
        const q = source.spec.query;
        if (typeof q !== 'string' || q.trim() === '') {
          cannot(`the ${role} metric's Prometheus source has no query`, where);
          return undefined;
        }
        const queryAt = sli.parsed.locate([...fieldPath, 'spec', 'query']);
        checkPlaceholders(q, queryAt, sli.parsed.field([...fieldPath, 'spec', 'query']));
        const windowed = windowQuery(q, ratio.counter);
        if (!windowed.ok) {
          cannot(windowed.reason, queryAt);
          return undefined;
        }
        return { template: windowed.template, at: queryAt };
      };
      const elsewhere: { role: string; type: string; at: Written }[] = [];
      const errorQuery = query(kind, (ratio.good ?? ratio.bad)!);
      const totalQuery = query('total', ratio.total);
      const firstElsewhere = elsewhere[0];
      if (firstElsewhere) {
        const types = [...new Set(elsewhere.map((e) => JSON.stringify(e.type)))].join(' and ');
        const roles = elsewhere.map((e) => e.role).join(' and ');
        cannot(
          `the ${roles} metric${elsewhere.length > 1 ? 's read' : ' reads'} ${types}, which Bellwether cannot query (it queries Prometheus)`,
          firstElsewhere.at,
        );
      }
      if (errorQuery && totalQuery)
        indicator = {
          ...(sli.name === undefined ? {} : { name: sli.name }),
          errorQuery: { kind, ...errorQuery },
          totalQuery,
        };
    }
  }
  const objective = spec.objectives[0];
  if (!objective) throw new Error('validated SLO without an objective');
  const target = objective.target ?? (objective.targetPercent ?? Rational.ZERO).div(Rational.of(100));
  const first = reasons[0];
  return {
    name: metadata.name,
    ...(metadata.displayName === undefined ? {} : { displayName: metadata.displayName }),
    ...(spec.service === undefined ? {} : { service: spec.service }),
    at: slo.locate(['metadata', 'name']),
    format: 'openslo',
    target,
    window,
    indicator: first ? undefined : indicator,
    ...(first ? { unsupported: { reason: reasons.map((r) => r.reason).join('; '), at: first.at } } : {}),
  };
}

/** The type of a metric source: its own, or its DataSource's. */
function sourceType(
  source: MetricSpec['metricSource'],
  refs: References,
  parsed: Parsed<unknown>,
  fieldPath: FieldPath,
): string {
  if (source.metricSourceRef === undefined) return source.type ?? '';
  const ds = refs.dataSources.get(source.metricSourceRef);
  if (!ds) {
    if (source.type !== undefined) return source.type;
    throw new ConfigurationError(
      `no DataSource named ${JSON.stringify(source.metricSourceRef)} in the files given, and no type`,
      {
        ...parsed.locate([...fieldPath, 'metricSourceRef']),
        field: parsed.field([...fieldPath, 'metricSourceRef']),
      },
    );
  }
  if (source.type !== undefined && source.type.toLowerCase() !== ds.value.spec.type.toLowerCase()) {
    const at = ds.locate(['spec', 'type']);
    throw new ConfigurationError(
      `type ${JSON.stringify(source.type)} differs from the type ${JSON.stringify(ds.value.spec.type)} of DataSource ${JSON.stringify(source.metricSourceRef)} (${at.file}:${at.line})`,
      {
        ...parsed.locate([...fieldPath, 'type']),
        field: parsed.field([...fieldPath, 'type']),
      },
    );
  }
  return ds.value.spec.type;
}

function fromSloth(parsed: Parsed<SlothService>, periodMs: number): SloDefinition[] {
  const { service, slos, k8s } = parsed.value;
  const days = periodMs / 86_400_000;
  const window: SloWindow = {
    kind: 'rolling',
    ms: periodMs,
    text: Number.isInteger(days) ? `${days}d` : `${Math.round(periodMs / 60_000)}m`,
  };
  return slos.map((slo) => {
    const at = (p: FieldPath) => parsed.locate([...slo.path, ...p]);
    const query = (text: string, p: FieldPath): QueryTemplate => {
      checkPlaceholders(text, at(p), parsed.field([...slo.path, ...p]));
      if (!/\{\{\s*\.window\s*\}\}/.test(text)) {
        throw new ConfigurationError(
          'the query has no {{.window}} placeholder, which Sloth requires; write it as rate(metric[{{.window}}])',
          { ...at(p), field: parsed.field([...slo.path, ...p]) },
        );
      }
      return { template: text, at: at(p) };
    };
    const base = {
      // Sloth's own SLO id: service and name.
      name: `${service}-${slo.name}`,
      displayName: slo.name,
      service,
      at: at(['name']),
      format: 'sloth' as const,
      target: Rational.fromWritten(slo.objective).div(Rational.of(100)),
      window,
    };
    if (slo.sli.events) {
      const errorQuery = query(slo.sli.events.error, ['sli', 'events', k8s ? 'errorQuery' : 'error_query']);
      const totalQuery = query(slo.sli.events.total, ['sli', 'events', k8s ? 'totalQuery' : 'total_query']);
      return { ...base, indicator: { errorQuery: { kind: 'bad' as const, ...errorQuery }, totalQuery } };
    }
    return {
      ...base,
      indicator: undefined,
      unsupported: {
        reason:
          'a raw SLI gives an error ratio without event counts, which Bellwether needs to judge traffic; write it as events (errorQuery and totalQuery)',
        at: at(['sli', 'raw']),
      },
    };
  });
}

/** A query may use `{{.window}}` and no other placeholder. */
function checkPlaceholders(template: string, at: Written, field: string): void {
  for (const m of template.matchAll(ANY_PLACEHOLDER)) {
    if (!/^\s*\.window\s*$/.test(m[1] ?? '')) {
      throw new ConfigurationError(`unknown placeholder ${m[0]}; the only placeholder is {{.window}}`, {
        ...at,
        field,
      });
    }
  }
}

/** Fill `{{.window}}` with a Prometheus duration such as `5m` or `2592000s`. */
export function renderWindow(template: string, window: string): string {
  return template.replace(WINDOW_PLACEHOLDER, window);
}

/** The SLO period, or why Bellwether cannot count it. */
function toWindow(w: TimeWindowSpec): SloWindow | string {
  const count = Number(w.duration.slice(0, -1));
  const unit = w.duration.slice(-1);
  if (count <= 0) return `a time window of ${w.duration} has no length`;
  if (w.isRolling) {
    const ms = UNIT_MS[unit];
    if (ms === undefined)
      return `a rolling window of ${w.duration} is not a fixed length; write it in days or weeks, such as "28d" or "4w"`;
    return { kind: 'rolling', ms: count * ms, text: w.duration };
  }
  const cal = w.calendar;
  if (!cal) throw new Error('validated calendar window without a calendar');
  if (!['d', 'w', 'M', 'Q', 'Y'].includes(unit))
    return `a calendar window of ${w.duration} is not computed by Bellwether; calendar windows count days, weeks, months (M), quarters (Q) or years (Y)`;
  const [year, month, day, hour, minute, second] = (cal.startTime.match(/\d+/g) ?? []).map(Number) as number[];
  return {
    kind: 'calendar',
    count,
    unit: unit as 'd' | 'w' | 'M' | 'Q' | 'Y',
    start: {
      year: year ?? 0,
      month: month ?? 0,
      day: day ?? 0,
      hour: hour ?? 0,
      minute: minute ?? 0,
      second: second ?? 0,
    },
    timeZone: cal.timeZone,
    text: w.duration,
  };
}

/**
 * Read SLOs from a comma-separated list of files and directories (every
 * `.yaml` and `.yml` directly inside). Objects from any of them may be named.
 */
export async function loadSlos(spec: string, reader: Files): Promise<SloDefinition[]> {
  const files: string[] = [];
  for (const entry of spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const info = await reader.stat(entry).catch(() => undefined);
    if (info?.dir) {
      const names = (await reader.list(entry))
        .map((e) => e.name)
        .filter((n) => /\.ya?ml$/.test(n))
        .sort();
      files.push(...names.map((n) => path.join(entry, n)));
    } else files.push(entry);
  }
  if (files.length === 0) throw new ConfigurationError('no SLO files given', { field: 'slo' });
  const parsed = [];
  for (const file of files) parsed.push({ file, contents: parseOpenSloText(await readPolicyText(file, reader), file) });
  // Prometheus' PromQL grammar loads only when SLOs are read, not with every flow that may read them.
  const { windowQuery } = await import('./promql-window.js');
  const slos = resolveSlos(parsed, windowQuery);
  if (slos.length === 0)
    throw new ConfigurationError(`no SLO (an OpenSLO kind: SLO or a Sloth spec) in ${files.join(', ')}`, {
      file: files[0],
    });
  return slos;
}
