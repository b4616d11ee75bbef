/**
 * The judge's input file is read in one pass: line numbers are looked up
 * only for the metrics that have a mistake, and still name the right line,
 * whatever the order in which JSON.parse lists the keys.
 */
import { describe, expect, it } from 'vitest';
import { parseJudgeInput } from '../../src/canary/judge/input-file.js';

const ok = (n: number): string =>
  `{"baseline": [${Array.from({ length: n }, (_, i) => i).join(', ')}], "canary": [1, null, "+Inf", "NaN"]}`;

/** One metric per line after the opening brace: metric i is on line i + 2. */
function document(names: readonly string[], bad: ReadonlySet<string>): string {
  return `{\n${names.map((name) => `  ${JSON.stringify(name)}: ${bad.has(name) ? '{"baseline": [1, "x"], "canary": [1]}' : ok(3)}`).join(',\n')}\n}\n`;
}

function problemsOf(text: string): string {
  try {
    parseJudgeInput(text, 'input.json');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('no error');
}

describe('the judge input file', () => {
  const cases: { what: string; names: string[]; bad: string[]; lines: Record<string, number> }[] = [
    { what: 'one mistake', names: ['a', 'b', 'c'], bad: ['b'], lines: { b: 3 } },
    {
      what: 'mistakes in document order',
      names: ['m0', 'm1', 'm2', 'm3', 'm4'],
      bad: ['m1', 'm4'],
      lines: { m1: 3, m4: 6 },
    },
    // JSON.parse lists keys that look like array indexes first, out of document order
    {
      what: 'index-like keys listed first',
      names: ['latency', '7', 'errors', '3'],
      bad: ['errors', '3', 'latency'],
      lines: { latency: 2, errors: 4, '3': 5 },
    },
    { what: 'a name that is also a prefix of another', names: ['cpu-total', 'cpu'], bad: ['cpu'], lines: { cpu: 3 } },
  ];
  for (const c of cases) {
    it(`names the line of each metric with a mistake: ${c.what}`, () => {
      const message = problemsOf(document(c.names, new Set(c.bad)));
      for (const [name, line] of Object.entries(c.lines))
        expect(message).toContain(`input.json:${line}: ${name}.baseline[1]: expected a number or null, got "x"`);
    });
  }

  it('reads spellings of infinity and NaN, and null, as numbers', () => {
    const input = parseJudgeInput(`{"m": ${ok(2)}}`, 'input.json');
    expect(input['m']?.canary).toEqual([1, null, Number.POSITIVE_INFINITY, Number.NaN]);
    expect(input['m']?.baseline).toEqual([0, 1]);
  });

  it('refuses strings that are only names on every object, such as "constructor"', () => {
    expect(problemsOf('{"m": {"baseline": [1, "constructor"], "canary": ["toString"]}}')).toMatch(
      /m\.baseline\[1\]: expected a number or null, got "constructor"[\s\S]*m\.canary\[0\]: expected a number or null, got "toString"/,
    );
  });

  it('reads 20,000 metrics with one mistake at the end, naming its line', () => {
    const names = Array.from({ length: 20_000 }, (_, i) => `metric-${i}`);
    const message = problemsOf(document(names, new Set(['metric-19999'])));
    expect(message).toContain('input.json:20001: metric-19999.baseline[1]');
  });
});
