/**
 * Extracts the true- and false-positive examples of gitleaks' rules from a
 * gitleaks checkout, by evaluating the Go that builds them
 * (`cmd/generate/config/rules/*.go` with the helpers of
 * `cmd/generate/config/utils`), and writes them as JSON for
 * `score-gitleaks.ts`. It fetches nothing and the examples are not kept in
 * this repository: run it on a checkout you have.
 *
 *   node --import tsx scripts/corpus/extract-gitleaks.ts GITLEAKS_DIR OUT.json [SEED]
 *
 * Examples that gitleaks generates at random from a pattern are generated
 * here from the same pattern with a seeded generator (SEED, 1 by default),
 * so one seed gives the same corpus on every machine.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../src/runtime/random.js';
import { Evaluator, parseGo, Scope, type Builtin, type GoFile, type Value } from './go-subset.js';
import { regexSample } from './regex-sample.js';

/** One example: its text, and the path gitleaks gives it where the rule looks at paths. */
export interface CorpusExample {
  readonly text: string;
  readonly path?: string;
}

/** The examples of one gitleaks rule. */
export interface CorpusRule {
  readonly id: string;
  readonly tps: CorpusExample[];
  readonly fps: CorpusExample[];
}

const [dir, out, seedArg] = process.argv.slice(2);
if (!dir || !out) {
  console.error('usage: extract-gitleaks.ts GITLEAKS_DIR OUT.json [SEED]');
  process.exit(2);
}
const rand = seededRandom(Number(seedArg ?? 1));

function readPackage(folder: string): GoFile[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))
    .sort()
    .map((f) => {
      try {
        return parseGo(readFileSync(join(folder, f), 'utf8'));
      } catch (e) {
        throw new Error(`${join(folder, f)}: ${(e as Error).message}`, { cause: e });
      }
    });
}

