/**
 * Audits over expressions: template injection into code, untrusted writes to
 * the environment files, `toJSON(secrets)`, conditions that are always true,
 * spoofable actor checks and malformed expressions.
 */
import { isMap, isPair, isScalar, isSeq, type Scalar } from 'yaml';
import { accessPath, parseExpression, ExpressionSyntaxError, type ExprNode } from '../expression.js';
import { actionName, PRIVILEGED_TRIGGERS, type AuditContext, type Job, type Step } from '../model.js';
import { entries, locateInScalar, mapGet, scalarText, spanAt, spanOf, templateSpan } from '../source.js';
import { findTemplates, flowingAccesses, isAttackerControlled } from '../templates.js';
import { severityRank } from '../../core/finding.js';
import {
  buildTaintModel,
  ENV_FILE_WRITE,
  referencedVariable,
  stepEnvTaint,
  type Taint,
  type TaintModel,
} from './taint.js';

const ASSIGNMENT = /^\s*(?:export\s+|local\s+|readonly\s+|declare\s+(?:-\w+\s+)?)?([A-Za-z_][A-Za-z0-9_]*)=/;

/** Inputs of well-known actions whose value is executed as code. */
const CODE_INPUTS: ReadonlyMap<string, readonly string[]> = new Map([
  ['actions/github-script', ['script']],
  ['azure/cli', ['inlinescript']],
  ['azure/powershell', ['inlinescript']],
  ['appleboy/ssh-action', ['script']],
  ['jannekem/run-python-script-action', ['script']],
  ['amadevus/pwsh-script', ['script']],
  ['cardinalby/js-eval-action', ['expression']],
  ['addnab/docker-run-action', ['run']],
  ['mikefarah/yq', ['cmd']],
]);

/** Runs every expression audit over one file. */
export function auditExpressions(ctx: AuditContext): void {
  const taint = buildTaintModel(ctx);
  for (const job of ctx.jobs) {
    for (const step of job.steps) {
      if (step.run) checkSink(ctx, taint, job, step, step.run.node, 'run: script');
      const name = step.uses ? actionName(step.uses.text) : undefined;
      for (const input of (name && CODE_INPUTS.get(name)) ?? []) {
        // Input names are case-insensitive to the runner: inlineScript is inlinescript.
        const node = entries(ctx.file, step.with).find(([k]) => k.toLowerCase() === input)?.[2];
        if (isScalar(node) && typeof node.value === 'string')
          checkSink(ctx, taint, job, step, node, `${input} input of ${name}`);
      }
      if (step.run) checkEnvFiles(ctx, taint, job, step, step.run.node);
      checkCondition(ctx, step.if, 'step');
    }
    checkCondition(ctx, mapGet(ctx.file, job.node, 'if'), 'job');
  }
  if (ctx.kind === 'action') {
    const runs = mapGet(ctx.file, ctx.file.doc.contents, 'runs');
    for (const key of ['pre-if', 'post-if'] as const) checkCondition(ctx, mapGet(ctx.file, runs, key), key);
  }
  walkScalars(ctx, ctx.file.doc.contents, (node) => checkTemplates(ctx, node));
}

function describeStep(ctx: AuditContext, job: Job, step: Step): string {
  const label = step.id ?? scalarText(mapGet(ctx.file, step.node, 'name'));
  return `step ${label ? `'${label}'` : step.index + 1} of ${job.label}`;
}

function checkSink(ctx: AuditContext, taint: TaintModel, job: Job, step: Step, node: Scalar, sink: string): void {
  const text = scalarText(node) ?? '';
  findTemplates(text).forEach((t, k) => {
    if (!t.ast) return;
    // One finding per template, for the most dangerous value it expands.
    let worst: { path: string; found: Taint } | undefined;
    for (const access of flowingAccesses(t.ast)) {
      const found = taint.classify(access.path, job, step);
      if (found && (!worst || severityRank(found.severity) > severityRank(worst.found.severity)))
        worst = { path: access.path, found };
    }
    if (worst) {
      const { path, found } = worst;
      const via =
        found.kind === 'derived'
          ? ` (it carries ${found.origin})`
          : found.kind === 'input'
            ? ctx.kind === 'action'
              ? ' (an input of the action, whatever text its caller passes)'
              : ' (a free-text input chosen by whoever triggers the run)'
            : '';
      const triggers = [...ctx.triggers.keys()].filter((n) => PRIVILEGED_TRIGGERS.has(n));
      const under =
        triggers.length > 0 ? ` under ${triggers.join(', ')}, which runs with secrets and a write token` : '';
      ctx.report({
        ruleId: 'template-injection',
        severity: found.severity,
        confidence: found.confidence,
        span: templateSpan(ctx.file, node, k, t.start, t.end),
        message: `${path}${via} is expanded into the ${sink} of ${describeStep(ctx, job, step)}${under}; its text becomes code.`,
        snippet: `${job.id} ${sink} \${{${t.source}}}`,
      });
    }
  });
}

