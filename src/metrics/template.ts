/**
 * Query templates. Policies write queries once with `{{variable}}`
 * placeholders; the canary flow fills them for the canary and for the
 * baseline so that both sides ask exactly the same question.
 */
import { ConfigurationError, type SourceLocation } from '../runtime/errors.js';

/** The variables a query template may use. */
export const SCOPE_VARIABLES = ['service', 'environment', 'region', 'version', 'role', 'window'] as const;
export type ScopeVariable = (typeof SCOPE_VARIABLES)[number];

/** Which side of the comparison a query is for. */
export type Role = 'canary' | 'baseline';

/**
 * What a query is about. `window` is a duration in Prometheus syntax
 * (`5m`, `1h`), used in range selectors such as `rate(x[{{window}}])`.
 */
export interface QueryScope {
  readonly service?: string;
  readonly environment?: string;
  readonly region?: string;
  readonly version?: string;
  readonly role?: Role;
  readonly window?: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The variable names a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
  const seen: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? '';
    if (!seen.includes(name)) seen.push(name);
  }
  return seen;
}

/**
 * Fills every `{{variable}}` of `template` from `scope`.
 *
 * An unknown variable or one the scope leaves empty is the policy author's
 * mistake, so it is a ConfigurationError that names the variable (and where
 * the template came from, when `location` is given) rather than a query sent
 * with a hole in it.
 */
export function renderQuery(template: string, scope: QueryScope, location: SourceLocation = {}): string {
  const problems: ConfigurationError[] = [];
  for (const name of templateVariables(template)) {
    if (!(SCOPE_VARIABLES as readonly string[]).includes(name)) {
      problems.push(
        new ConfigurationError(
          `unknown query variable {{${name}}}; the variables are ${SCOPE_VARIABLES.join(', ')}`,
          location,
        ),
      );
      continue;
    }
    const value = scope[name as ScopeVariable];
    if (value === undefined || value === '') {
      problems.push(new ConfigurationError(`query variable {{${name}}} has no value in this scope`, location));
    }
  }
  if (problems.length > 0) throw ConfigurationError.aggregate(problems);
  return template.replace(PLACEHOLDER, (_whole, name: string) => String(scope[name as ScopeVariable]));
}

/** Turns a Prometheus duration such as `90s`, `5m` or `1h30m` into seconds. */
export function parseDurationSeconds(text: string, location: SourceLocation = {}): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/gy;
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * (unit[m[2] ?? ''] ?? NaN);
    consumed += m[0].length;
  }
  if (text.length === 0 || consumed !== text.length || !(total > 0)) {
    throw new ConfigurationError(`"${text}" is not a duration such as 30s, 5m or 1h`, location);
  }
  return total;
}

/** Writes seconds as a Prometheus duration (`90` → `1m30s`), for the `{{window}}` variable. */
export function formatDurationSeconds(seconds: number): string {
  if (!(seconds > 0) || !Number.isFinite(seconds))
    throw new RangeError(`a window must be a positive number of seconds, not ${seconds}`);
  const units: [string, number][] = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  let rest = Math.round(seconds * 1000);
  let out = '';
  for (const [name, size] of units) {
    const n = Math.floor(rest / (size * 1000));
    if (n > 0) out += `${n}${name}`;
    rest -= n * size * 1000;
  }
  if (rest > 0) out += `${rest}ms`;
  return out;
}