/** Go's regexp, as far as the example builders use it. */
function goRegexp(source: string): Record<string, Value> {
  let flags = '';
  let body = source;
  if (body.startsWith('(?i)')) {
    flags = 'i';
    body = body.slice(4);
  }
  const re = new RegExp(body.replace(/\\z/g, '$').replace(/\(\?i:/g, '(?:'), flags);
  return { String: () => source, MatchString: (s: string) => re.test(s), source };
}

function sprintf(format: string, ...args: Value[]): string {
  let i = 0;
  return format.replace(/%([-+# 0]*\d*(?:\.\d+)?)([svdcqxXt%])/g, (_m, _flags: string, verb: string) => {
    if (verb === '%') return '%';
    const a = args[i++];
    switch (verb) {
      case 'c':
        return String.fromCodePoint(a as number);
      case 'q':
        return JSON.stringify(a);
      case 'x':
        return typeof a === 'number' ? a.toString(16) : Buffer.from(String(a), 'utf8').toString('hex');
      default:
        return Array.isArray(a) ? `[${a.join(' ')}]` : String(a);
    }
  });
}

/** A package: named members, unknown ones read as their name (constants the examples do not need). */
function pkg(members: Record<string, Value>): Record<string, Value> {
  return new Proxy(members, { get: (t, k) => (typeof k === 'string' && !(k in t) ? k : t[k as string]) });
}

const encodings = {
  StdEncoding: (s: string) => Buffer.from(s, 'utf8').toString('base64'),
  RawStdEncoding: (s: string) => Buffer.from(s, 'utf8').toString('base64').replace(/=+$/, ''),
  URLEncoding: (s: string) => Buffer.from(s, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_'),
  RawURLEncoding: (s: string) => Buffer.from(s, 'utf8').toString('base64url'),
};
const base64 = pkg(Object.fromEntries(Object.entries(encodings).map(([k, f]) => [k, { EncodeToString: f }])));

function builder(): Record<string, Value> {
  let text = '';
  return {
    WriteString: (s: string) => void (text += s),
    WriteByte: (c: number) => void (text += String.fromCharCode(c)),
    String: () => text,
  };
}

const stringsPkg = pkg({
  Join: (xs: string[], sep: string) => xs.join(sep),
  ToUpper: (s: string) => s.toUpperCase(),
  ToLower: (s: string) => s.toLowerCase(),
  Repeat: (s: string, n: number) => s.repeat(n),
  ReplaceAll: (s: string, a: string, b: string) => s.split(a).join(b),
  Replace: (s: string, a: string, b: string, n: number) => (n < 0 ? s.split(a).join(b) : s.replace(a, b)),
  Contains: (s: string, sub: string) => s.includes(sub),
  TrimSpace: (s: string) => s.trim(),
  NewReplacer: (...pairs: string[]) => ({
    Replace: (s: string) => {
      let r = '';
      for (let i = 0; i < s.length;) {
        let k = 0;
        while (k < pairs.length && !s.startsWith(pairs[k]!, i)) k += 2;
        if (k < pairs.length) {
          r += pairs[k + 1];
          i += pairs[k]!.length;
        } else r += s[i++];
      }
      return r;
    },
  }),
  Builder: builder,
});

/** Named types whose methods the example builders call. */
const namedTypes: Record<string, (fields: Record<string, Value>) => Value> = {
  'strings.Builder': () => builder(),
  'config.Allowlist': (fields) => ({
    ...fields,
    ContainsStopWord: (s: string) => {
      const word = ((fields.StopWords as string[] | undefined) ?? []).find((w) => s.toLowerCase().includes(w));
      return [word !== undefined, word ?? ''];
    },
  }),
};

const found = new Map<string, CorpusRule>();
const asExamples = (v: Value, withPaths: boolean): CorpusExample[] => {
  if (v === undefined || v === null) return [];
  if (withPaths) return [...(v as Map<string, string>).entries()].map(([path, text]) => ({ path, text }));
  return (v as string[]).map((text) => ({ text }));
};
const record = (withPaths: boolean) => (rule: Record<string, Value>, tps: Value, fps: Value) => {
  const id = rule.RuleID as string;
  if (!found.has(id)) found.set(id, { id, tps: asExamples(tps, withPaths), fps: asExamples(fps, withPaths) });
  return rule;
};

const configPkg = pkg({});
const globals = new Scope();
for (const [name, value] of Object.entries({
  fmt: pkg({ Sprintf: sprintf }),
  strings: stringsPkg,
  regexp: pkg({ MustCompile: goRegexp }),
  b64: base64,
  base64,
  secrets: pkg({ NewSecret: (re: string) => regexSample(re, rand) }),
  config: configPkg,
  os: pkg({}),
  logging: pkg({}),
  slices: pkg({}),
})) {
  globals.define(name, value);
}

/** Evaluates a package's top-level variables; those that need another are retried after it. */
function loadPackage(files: GoFile[], scope: Scope, evaluator: Evaluator): void {
  for (const f of files) for (const [name, fn] of f.funcs) scope.define(name, { ...fn, scope });
  let pending = files.flatMap((f) => f.vars);
  while (pending.length > 0) {
    const failed = pending.filter((spec) => {
      try {
        spec.names.forEach((n, i) => scope.define(n, spec.value[i] ? evaluator.eval(spec.value[i], scope) : undefined));
        return false;
      } catch {
        return true;
      }
    });
    if (failed.length === pending.length) break;
    pending = failed;
  }
}

const configDir = join(dir, 'cmd', 'generate', 'config');
const utilsScope = new Scope(globals);
const evaluator = new Evaluator(utilsScope, namedTypes);
loadPackage(readPackage(join(configDir, 'utils')), utilsScope, evaluator);
utilsScope.define('Validate', record(false) as Builtin);
utilsScope.define('ValidateWithPaths', record(true) as Builtin);
utilsScope.define('GetEnvOrDefault', ((_k: string, d: string) => d) as Builtin);
// A package is read through its scope: `utils.X` is a selector on this object.
globals.define('utils', new Proxy({}, { get: (_t, k) => utilsScope.get(k as string) }));
const rulesScope = new Scope(globals);
const rulesEvaluator = new Evaluator(rulesScope, namedTypes);
loadPackage(readPackage(join(configDir, 'rules')), rulesScope, rulesEvaluator);

/**
 * Whether every true example (without a path) matches the rule's pattern,
 * read as a JavaScript regular expression. gitleaks checks its examples
 * against its rules when it generates its configuration, so a draw that
 * fails is one gitleaks would not have kept; patterns JavaScript cannot read
 * are not checked.
 */
function drawAccepted(rule: CorpusRule, pattern: Value): boolean {
  const source = (pattern as { source?: string } | undefined)?.source;
  if (typeof source !== 'string') return true;
  let re: RegExp;
  try {
    const caseless = source.startsWith('(?i)');
    re = new RegExp(
      (caseless ? source.slice(4) : source).replace(/\\z/g, '$(?![\\s\\S])').replace(/\(\?P</g, '(?<'),
      caseless ? 'i' : '',
    );
  } catch {
    return true;
  }
  return rule.tps.every((t) => t.path !== undefined || re.test(t.text));
}

const errors: string[] = [];
for (const f of readPackage(join(configDir, 'rules'))) {
  for (const [name, fn] of f.funcs) {
    if (fn.params.length > 0 || !/^[A-Z]/.test(name)) continue;
    // Random draws are retried, at most 50 times, until gitleaks' own check would pass.
    for (let attempt = 0; attempt < 50; attempt++) {
      const before = new Set(found.keys());
      try {
        const rule = rulesEvaluator.callFunc(fn, []) as Record<string, Value> | undefined;
        const added = [...found.keys()].filter((k) => !before.has(k));
        if (added.length === 0 || added.every((id) => drawAccepted(found.get(id)!, rule?.Regex)) || attempt === 49)
          break;
        for (const id of added) found.delete(id);
      } catch (e) {
        errors.push(`${name}: ${(e as Error).message}`);
        break;
      }
    }
  }
}

const rules = [...found.values()].sort((a, b) => a.id.localeCompare(b.id));
writeFileSync(
  out,
  `${JSON.stringify({ source: 'gitleaks cmd/generate/config/rules', seed: Number(seedArg ?? 1), rules }, null, 1)}\n`,
);
const tps = rules.reduce((n, r) => n + r.tps.length, 0);
const fps = rules.reduce((n, r) => n + r.fps.length, 0);
console.log(`${rules.length} rules, ${tps} true examples, ${fps} false examples -> ${out}`);
for (const e of errors) console.error(`not read: ${e}`);
