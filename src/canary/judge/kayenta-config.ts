/**
 * Kayenta's canary configuration JSON, accepted as it is (spinnaker/kayenta,
 * docs/canary-config.md): `metrics[]` with `name`, `query`, `groups` and
 * `analysisConfigurations.canary` (direction, nanStrategy, critical,
 * mustHaveData, muted, effectSize, outliers), `classifier.groupWeights` and
 * `classifier.scoreThresholds` (`pass`, `marginal`; the judge's 95/75 when absent).
 * Other fields (judge, templates, applications, ...) are read past. Values
 * Kayenta would silently replace by a default (an unknown direction becomes
 * `either`) are reported instead, since a typo there changes the verdict;
 * Kayenta's own default spellings (`nanStrategy: "none"`, `outliers.strategy:
 * "none"`) are accepted for what Kayenta does with them (remove, keep).
 *
 * The body of Kayenta's ad-hoc canary request, `{canaryConfig,
 * executionRequest}`, is accepted too: the config is read from
 * `canaryConfig` (errors name `canaryConfig.metrics[…]`), and
 * `executionRequest.thresholds` set the score thresholds, since those are the
 * ones Kayenta judges that request with. Its scopes are read past: the
 * samples come from the input file.
 */

import { ConfigurationError } from '../../runtime/errors.js';
import { defineMetric } from './defaults.js';
import type { MetricConfigInput } from './defaults.js';
import type { JudgeConfig, MetricConfig } from './types.js';

type Json = Record<string, unknown>;

/** Parses a Kayenta canary config (text or parsed JSON); errors name the file and the field. */
export function parseKayentaConfig(json: string | unknown, file: string, within = ''): JudgeConfig {
  let doc: unknown = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (err) {
      throw new ConfigurationError(`not valid JSON: ${(err as Error).message}`, { file });
    }
  }
  if (!isObject(doc)) throw new ConfigurationError('expected a Kayenta canary config object', { file });
  const wrapped = isAdhocRequest(doc);
  const prefix = wrapped ? 'canaryConfig.' : within;
  const problems: ConfigurationError[] = [];
  const problem = (field: string, message: string): void => {
    problems.push(new ConfigurationError(message, { file, field: `${prefix}${field}` }));
  };
  if (wrapped) {
    const inner = doc['canaryConfig'];
    if (!isObject(inner))
      throw new ConfigurationError('expected the canary config object of this ad-hoc request', {
        file,
        field: 'canaryConfig',
      });
    const request = doc['executionRequest'];
    if (request !== undefined && !isObject(request))
      throw new ConfigurationError('expected an object', { file, field: 'executionRequest' });
    const config = parseKayentaConfig(inner, file, 'canaryConfig.');
    const requested = isObject(request)
      ? readScoreThresholds(request['thresholds'], (field, message) =>
          problems.push(
            new ConfigurationError(message, {
              file,
              field: field.replace('classifier.scoreThresholds', 'executionRequest.thresholds'),
            }),
          ),
        )
      : {};
    if (problems.length > 0) throw ConfigurationError.aggregate(problems);
    return { ...config, ...requested };
  }
  const rawMetrics = doc['metrics'];
  if (!Array.isArray(rawMetrics)) {
    throw new ConfigurationError('missing required field: expected an array of metrics', {
      file,
      field: `${prefix}metrics`,
    });
  }
  const metrics: MetricConfig[] = [];
  const seen = new Set<string>();
  rawMetrics.forEach((raw, i) => {
    const at = `metrics[${i}]`;
    if (!isObject(raw)) return problem(at, 'expected a metric object');
    const name = raw['name'];
    if (typeof name !== 'string' || name.trim() === '')
      return problem(`${at}.name`, 'expected a non-empty metric name');
    if (seen.has(name)) problem(`${at}.name`, `duplicate metric name "${name}"`);
    seen.add(name);
    const groups = raw['groups'];
    if (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string')) {
      return problem(`${at}.groups`, 'expected an array of group names');
    }
    // Kayenta scores by group: a metric in none would be judged and then count nowhere, and a config of such metrics would score 0.
    if (groups.length === 0)
      return problem(
        `${at}.groups`,
        'expected at least one group name: the score is made of groups, so a metric in none would be judged and never counted',
      );
    const analysis = raw['analysisConfigurations'];
    const canary = isObject(analysis) && isObject(analysis['canary']) ? analysis['canary'] : {};
    if (analysis !== undefined && !isObject(analysis)) problem(`${at}.analysisConfigurations`, 'expected an object');
    const field = (key: string): string => `${at}.analysisConfigurations.canary.${key}`;
    const input: { -readonly [K in keyof MetricConfigInput]: MetricConfigInput[K] } = {
      name,
      groups: groups as string[],
    };
    const query = describeQuery(raw['query']);
    if (query !== undefined) input.query = query;

    const direction = oneOf(
      canary['direction'],
      ['increase', 'decrease', 'either'] as const,
      field('direction'),
      problem,
    );
    if (direction) input.direction = direction;
    const nan = oneOf(canary['nanStrategy'], ['remove', 'replace', 'none'] as const, field('nanStrategy'), problem);
    // Kayenta's default string is "none", which it treats as remove.
    if (nan) input.nanStrategy = nan === 'replace' ? 'replace' : 'remove';
    for (const key of ['critical', 'mustHaveData', 'muted'] as const) {
      const v = canary[key];
      if (v === undefined) continue;
      if (typeof v !== 'boolean') problem(field(key), `expected true or false, got ${JSON.stringify(v)}`);
      else input[key] = v;
    }
    const effect = canary['effectSize'];
    if (effect !== undefined) {
      if (!isObject(effect)) problem(field('effectSize'), 'expected an object');
      else {
        const measure = oneOf(effect['measure'], ['meanRatio', 'cles'] as const, field('effectSize.measure'), problem);
        const numbers: Record<string, number> = {};
        for (const key of ['allowedIncrease', 'allowedDecrease', 'criticalIncrease', 'criticalDecrease']) {
          const v = effect[key];
          if (v === undefined) continue;
          if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
            problem(field(`effectSize.${key}`), `expected a number of at least 0, got ${JSON.stringify(v)}`);
          else numbers[key] = v;
        }
        input.effectSize = { ...(measure ? { measure } : {}), ...numbers };
      }
    }
    const outliers = canary['outliers'];
    if (outliers !== undefined) {
      if (!isObject(outliers)) problem(field('outliers'), 'expected an object');
      else {
        const named = oneOf(
          outliers['strategy'],
          ['keep', 'remove', 'none'] as const,
          field('outliers.strategy'),
          problem,
        );
        // Kayenta's default string is "none", which it treats as keep.
        const strategy = named === 'none' ? 'keep' : named;
        const factor = outliers['outlierFactor'];
        if (factor !== undefined && (typeof factor !== 'number' || !(factor > 0))) {
          problem(field('outliers.outlierFactor'), `expected a number above 0, got ${JSON.stringify(factor)}`);
        }
        input.outliers = {
          ...(strategy ? { strategy } : {}),
          ...(typeof factor === 'number' && factor > 0 ? { factor } : {}),
        };
      }
    }
    metrics.push(defineMetric(input));
  });

  const groupWeights: Record<string, number> = {};
  const classifier = doc['classifier'];
  if (classifier !== undefined && !isObject(classifier)) problem('classifier', 'expected an object');
  const weights = isObject(classifier) ? classifier['groupWeights'] : undefined;
  if (weights !== undefined) {
    if (!isObject(weights)) problem('classifier.groupWeights', 'expected an object of group weights');
    else {
      for (const [group, w] of Object.entries(weights)) {
        if (typeof w !== 'number' || !Number.isFinite(w) || w < 0)
          problem(`classifier.groupWeights.${group}`, `expected a weight of at least 0, got ${JSON.stringify(w)}`);
        else groupWeights[group] = w;
      }
    }
  }
  const thresholds = isObject(classifier) ? readScoreThresholds(classifier['scoreThresholds'], problem) : {};
  if (problems.length > 0) throw ConfigurationError.aggregate(problems);
  return { metrics, groupWeights, profile: 'kayenta', ...thresholds };
}

