/**
 * `obfuscation`: ways of writing what runs that hide it from a reader and
 * from the other audits. `uses:` paths with empty, `.` or `..` segments
 * (`actions/checkout/@v4`, `actions/cache/save/../save@v4`), expressions that
 * are constants in disguise (`${{ format('{0}', 'abc') }}`, `${{ 'a' }}`,
 * `fromJSON(toJSON(x))`), and indexes computed at run time
 * (`inputs[inputs.name]`), which choose what is read where no reviewer sees.
 */
import { isScalar, type Scalar } from 'yaml';
import type { ExprNode } from '../expression.js';
import { localUses, type AuditContext } from '../model.js';
import { mapGet, spanOf } from '../source.js';
import { children, eachExpression, type ExpressionSite } from './expression-sites.js';

/** What is wrong with a `uses:` path, if anything. */
export function obfuscatedPath(uses: string): string | undefined {
  const u = uses.trim();
  if (u.startsWith('docker://') || u.includes('${{')) return undefined;
  const at = u.lastIndexOf('@');
  const local = localUses(u) !== undefined;
  if (!local && at < 0) return undefined;
  const path = local ? u.slice(2) : u.slice(0, at);
  const segments = path.split('/');
  if (segments.some((s) => s === '..')) return "a '..' segment";
  if (segments.some((s) => s === '.')) return "a '.' segment";
  if (segments.some((s, i) => s === '' && !(local && i === segments.length - 1 && segments.length > 1)))
    return 'an empty segment (a doubled or trailing /)';
  return undefined;
}

/** Functions that compute the same result from the same arguments, so a call on constants is a constant. */
const PURE = new Set(['format', 'startswith', 'endswith', 'contains', 'join', 'tojson', 'case']);

/**
 * Whether an expression is a constant: literals combined by operators and
 * pure functions. `fromJSON('[...]')` and `fromJSON('{...}')` are not: they
 * are how a list or a map is written, not a disguise.
 */
export function isConstant(node: ExprNode): boolean {
  switch (node.kind) {
    case 'literal':
      return true;
    case 'not':
      return isConstant(node.operand);
    case 'binary':
      return isConstant(node.left) && isConstant(node.right);
    case 'call': {
      if (node.name === 'fromjson') {
        const arg = node.args[0];
        return (
          arg !== undefined &&
          isConstant(arg) &&
          !(arg.kind === 'literal' && typeof arg.value === 'string' && /^\s*[[{]/.test(arg.value))
        );
      }
      return PURE.has(node.name) && node.args.every(isConstant);
    }
    default:
      return false;
  }
}

function isNoOpRoundTrip(node: ExprNode): boolean {
  if (node.kind !== 'call' || (node.name !== 'fromjson' && node.name !== 'tojson')) return false;
  const inner = node.args[0];
  const other = node.name === 'fromjson' ? 'tojson' : 'fromjson';
  return inner !== undefined && inner.kind === 'call' && inner.name === other;
}

type Report = (part: ExprNode, why: string) => void;

function visit(node: ExprNode, top: boolean, site: ExpressionSite, report: Report): void {
  if (isConstant(node)) {
    // A literal operand (github.ref == 'refs/heads/main') is plain; a condition that is only a literal is how a step is switched off.
    if (node.kind !== 'literal' || (top && !site.condition))
      report(node, 'is a constant: it can be replaced by the value it always has');
    return;
  }
  if (isNoOpRoundTrip(node)) report(node, 'converts to JSON and back, which changes nothing but hides what is read');
  if (node.kind === 'index' && node.index.kind !== 'literal' && !isConstant(node.index))
    report(node, 'reads a member chosen at run time, so which value it reads cannot be seen here');
  for (const c of children(node)) visit(c, false, site, report);
}

/** Reports obfuscated `uses:` paths and expressions. */
export function auditObfuscation(ctx: AuditContext): void {
  for (const job of ctx.jobs) {
    const uses = [
      ...job.steps.flatMap((s) => (s.uses ? [s.uses] : [])),
      ...(ctx.kind === 'workflow' ? reusable(ctx, job.node) : []),
    ];
    for (const u of uses) {
      const why = obfuscatedPath(u.text);
      if (!why) continue;
      ctx.report({
        ruleId: 'obfuscation',
        severity: 'low',
        confidence: 'high',
        span: spanOf(ctx.file, u.node),
        message: `${job.label} uses ${u.text}, whose path has ${why}: it names the same action as a plain path would (or one elsewhere), and hides which from reviewers and tools.`,
        snippet: `${job.id} ${u.text}`,
      });
    }
  }
  for (const job of ctx.jobs) {
    for (const step of job.steps) {
      // `with: ${{ fromJSON(...) }}`: the action's inputs are decided at run time, out of every audit's sight.
      if (!isScalar(step.with) || typeof step.with.value !== 'string' || !step.with.value.includes('${{')) continue;
      ctx.report({
        ruleId: 'obfuscation',
        severity: 'info',
        confidence: 'high',
        span: spanOf(ctx.file, step.with),
        message: `step ${step.index + 1} of ${job.label} computes all its inputs from an expression, so no reviewer or audit can see what the action is given.`,
        snippet: `${job.id} with ${step.with.value}`,
      });
    }
  }
  eachExpression(ctx, (site) => {
    visit(site.ast, true, site, (part, why) => {
      const slice = site.source.slice(part.start, part.end).trim();
      // Grouping parentheses are not part of a node's range; quote the whole expression when they would be cut.
      const balanced = (t: string) => (t.match(/\(/g) ?? []).length === (t.match(/\)/g) ?? []).length;
      const text = balanced(slice) ? slice : site.source.trim();
      ctx.report({
        ruleId: 'obfuscation',
        severity: 'low',
        confidence: 'high',
        span: site.spanOf(part),
        message: `the expression ${text.length > 80 ? `${text.slice(0, 77)}…` : text} ${why}.`,
        snippet: `expr ${text}`,
      });
    });
  });
}

/** A job's `uses:` of a reusable workflow. */
function reusable(ctx: AuditContext, jobNode: unknown): Array<{ text: string; node: Scalar }> {
  const uses = mapGet(ctx.file, jobNode, 'uses');
  return isScalar(uses) && typeof uses.value === 'string' ? [{ text: uses.value, node: uses }] : [];
}
