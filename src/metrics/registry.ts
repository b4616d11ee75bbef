/**
 * The provider registry: a provider type names a factory, the factory checks
 * its own configuration and builds the provider with the clients it is given.
 * An unknown type is a ConfigurationError with a suggestion. Nothing is
 * built or connected at import time.
 */
import path from 'node:path';
import type * as z from 'zod';
import type { Sleep } from '../runtime/clock.js';
import { ConfigurationError, errorMessage, type SourceLocation } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import { processSecrets } from '../runtime/secrets.js';
import { RunScopedProvider, DEFAULT_CONCURRENCY } from './concurrency.js';
import { datadogConfigSchema, prometheusConfigSchema, replayConfigSchema } from './config.js';
import { DatadogProvider, datadogApiHost, datadogSiteNames } from './datadog.js';
import type { RetryPolicy } from './http.js';
import { PrometheusProvider, type PrometheusAuth } from './prometheus.js';
import type { MetricsProvider, MetricsProviders } from './provider.js';
import { parseRecording } from './recording.js';
import { ReplayProvider } from './replay.js';
import { didYouMean } from '../runtime/did-you-mean.js';
import { parseDurationSeconds } from './template.js';

/** The effects and clients providers are built with. */
export interface ProviderDeps {
  readonly fetch: typeof fetch;
  readonly sleep: Sleep;
  readonly logger: Logger;
  /** Where secrets are read from (`process.env` in entrypoints). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile: (file: string) => string;
  readonly random?: () => number;
}

/** Where a provider's configuration came from, for error messages and relative paths. */
export interface ProviderContext {
  /** Directory that relative paths (a recording file) are resolved against. */
  readonly baseDir: string;
  /** Where the value at a field path is in the user's file. */
  readonly locate: (field: readonly (string | number)[]) => SourceLocation;
}

type Factory = (name: string, raw: unknown, deps: ProviderDeps, ctx: ProviderContext) => MetricsProvider;

const FACTORIES: Readonly<Record<string, Factory>> = {
  prometheus: buildPrometheus,
  datadog: buildDatadog,
  replay: buildReplay,
};

/** The provider types a configuration may name. */
export const PROVIDER_TYPES: readonly string[] = Object.keys(FACTORIES);

const defaultContext: ProviderContext = {
  baseDir: '.',
  locate: (field) => ({ field: field.join('.') }),
};

/** Builds one provider from its raw configuration; throws ConfigurationError for the user's mistakes. */
export function createProvider(
  name: string,
  raw: unknown,
  deps: ProviderDeps,
  ctx: ProviderContext = defaultContext,
): MetricsProvider {
  const type = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).type : undefined;
  if (typeof type !== 'string') {
    throw new ConfigurationError(
      `metrics provider ${JSON.stringify(name)} needs a type: one of ${PROVIDER_TYPES.join(', ')}`,
      ctx.locate([name]),
    );
  }
  const factory = Object.hasOwn(FACTORIES, type) ? FACTORIES[type] : undefined;
  if (!factory) {
    throw new ConfigurationError(
      `unknown metrics provider type ${JSON.stringify(type)}${didYouMean(type, PROVIDER_TYPES)} (known types: ${PROVIDER_TYPES.join(', ')})`,
      ctx.locate([name, 'type']),
    );
  }
  return factory(name, raw, deps, ctx);
}

export interface CreateProvidersOptions {
  /** Wrap each provider with bounded concurrency and a cache for this run (default true). */
  readonly runScoped?: boolean;
}

/** Builds every configured provider, reporting all configuration problems together. */
export function createMetricsProviders(
  configs: Readonly<Record<string, unknown>>,
  deps: ProviderDeps,
  ctx: ProviderContext = defaultContext,
  options: CreateProvidersOptions = {},
): MetricsProviders {
  const built = new Map<string, MetricsProvider>();
  const problems: ConfigurationError[] = [];
  for (const [name, raw] of Object.entries(configs)) {
    try {
      const provider = createProvider(name, raw, deps, ctx);
      const concurrency = (raw as { concurrency?: number }).concurrency ?? DEFAULT_CONCURRENCY;
      built.set(name, options.runScoped === false ? provider : new RunScopedProvider(provider, { concurrency }));
    } catch (err) {
      if (err instanceof ConfigurationError) problems.push(...(err.problems.length ? err.problems : [err]));
      else throw err;
    }
  }
  if (problems.length > 0) throw ConfigurationError.aggregate(problems);
  const names = [...built.keys()];
  return {
    get(name) {
      const p = built.get(name);
      if (!p) {
        const known = names.length ? `configured: ${names.join(', ')}` : 'none is configured';
        throw new ConfigurationError(
          `no metrics provider named ${JSON.stringify(name)}${didYouMean(name, names)} (${known})`,
        );
      }
      return p;
    },
    names: () => [...names],
  };
}

