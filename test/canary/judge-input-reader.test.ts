/**
 * The streaming reader of the judge's input file returns exactly what
 * parseJudgeInput returns for the same text, whatever the chunk size, or
 * gives up (null) so that parseJudgeInput reads the text and names the
 * mistake by file, line and field. Through the CLI, a malformed file still
 * gets those errors.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJudgeInput } from '../../src/canary/judge/input-file.js';
import { readJudgeInputBytes } from '../../src/canary/judge/input-reader.js';
import { runCliProcess } from '../helpers/cli-process.js';

const CHUNKS = [16, 17, 31, 64, 1 << 20];

function fast(text: string, chunk: number): unknown {
  return readJudgeInputBytes(Buffer.from(text, 'utf8'), chunk);
}

function reference(text: string): unknown {
  return parseJudgeInput(text, 'input.json');
}

/** Deep equality that tells NaN from null, -0 from 0, and checks key order. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.join('\u0000') === kb.join('\u0000') &&
      ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return a === b;
}

const accepted: { what: string; text: string }[] = [
  { what: 'compact', text: '{"m":{"baseline":[1,2,3],"canary":[4,5,6]}}' },
  { what: 'empty document', text: '{}' },
  { what: 'empty arrays', text: '{"m": {"baseline": [], "canary": []}}' },
  {
    what: 'whitespace of every kind',
    text: ' \r\n\t{ \n\t"m" \r: \n{ "canary" :\t[ 1 ,\n2 ] ,\r\n "baseline":[ 3\t] }\n }\n\n ',
  },
  {
    what: 'null, NaN and infinities',
    text: '{"m": {"baseline": [null, "NaN", "+Inf", "Inf", "-Inf", 1], "canary": [null, null]}}',
  },
  {
    what: 'exponents, negatives, zeros and extremes',
    text: '{"m": {"baseline": [1e3, 1E-3, -2.5e+10, -0, 0, 0.0, -0.0, 1e999, -1e999, 5e-324, 1e-400, 1.7976931348623157e308], "canary": [123456789012345678901234567890, 0.1, 0.30000000000000004, 103.45678901234567]}}',
  },
  {
    what: 'unicode and escapes in names',
    text: '{"latência p99 ⏱": {"baseline": [1], "canary": [2]}, "a\\"b\\\\c\\u00e9\\n": {"baseline": [1], "canary": [2]}, "😀": {"baseline": [1], "canary": [2]}}',
  },
  {
    what: 'denominators, in either order',
    text: '{"r": {"canaryDenominator": [10, 20], "canary": [1, 2], "baseline": [3, 4], "baselineDenominator": [30, 40]}}',
  },
  {
    what: 'a repeated metric keeps its first place and last value',
    text: '{"a": {"baseline": [1], "canary": [1]}, "b": {"baseline": [2], "canary": [2]}, "a": {"baseline": [3], "canary": [3]}}',
  },
  { what: 'a repeated field keeps its last value', text: '{"a": {"baseline": [1], "canary": [1], "baseline": [9]}}' },
  {
    what: 'names that look like array indexes, listed first',
    text: '{"latency": {"baseline": [1], "canary": [2]}, "7": {"baseline": [3], "canary": [4]}, "3": {"baseline": [5], "canary": [6]}}',
  },
  { what: 'an escaped spelling of NaN in an array', text: '{"m": {"baseline": ["\\u004eaN", 1], "canary": [1]}}' },
  {
    what: 'names of things every object has',
    text: '{"constructor": {"baseline": [1], "canary": [2]}, "toString": {"baseline": [1], "canary": [2]}}',
  },
];

/** Generated documents: many metrics, random spacing, numbers in several spellings. */
function generated(seed: number): string {
  let s = seed;
  const random = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const space = (): string => [' ', '', '\n', '\t', '  ', '\r\n'][Math.floor(random() * 6)] as string;
  const point = (): string => {
    const r = random();
    if (r < 0.05) return 'null';
    if (r < 0.07) return '"NaN"';
    if (r < 0.08) return '"+Inf"';
    if (r < 0.3) return String(-1000 + 2000 * random());
    if (r < 0.5) return (random() * 10 ** (Math.floor(random() * 40) - 20)).toExponential(Math.floor(random() * 17));
    if (r < 0.7) return String(Math.floor(random() * 100));
    return String(100 * Math.exp(random()));
  };
  const array = (): string =>
    `[${space()}${Array.from({ length: Math.floor(random() * 40) }, point).join(`${space()},${space()}`)}${space()}]`;
  const metrics = Array.from(
    { length: 30 },
    (_, i) =>
      `${space()}"metric ${i} ✓"${space()}:${space()}{${space()}"baseline":${array()},${space()}"canary":${space()}${array()}${space()}}`,
  );
  return `${space()}{${metrics.join(',')}${space()}}${space()}`;
}