function checkEnvFiles(ctx: AuditContext, taint: TaintModel, job: Job, step: Step, node: Scalar): void {
  const privileged = [...ctx.triggers.keys()].some((n) => PRIVILEGED_TRIGGERS.has(n));
  // A composite action runs under whatever trigger its caller has, so only data known to be the attacker's counts there.
  if (!privileged && ctx.kind !== 'action') return;
  // Shell variables holding attacker data: the step's env, then whatever is assigned from them.
  const env = stepEnvTaint(ctx, job, step);
  const lines = (scalarText(node) ?? '').split('\n');
  const seen = new Map<string, number>();
  for (const line of lines) {
    const lineOrigin = (): string | undefined => {
      for (const t of findTemplates(line)) {
        for (const a of t.ast ? flowingAccesses(t.ast) : []) {
          const o = taint.classify(a.path, job, step)?.origin;
          if (o) return o;
        }
      }
      return referencedVariable(line, env);
    };
    const assignment = ASSIGNMENT.exec(line);
    if (assignment) {
      const o = lineOrigin();
      if (o) env.set((assignment[1] as string).toLowerCase(), o);
      else env.delete((assignment[1] as string).toLowerCase());
    }
    const m = ENV_FILE_WRITE.exec(line);
    if (!m) continue;
    const target = `GITHUB_${m[1] ?? m[2] ?? m[3]}`;
    const trimmed = line.trim();
    const occurrence = seen.get(trimmed) ?? 0;
    seen.set(trimmed, occurrence + 1);
    const origin = lineOrigin();
    // File content (an artifact, the checked-out pull request) rather than any command's output such as $(date).
    const fromFile = /\b(cat|head|tail|jq|yq|unzip|base64)\s+\S|<\s*[\w./$"'{]/.test(line.replace(/>>?\s*\S+/g, ''));
    // A composite action may run under any caller's trigger: whatever it computes and writes there could be an outsider's.
    const dynamicInAction =
      ctx.kind === 'action' && /\$\(|`|\$\{?[A-Za-z_]|\$env:|%[A-Za-z_]\w*%/.test(line.replace(/>>?\s*\S+/g, ''));
    if (
      !origin &&
      !dynamicInAction &&
      !(
        fromFile &&
        target !== 'GITHUB_OUTPUT' &&
        (ctx.triggers.has('workflow_run') || ctx.triggers.has('pull_request_target'))
      )
    )
      continue;
    if (!origin && target === 'GITHUB_OUTPUT') continue;
    ctx.report({
      ruleId: 'github-env',
      // A computed value in an action is only possibly an outsider's: reported low.
      severity:
        origin && privileged && target !== 'GITHUB_OUTPUT' ? 'high' : !origin && dynamicInAction ? 'low' : 'medium',
      confidence: origin ? (privileged ? 'high' : 'medium') : 'low',
      span: locateInScalar(ctx.file, node, trimmed, occurrence),
      message: origin
        ? `${origin} is written to ${target} in ${describeStep(ctx, job, step)}; an outsider can ${target === 'GITHUB_OUTPUT' ? 'add or override outputs of the step' : 'set variables or PATH entries for later steps'}.`
        : ctx.kind === 'action'
          ? `a computed value is written to ${target} in ${describeStep(ctx, job, step)}; when a privileged workflow uses this action and the value comes from an outsider, they set variables or PATH entries for later steps.`
          : `command output or file content is written to ${target} in ${describeStep(ctx, job, step)} of a privileged workflow; if it comes from the pull request or an artifact, an outsider controls it.`,
      snippet: `${job.id} ${trimmed}`,
    });
  }
}

function isActorPath(path: string | undefined): boolean {
  return path === 'github.actor' || path === 'github.triggering_actor' || path === 'github.event.sender.login';
}

/** The numeric id of the actor: compared with a bot's id, it is as spoofable as the name. */
function isActorIdPath(path: string | undefined): boolean {
  return path === 'github.actor_id' || path === 'github.triggering_actor_id' || path === 'github.event.sender.id';
}

function findSpoofable(node: ExprNode, out: ExprNode[]): void {
  if (node.kind === 'binary') {
    if (
      (node.op === '==' || node.op === '!=') &&
      [node.left, node.right].some((s) => isActorPath(accessPath(s))) &&
      [node.left, node.right].some(
        (s) => s.kind === 'literal' && typeof s.value === 'string' && /\[bot\]$/i.test(s.value),
      )
    ) {
      out.push(node);
    } else if (
      (node.op === '==' || node.op === '!=') &&
      [node.left, node.right].some((s) => isActorIdPath(accessPath(s))) &&
      [node.left, node.right].some((s) => s.kind === 'literal' && /^\d+$/.test(String(s.value)))
    ) {
      out.push(node);
    }
    findSpoofable(node.left, out);
    findSpoofable(node.right, out);
  } else if (node.kind === 'not') findSpoofable(node.operand, out);
  else if (node.kind === 'call') {
    if (['contains', 'startswith', 'endswith'].includes(node.name) && node.args.some((a) => isActorPath(accessPath(a))))
      out.push(node);
    node.args.forEach((a) => findSpoofable(a, out));
  }
}

function checkCondition(ctx: AuditContext, node: unknown, where: 'job' | 'step' | 'pre-if' | 'post-if'): void {
  if (!isScalar(node) || typeof node.value !== 'string') return;
  const text = node.value;
  const templates = findTemplates(text);
  const trimmed = text.trim();
  const whole = templates.length === 1 && trimmed.startsWith('${{') && trimmed.endsWith('}}') && text === trimmed;
  if (templates.length > 0 && !whole) {
    ctx.report({
      ruleId: 'always-true-condition',
      severity: 'high',
      confidence: 'high',
      span: spanOf(ctx.file, node),
      message: `this ${where} condition has text outside \${{ }}${/\n\s*$/.test(text) ? ' (a trailing newline from a block scalar)' : ''}, so it is a non-empty string and always true.`,
    });
  }
  let ast: ExprNode | undefined;
  if (templates.length === 0) {
    try {
      ast = parseExpression(text);
    } catch (err) {
      if (!(err instanceof ExpressionSyntaxError)) throw err;
      const range = node.range;
      const base = range ? range[0] + (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0) : 0;
      // Offsets map onto the source only for one-line scalars; a block scalar is reported whole.
      const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
      ctx.report({
        ruleId: 'malformed-expression',
        severity: 'high',
        confidence: 'high',
        span: block ? spanOf(ctx.file, node) : spanAt(ctx.file, base + err.offset, range ? range[1] : base),
        message: `condition does not parse: ${err.message}.`,
      });
      return;
    }
  } else if (whole) ast = templates[0]?.ast;
  if (!ast) return;
  checkContains(ctx, ast, node, where);
  const hits: ExprNode[] = [];
  findSpoofable(ast, hits);
  if (hits.length > 0) {
    const privileged = [...ctx.triggers.keys()].some((n) => PRIVILEGED_TRIGGERS.has(n));
    ctx.report({
      ruleId: 'spoofable-actor',
      severity: privileged ? 'high' : 'medium',
      confidence: 'high',
      span: spanOf(ctx.file, node),
      message: `this ${where} condition trusts the actor of the run; github.actor is whoever last triggered it (a re-run or a bot's push to a fork), not the author of the change.`,
    });
  }
}

/** `contains('a b c', x)`: true for any x that is a substring, such as a branch named `a`. */
function checkContains(ctx: AuditContext, ast: ExprNode, node: Scalar, where: string): void {
  const visit = (n: ExprNode): void => {
    if (n.kind === 'call') {
      const [haystack, needle] = n.args;
      const path = needle ? accessPath(needle) : undefined;
      if (
        n.name === 'contains' &&
        haystack?.kind === 'literal' &&
        typeof haystack.value === 'string' &&
        path !== undefined
      ) {
        ctx.report({
          ruleId: 'unsound-contains',
          severity: isAttackerControlled(path) ? 'high' : 'medium',
          confidence: 'high',
          span: spanOf(ctx.file, node),
          message: `this ${where} condition tests whether ${path} is a substring of '${haystack.value}', so values such as a prefix of one of them also pass.`,
        });
      }
      n.args.forEach(visit);
    } else if (n.kind === 'binary') {
      visit(n.left);
      visit(n.right);
    } else if (n.kind === 'not') visit(n.operand);
  };
  visit(ast);
}

function checkTemplates(ctx: AuditContext, node: Scalar): void {
  const text = node.value as string;
  findTemplates(text).forEach((t, k) => {
    const span = templateSpan(ctx.file, node, k, t.start, t.end);
    if (t.error) {
      ctx.report({
        ruleId: 'malformed-expression',
        severity: 'high',
        confidence: 'high',
        span,
        message: `expression ${shortened(text.slice(t.start, t.end).trim())} does not parse: ${t.error.message}.`,
      });
      return;
    }
    if (!t.ast) return;
    if (anyNode(t.ast, isSecretPart)) {
      ctx.report({
        ruleId: 'unredacted-secrets',
        severity: 'medium',
        confidence: 'high',
        span,
        message:
          'a value decoded from a secret with fromJSON (or a field of it) is not masked in logs; only the secret as stored is.',
      });
    }
    if (anyNode(t.ast, isToJsonSecrets)) {
      ctx.report({
        ruleId: 'secrets-tojson',
        severity: 'medium',
        confidence: 'high',
        span,
        message: 'toJSON(secrets) hands every secret of the repository to this step, not only the ones it needs.',
      });
    }
  });
}

/** True when any node of the tree satisfies `test`. */
function anyNode(node: ExprNode, test: (n: ExprNode) => boolean): boolean {
  if (test(node)) return true;
  switch (node.kind) {
    case 'call':
      return node.args.some((a) => anyNode(a, test));
    case 'binary':
      return anyNode(node.left, test) || anyNode(node.right, test);
    case 'not':
      return anyNode(node.operand, test);
    case 'index':
      return anyNode(node.object, test) || anyNode(node.index, test);
    case 'property':
    case 'star':
      return anyNode(node.object, test);
    default:
      return false;
  }
}

const isToJsonSecrets = (n: ExprNode): boolean =>
  n.kind === 'call' && n.name === 'tojson' && n.args[0]?.kind === 'context' && n.args[0].name === 'secrets';

/**
 * `fromJSON(secrets.X)` and `fromJSON(secrets.X).field`: the runner masks the
 * secret's text as stored, not what decoding makes of it (a field, or a string
 * whose JSON escapes are resolved).
 */
const isSecretPart = (n: ExprNode): boolean =>
  n.kind === 'call' &&
  n.name === 'fromjson' &&
  n.args[0] !== undefined &&
  (accessPath(n.args[0]) ?? '').startsWith('secrets.');

/** Visits every string scalar value (not keys) once, without following aliases. */
export function walkScalars(_ctx: AuditContext, root: unknown, visit: (node: Scalar) => void): void {
  const stack: unknown[] = [root];
  let budget = 1_000_000;
  while (stack.length > 0 && budget-- > 0) {
    const n = stack.pop();
    if (isMap(n)) for (const p of n.items) stack.push(p.value);
    else if (isSeq(n)) stack.push(...n.items);
    else if (isPair(n)) stack.push(n.value);
    else if (isScalar(n) && typeof n.value === 'string' && n.value.includes('${{')) visit(n);
  }
}

/** An expression short enough to quote in a message: a pathological one is thousands of characters long. */
function shortened(expr: string): string {
  return expr.length <= 120 ? expr : `${expr.slice(0, 80)}…${expr.slice(-20)} (${expr.length} characters)`;
}