/** `classifier.scoreThresholds`: scores from 0 to 100, the marginal one at most the pass one. */
function readScoreThresholds(
  raw: unknown,
  problem: (field: string, message: string) => void,
): { passThreshold?: number; marginalThreshold?: number } {
  if (raw === undefined) return {};
  const at = 'classifier.scoreThresholds';
  if (!isObject(raw)) {
    problem(at, 'expected an object with pass and marginal scores');
    return {};
  }
  const out: { passThreshold?: number; marginalThreshold?: number } = {};
  for (const [key, field] of [
    ['pass', 'passThreshold'],
    ['marginal', 'marginalThreshold'],
  ] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100)
      problem(`${at}.${key}`, `expected a score from 0 to 100, got ${JSON.stringify(v)}`);
    else out[field] = v;
  }
  if (
    out.passThreshold !== undefined &&
    out.marginalThreshold !== undefined &&
    out.marginalThreshold > out.passThreshold
  ) {
    problem(`${at}.marginal`, `expected at most the pass score (${out.passThreshold}), got ${out.marginalThreshold}`);
  }
  return out;
}

/** True when the document looks like a Kayenta canary config (or an ad-hoc request carrying one) rather than our YAML. */
export function looksLikeKayentaConfig(doc: unknown): boolean {
  if (!isObject(doc)) return false;
  if (isAdhocRequest(doc)) return true;
  const metrics = doc['metrics'];
  return (
    isObject(doc['classifier']) ||
    (Array.isArray(metrics) && metrics.some((m) => isObject(m) && 'analysisConfigurations' in m))
  );
}

/** Kayenta's ad-hoc request body: `{canaryConfig, executionRequest}` and no metrics of its own. */
function isAdhocRequest(doc: Json): boolean {
  return 'canaryConfig' in doc && !('metrics' in doc);
}

function describeQuery(query: unknown): string | undefined {
  if (typeof query === 'string') return query;
  if (!isObject(query)) return undefined;
  for (const key of ['customInlineTemplate', 'metricName', 'q', 'query']) {
    const v = query[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

function oneOf<T extends string>(
  value: unknown,
  choices: readonly T[],
  field: string,
  problem: (field: string, message: string) => void,
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  problem(field, `expected one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
  return undefined;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
