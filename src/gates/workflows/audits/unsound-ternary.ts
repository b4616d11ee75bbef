/**
 * `unsound-ternary`: `cond && X || Y` used as "X if cond, else Y" where X is
 * falsy (`''`, `0`, `false`, `null`). `&&` then yields X, which `||` skips, so
 * the expression is Y whatever cond is: the branch the author wrote for cond
 * never happens. `case(cond, X, Y)` says what was meant.
 */
import type { ExprNode } from '../expression.js';
import type { AuditContext } from '../model.js';
import { children, eachExpression } from './expression-sites.js';

/** True for a literal GitHub treats as false. */
function falsyLiteral(node: ExprNode): boolean {
  return (
    node.kind === 'literal' && (node.value === '' || node.value === 0 || node.value === false || node.value === null)
  );
}

/** Reports pseudo-ternaries whose "then" value is falsy. */
export function auditUnsoundTernary(ctx: AuditContext): void {
  eachExpression(ctx, (site) => {
    const stack: ExprNode[] = [site.ast];
    while (stack.length > 0) {
      const node = stack.pop() as ExprNode;
      stack.push(...children(node));
      if (node.kind !== 'binary' || node.op !== '||') continue;
      const and = node.left;
      if (and.kind !== 'binary' || and.op !== '&&' || !falsyLiteral(and.right)) continue;
      const then = site.source.slice(and.right.start, and.right.end).trim();
      const otherwise = site.source.slice(node.right.start, node.right.end).trim();
      const cond = site.source.slice(and.left.start, and.left.end).trim();
      ctx.report({
        ruleId: 'unsound-ternary',
        severity: 'low',
        confidence: 'high',
        span: site.spanOf(node),
        message: `${cond} && ${then} || ${otherwise} is always ${otherwise.length > 60 ? 'the fallback' : otherwise}: ${then} is falsy, so || skips it even when ${cond.length > 60 ? 'the condition' : cond} holds; write case(${cond.length > 40 ? '…' : cond}, ${then}, ${otherwise.length > 40 ? '…' : otherwise}).`,
        snippet: `ternary ${site.source.slice(node.start, node.end).trim()}`,
      });
    }
  });
}
