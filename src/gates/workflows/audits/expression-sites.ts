/**
 * Every expression of a file with a way to place its parts: the `${{ }}`
 * templates of string values, and the bare expressions of `if:` conditions.
 */
import { isScalar, type Scalar } from 'yaml';
import { parseExpression, ExpressionSyntaxError, type ExprNode } from '../expression.js';
import type { AuditContext } from '../model.js';
import { mapGet, spanAt, spanOf, templateSpan, type SourceFile, type Span } from '../source.js';
import { findTemplates } from '../templates.js';
import { walkScalars } from './expressions.js';

/** One parsed expression and where it sits. */
export interface ExpressionSite {
  readonly ast: ExprNode;
  /** The expression text (between `${{` and `}}` when fenced). */
  readonly source: string;
  /** True when the expression is a condition (`if:`), fenced or bare. */
  readonly condition: boolean;
  /** The span of a part of the expression (offsets into `source`), or of the whole when it cannot be placed. */
  spanOf(part: ExprNode): Span;
  /** The span of the whole expression (with its `${{ }}`). */
  readonly span: Span;
}

/** The `if:` scalars of the file: jobs' and steps' conditions. */
function conditionNodes(ctx: AuditContext): Set<Scalar> {
  const out = new Set<Scalar>();
  for (const job of ctx.jobs) {
    const j = mapGet(ctx.file, job.node, 'if');
    if (isScalar(j)) out.add(j);
    for (const step of job.steps) if (isScalar(step.if)) out.add(step.if);
  }
  return out;
}

/** Several audits read the same expressions; a file's are found once. */
const found = new WeakMap<SourceFile, ExpressionSite[]>();

/** Calls `visit` for every expression that parses; malformed ones are another audit's. */
export function eachExpression(ctx: AuditContext, visit: (site: ExpressionSite) => void): void {
  let sites = found.get(ctx.file);
  if (!sites) {
    sites = collect(ctx);
    found.set(ctx.file, sites);
  }
  sites.forEach(visit);
}

function collect(ctx: AuditContext): ExpressionSite[] {
  const out: ExpressionSite[] = [];
  const visit = (site: ExpressionSite): void => {
    out.push(site);
  };
  const conditions = conditionNodes(ctx);
  walkScalars(ctx, ctx.file.doc.contents, (node) => {
    const text = node.value as string;
    findTemplates(text).forEach((t, k) => {
      if (!t.ast) return;
      const whole = templateSpan(ctx.file, node, k, t.start, t.end);
      const oneLine = whole.line === whole.endLine && whole.endOffset - whole.startOffset === t.end - t.start;
      const base = whole.startOffset + 3;
      visit({
        ast: t.ast,
        source: t.source,
        condition: conditions.has(node),
        span: whole,
        spanOf: (part) => (oneLine ? spanAt(ctx.file, base + part.start, base + part.end) : whole),
      });
    });
  });
  for (const node of conditions) {
    if (typeof node.value !== 'string' || node.value.includes('${{')) continue;
    let ast: ExprNode;
    try {
      ast = parseExpression(node.value);
    } catch (err) {
      if (err instanceof ExpressionSyntaxError) continue;
      throw err;
    }
    const whole = spanOf(ctx.file, node);
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
    const plain = node.type === 'PLAIN' || quoted === 1;
    const base = whole.startOffset + quoted;
    visit({
      ast,
      source: node.value,
      condition: true,
      span: whole,
      spanOf: (part) => (plain ? spanAt(ctx.file, base + part.start, base + part.end) : whole),
    });
  }
  return out;
}

/** The direct sub-expressions of a node. */
export function children(node: ExprNode): ExprNode[] {
  switch (node.kind) {
    case 'property':
    case 'star':
      return [node.object];
    case 'index':
      return [node.object, node.index];
    case 'call':
      return node.args;
    case 'not':
      return [node.operand];
    case 'binary':
      return [node.left, node.right];
    default:
      return [];
  }
}