/** Texts the reader gives up on: parseJudgeInput names the mistake, or (last cases) takes them. */
const unusual: { what: string; text: string; error?: RegExp }[] = [
  { what: 'not JSON', text: '{"m": {"baseline": [1, 2,], "canary": [1]}}', error: /input\.json: not valid JSON/ },
  { what: 'truncated', text: '{"m": {"baseline": [1, 2', error: /not valid JSON/ },
  {
    what: 'a string point',
    text: '{\n"m": {"baseline": [1, "x"], "canary": [1]}}',
    error: /input\.json:2: m\.baseline\[1\]: expected a number or null, got "x"/,
  },
  {
    what: 'a nested array',
    text: '{\n\n"m": {"baseline": [[1]], "canary": [1]}}',
    error: /input\.json:3: m\.baseline\[0\]: expected a number or null/,
  },
  {
    what: 'an object point',
    text: '{"m": {"baseline": [{}], "canary": [1]}}',
    error: /input\.json:1: m\.baseline\[0\]/,
  },
  {
    what: 'a missing side',
    text: '{"m": {"baseline": [1]}}',
    error: /input\.json:1: m\.canary: missing required field/,
  },
  { what: 'an empty metric', text: '{"m": {}}', error: /m\.baseline: missing required field/ },
  {
    what: 'an unknown field',
    text: '{"m": {"baseline": [1], "canary": [1], "extra": [1]}}',
    error: /m\.extra: unknown field/,
  },
  {
    what: 'a side that is not an array',
    text: '{"m": {"baseline": 1, "canary": null}}',
    error: /m\.baseline: expected an array/,
  },
  { what: 'a metric that is not an object', text: '{"m": [1, 2]}', error: /input\.json:1: m: expected \{"baseline"/ },
  { what: 'a top level that is an array', text: '[1]', error: /input\.json:1: expected an object/ },
  { what: 'text after the document', text: '{} x', error: /not valid JSON/ },
  { what: 'a byte order mark', text: '\uFEFF{}', error: /not valid JSON/ },
  { what: 'a bad escape in a name', text: '{"a\\x": {"baseline": [1], "canary": [1]}}', error: /not valid JSON/ },
  {
    what: 'non-ASCII inside an array',
    text: '{"m": {"baseline": ["∞"], "canary": [1]}}',
    error: /m\.baseline\[0\]: expected a number or null, got "∞"/,
  },
  { what: 'a "__proto__" metric', text: '{"__proto__": {"baseline": [1], "canary": [1]}}' },
  {
    what: 'a "]" inside a string in an array',
    text: '{"m": {"baseline": ["a]"], "canary": [1]}}',
    error: /m\.baseline\[0\]: expected a number or null, got "a]"/,
  },
  {
    what: 'a nested array after a point',
    text: '{"m": {"baseline": [1, [2]], "canary": [1]}}',
    error: /m\.baseline\[1\]/,
  },
];

describe('the streaming reader of the judge input', () => {
  for (const c of accepted) {
    it(`returns what parseJudgeInput returns: ${c.what}`, () => {
      const expected = reference(c.text);
      for (const chunk of CHUNKS) expect(same(fast(c.text, chunk), expected), `chunk ${chunk}`).toBe(true);
    });
  }

  it('returns what parseJudgeInput returns on generated documents, at every chunk size', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const text = generated(seed);
      const expected = reference(text);
      for (const chunk of CHUNKS) expect(same(fast(text, chunk), expected), `seed ${seed}, chunk ${chunk}`).toBe(true);
    }
  });

  for (const c of unusual) {
    it(`gives up, leaving it to parseJudgeInput: ${c.what}`, () => {
      for (const chunk of CHUNKS) expect(fast(c.text, chunk)).toBeNull();
      if (c.error) expect(() => reference(c.text)).toThrow(c.error);
    });
  }
});

describe('canary judge reading a malformed input file (the process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bellwether-judge-input-'));
  const config = join(dir, 'judge.yaml');
  writeFileSync(config, 'judge:\n  metrics:\n    - name: latency\n    - name: errors\n');
  const points = Array.from({ length: 20 }, (_, i) => 100 + i).join(', ');
  const cases: { what: string; text: string; message: string }[] = [
    {
      what: 'a string point on line 3',
      text: `{\n  "latency": {"baseline": [${points}], "canary": [${points}]},\n  "errors": {"baseline": [1, "x"], "canary": [${points}]}\n}\n`,
      message: 'input.json:3: errors.baseline[1]: expected a number or null, got "x"',
    },
    {
      what: 'a missing side on line 2',
      text: `{\n  "latency": {"baseline": [${points}]},\n  "errors": {"baseline": [${points}], "canary": [${points}]}\n}\n`,
      message: 'input.json:2: latency.canary: missing required field',
    },
    { what: 'broken JSON', text: `{"latency": {"baseline": [${points}`, message: 'input.json: not valid JSON' },
  ];
  for (const c of cases) {
    it(`names the file, line and field: ${c.what}`, async () => {
      const input = join(dir, 'input.json');
      writeFileSync(input, c.text);
      const run = await runCliProcess(['canary', 'judge', '--config', config, '--input', input], { cwd: dir });
      expect(run.code).toBe(2);
      expect(run.stdout).toContain(c.message);
    });
  }

  it('judges a well-formed file read in chunks as it judges the same file read whole', async () => {
    const input = join(dir, 'good.json');
    const rows = (shift: number): string =>
      Array.from({ length: 50 }, (_, i) => 100 + shift + ((i * 37) % 11)).join(', ');
    writeFileSync(
      input,
      `{"latency": {"baseline": [${rows(0)}], "canary": [${rows(30)}]}, "errors": {"baseline": [${rows(0)}], "canary": [${rows(0)}]}}`,
    );
    const run = await runCliProcess(['canary', 'judge', '--config', config, '--input', input, '--format', 'json'], {
      cwd: dir,
    });
    const out = JSON.parse(run.stdout) as {
      metrics: { name: string; classification: string; baseline: { n: number } }[];
    };
    expect(out.metrics.map((m) => [m.name, m.classification, m.baseline.n])).toEqual([
      ['latency', 'High', 50],
      ['errors', 'Pass', 50],
    ]);
  });
});