function parseWith<S extends z.ZodType>(schema: S, name: string, raw: unknown, ctx: ProviderContext): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const field = [name, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    return new ConfigurationError(`${issue.message}${keys}`, ctx.locate(field));
  });
  throw ConfigurationError.aggregate(problems);
}

/**
 * Reads a secret the configuration names and registers it, so that it is
 * hidden from the logs and from every text that leaves the process.
 */
function secret(deps: ProviderDeps, envVar: string, location: SourceLocation): string {
  const value = deps.env[envVar];
  if (!value)
    throw new ConfigurationError(`the environment variable ${envVar} is not set (it should hold the secret)`, location);
  registerSecret(deps, value);
  return value;
}

function registerSecret(deps: ProviderDeps, value: string): void {
  deps.logger.mask(value);
  processSecrets.add(value);
}

function retryPolicy(r: { attempts: number; initialDelay: string; maxDelay: string }): RetryPolicy {
  return {
    retries: r.attempts - 1,
    baseDelayMs: parseDurationSeconds(r.initialDelay) * 1000,
    maxDelayMs: parseDurationSeconds(r.maxDelay) * 1000,
  };
}

function buildPrometheus(name: string, raw: unknown, deps: ProviderDeps, ctx: ProviderContext): MetricsProvider {
  const c = parseWith(prometheusConfigSchema, name, raw, ctx);
  const at = (...f: string[]): SourceLocation => ctx.locate([name, 'auth', ...f]);
  let auth: PrometheusAuth;
  switch (c.auth.type) {
    case 'bearer':
      auth = { type: 'bearer', token: secret(deps, c.auth.tokenEnv, at('tokenEnv')) };
      break;
    case 'basic':
      auth = {
        type: 'basic',
        username: c.auth.username,
        password: secret(deps, c.auth.passwordEnv, at('passwordEnv')),
      };
      // The header carries user and password together, base64-encoded: a server that echoes it shows that form.
      registerSecret(deps, Buffer.from(`${auth.username}:${auth.password}`).toString('base64'));
      break;
    case 'header':
      auth = { type: 'header', name: c.auth.name, value: secret(deps, c.auth.valueEnv, at('valueEnv')) };
      break;
    default:
      auth = { type: 'none' };
  }
  return new PrometheusProvider(
    {
      url: c.url,
      auth,
      headers: c.headers,
      timeoutSeconds: parseDurationSeconds(c.timeout),
      retry: retryPolicy(c.retry),
      maxPoints: c.maxPoints,
      defaultStepSeconds: parseDurationSeconds(c.step),
      minStepSeconds: parseDurationSeconds(c.minStep),
      partialResponse: c.partialResponse,
    },
    deps,
  );
}

function buildDatadog(name: string, raw: unknown, deps: ProviderDeps, ctx: ProviderContext): MetricsProvider {
  const c = parseWith(datadogConfigSchema, name, raw, ctx);
  if (!datadogApiHost(c.site)) {
    throw new ConfigurationError(
      `unknown Datadog site ${JSON.stringify(c.site)}${didYouMean(c.site, datadogSiteNames())} (sites: ${datadogSiteNames().join(', ')})`,
      ctx.locate([name, 'site']),
    );
  }
  return new DatadogProvider(
    {
      site: c.site,
      apiKey: secret(deps, c.apiKeyEnv, ctx.locate([name, 'apiKeyEnv'])),
      appKey: secret(deps, c.appKeyEnv, ctx.locate([name, 'appKeyEnv'])),
      timeoutSeconds: parseDurationSeconds(c.timeout),
      retry: retryPolicy(c.retry),
      instantLookbackSeconds: parseDurationSeconds(c.instantLookback),
    },
    deps,
  );
}

function buildReplay(name: string, raw: unknown, deps: ProviderDeps, ctx: ProviderContext): MetricsProvider {
  const c = parseWith(replayConfigSchema, name, raw, ctx);
  const file = path.resolve(ctx.baseDir, c.file);
  let text: string;
  try {
    text = deps.readFile(file);
  } catch (err) {
    throw new ConfigurationError(
      `cannot read the recording ${c.file}: ${errorMessage(err)}`,
      ctx.locate([name, 'file']),
    );
  }
  return new ReplayProvider(parseRecording(text, c.file), c.file, parseDurationSeconds(c.lookback));
}
