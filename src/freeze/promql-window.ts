/**
 * OpenSLO queries count events at an instant (`sum(http_requests{code=~"5.."})`
 * with `counter: true`); Bellwether asks how many happened over a window. The
 * query is parsed with Prometheus' own grammar and each metric it reads is
 * counted over `{{.window}}`: `increase` for counters, `sum_over_time` for
 * gauges that hold counts. A query that already writes `{{.window}}` (Sloth's
 * convention) is kept as it is.
 */
import { parser } from '@prometheus-io/lezer-promql';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

const HAS_WINDOW = /\{\{\s*\.window\s*\}\}/;

/** A query template over `{{.window}}`, or why none can be made. */
export type Windowed =
  | { readonly ok: true; readonly template: string; readonly rewritten: boolean }
  | { readonly ok: false; readonly reason: string };

/** Nodes that wrap a selector and must stay inside the counting function (`x offset 5m`, `x @ end()`). */
const SELECTOR_MODIFIERS = new Set(['OffsetExpr', 'StepInvariantExpr']);

/** `windowQuery`'s shape, for code that takes it without loading the grammar. */
export type WindowQuery = (query: string, counter: boolean | undefined) => Windowed;

/**
 * The query as a template over `{{.window}}`. `counter` is OpenSLO's
 * `ratioMetric.counter`; it is only needed when the query has no
 * `{{.window}}` of its own.
 */
export function windowQuery(query: string, counter: boolean | undefined): Windowed {
  if (HAS_WINDOW.test(query)) return { ok: true, template: query, rewritten: false };
  const tree = parser.parse(query);
  let syntaxError: number | undefined;
  let fixedRange: string | undefined;
  const selectors: SyntaxNode[] = [];
  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError) {
        syntaxError ??= ref.from;
        return false;
      }
      if (ref.name === 'MatrixSelector' || ref.name === 'SubqueryExpr') {
        fixedRange ??= query.slice(ref.from, ref.to);
        return false;
      }
      if (ref.name === 'VectorSelector') {
        selectors.push(ref.node);
        return false;
      }
      return true;
    },
  });
  if (syntaxError !== undefined) {
    return {
      ok: false,
      reason: `the query is not PromQL that Bellwether can read (a syntax error at character ${syntaxError + 1}): ${query}`,
    };
  }
  if (fixedRange !== undefined) {
    return {
      ok: false,
      reason: `the query reads a fixed range (${fixedRange}) and has no {{.window}} placeholder, so every window would read the same value; write it as rate(metric[{{.window}}]), or without a range and with counter: true`,
    };
  }
  if (selectors.length === 0)
    return { ok: false, reason: `the query reads no metric, so it counts no events: ${query}` };
  if (counter === undefined) {
    return {
      ok: false,
      reason:
        'the query has no {{.window}} placeholder and the ratioMetric does not say whether it reads counters; set counter: true (counters such as http_requests_total) or counter: false (gauges), or write the range as [{{.window}}]',
    };
  }
  const fn = counter ? 'increase' : 'sum_over_time';
  const edits: { at: number; text: string }[] = [];
  for (const selector of selectors) {
    let whole = selector;
    while (whole.parent && SELECTOR_MODIFIERS.has(whole.parent.name) && whole.parent.firstChild?.from === whole.from)
      whole = whole.parent;
    edits.push(
      { at: whole.from, text: `${fn}(` },
      { at: selector.to, text: '[{{.window}}]' },
      { at: whole.to, text: ')' },
    );
  }
  // Right to left, so that earlier offsets stay true; at one offset the closing parenthesis goes in first, to end up last.
  edits.sort((a, b) => b.at - a.at || (b.text === ')' ? 1 : 0) - (a.text === ')' ? 1 : 0));
  let template = query;
  for (const edit of edits) template = template.slice(0, edit.at) + edit.text + template.slice(edit.at);
  return { ok: true, template, rewritten: true };
}
