/**
 * Typed inputs, each defined once. An action's inputs are declared in its
 * spec (src/actions/specs.ts); `action.yml`, the action's README table and
 * the reading code are all derived from that one declaration.
 */
import { ConfigurationError } from './errors.js';

interface InputBase {
  /** What the input means, shown in action.yml and the README. */
  readonly description: string;
  /** Required inputs have no default; a missing one is a ConfigurationError. */
  readonly required?: boolean;
  /** The default as the text GitHub would pass, also written to action.yml. */
  readonly default?: string;
  /** Masked from every log line as soon as it is read. */
  readonly secret?: boolean;
}

export interface StringInput extends InputBase {
  readonly type: 'string';
}
export interface BooleanInput extends InputBase {
  readonly type: 'boolean';
}
export interface NumberInput extends InputBase {
  readonly type: 'number';
  readonly min?: number;
  readonly max?: number;
}
export interface EnumInput<V extends string = string> extends InputBase {
  readonly type: 'enum';
  readonly values: readonly V[];
}
/** Several values, one a line or comma-separated. */
export interface ListInput extends InputBase {
  readonly type: 'list';
}

export type InputSpec = StringInput | BooleanInput | NumberInput | EnumInput | ListInput;
export type InputSpecs = Readonly<Record<string, InputSpec>>;

/** The value type an input spec yields; optional inputs without a default may be undefined. */
export type InputValue<S extends InputSpec> = S extends BooleanInput
  ? boolean
  : S extends NumberInput
    ? WithAbsence<S, number>
    : S extends EnumInput<infer V>
      ? WithAbsence<S, V>
      : S extends ListInput
        ? string[]
        : WithAbsence<S, string>;

type WithAbsence<S extends InputSpec, T> = S extends { required: true }
  ? T
  : S extends { default: string }
    ? T
    : T | undefined;

export type Inputs<T extends InputSpecs> = { -readonly [K in keyof T]: InputValue<T[K]> };

/** Where raw input text comes from: `INPUT_*` variables for actions, flags for the CLI. */
export type InputSource = (name: string) => string | undefined;

/**
 * Reads `INPUT_<NAME>` as the Actions runner sets it: upper-cased, spaces
 * replaced by underscores, dashes kept.
 */
export function envInputSource(env: NodeJS.ProcessEnv = process.env): InputSource {
  return (name) => env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
}

/**
 * Reads and converts every declared input. All problems are reported at once,
 * each naming the input, what was expected and what was given.
 *
 * @param onSecret called with each non-empty secret value, to mask it.
 */
export function readInputs<T extends InputSpecs>(
  specs: T,
  source: InputSource,
  onSecret: (value: string) => void = () => {},
): Inputs<T> {
  const out: Record<string, unknown> = {};
  const problems: ConfigurationError[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const raw = source(name);
    const text = raw === undefined || raw.trim() === '' ? spec.default : raw.trim();
    if (spec.secret && raw) onSecret(raw);
    try {
      out[name] = convert(name, spec, text);
    } catch (err) {
      if (err instanceof ConfigurationError) problems.push(err);
      else throw err;
    }
  }
  if (problems.length > 0) throw ConfigurationError.aggregate(problems);
  return out as Inputs<T>;
}

function convert(name: string, spec: InputSpec, text: string | undefined): unknown {
  const field = `inputs.${name}`;
  if (text === undefined) {
    if (spec.required) throw new ConfigurationError('required input is missing', { field });
    if (spec.type === 'boolean') return false;
    if (spec.type === 'list') return [];
    return undefined;
  }
  switch (spec.type) {
    case 'string':
      return text;
    case 'boolean': {
      // The same words @actions/core's getBooleanInput accepts (YAML 1.2 core schema).
      if (['true', 'True', 'TRUE'].includes(text)) return true;
      if (['false', 'False', 'FALSE'].includes(text)) return false;
      throw new ConfigurationError(`expected true or false, got ${JSON.stringify(text)}`, { field });
    }
    case 'number': {
      const n = Number(text);
      const inRange = (spec.min === undefined || n >= spec.min) && (spec.max === undefined || n <= spec.max);
      if (!Number.isFinite(n) || !inRange) {
        throw new ConfigurationError(`expected ${describeRange(spec)}, got ${JSON.stringify(text)}`, { field });
      }
      return n;
    }
    case 'enum': {
      if (!spec.values.includes(text)) {
        throw new ConfigurationError(`expected one of ${spec.values.join(', ')}, got ${JSON.stringify(text)}`, {
          field,
        });
      }
      return text;
    }
    case 'list':
      return text
        .split(/[\n,]/)
        .map((s) => s.trim())
        .filter((s) => s !== '');
  }
}

function describeRange(spec: NumberInput): string {
  if (spec.min !== undefined && spec.max !== undefined) return `a number from ${spec.min} to ${spec.max}`;
  if (spec.min !== undefined) return `a number of at least ${spec.min}`;
  if (spec.max !== undefined) return `a number of at most ${spec.max}`;
  return 'a number';
}
