/**
 * The metrics layer: providers behind one port, the registry that builds
 * them from configuration, query templates, and what the canary judge reads.
 */
export type {
  InstantQuery,
  MetricPoint,
  MetricSeries,
  MetricsProvider,
  MetricsProviders,
  QueryResult,
  RangeQuery,
} from './provider.js';
export {
  createMetricsProviders,
  createProvider,
  PROVIDER_TYPES,
  type ProviderContext,
  type ProviderDeps,
} from './registry.js';
export { readProvidersSection } from './config-file.js';
export {
  renderQuery,
  templateVariables,
  parseDurationSeconds,
  formatDurationSeconds,
  SCOPE_VARIABLES,
  type QueryScope,
  type Role,
} from './template.js';
export { PrometheusProvider, type PrometheusOptions, type PrometheusAuth } from './prometheus.js';
export { DatadogProvider, type DatadogOptions } from './datadog.js';
export { ReplayProvider, recordQueries } from './replay.js';
export { parseRecording, serializeRecording, type Recording } from './recording.js';
export { RunScopedProvider, Limiter, DEFAULT_CONCURRENCY } from './concurrency.js';
export {
  fetchCanarySamples,
  toSamples,
  hasSamples,
  type CanarySamples,
  type MetricSamples,
  type MetricNoData,
  type JudgeMetricQuery,
} from './canary-samples.js';
