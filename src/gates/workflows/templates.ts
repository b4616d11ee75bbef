/**
 * Finding `${{ ... }}` templates in YAML string values and deciding which
 * context values can flow into the text they render.
 */
import { accessPath, parseExpression, ExpressionSyntaxError, type ExprNode } from './expression.js';

/** One `${{ ... }}` occurrence in a string value. Offsets count in the value. */
export interface Template {
  /** Offset of `${{`. */
  readonly start: number;
  /** Offset just past `}}` (or the end of the value when unterminated). */
  readonly end: number;
  /** The expression text between the delimiters. */
  readonly source: string;
  readonly ast?: ExprNode;
  /** Set when the expression does not parse; `offset` is inside the value. */
  readonly error?: { readonly message: string; readonly offset: number };
}

/**
 * Several audits read the same values; parsed templates are immutable, so a
 * bounded cache shared by all of them saves parsing each expression again.
 */
const CACHE_LIMIT = 4096;
const CACHED_VALUE_MAX = 4096;
const cache = new Map<string, readonly Template[]>();
const NONE: readonly Template[] = Object.freeze([]);

/** Every template in `value`, in order; never throws. */
export function findTemplates(value: string): readonly Template[] {
  if (!value.includes('${{')) return NONE;
  const hit = cache.get(value);
  if (hit) return hit;
  const found = Object.freeze(scanTemplates(value));
  // Long scripts are rare and would keep large strings alive after their file is done.
  if (value.length <= CACHED_VALUE_MAX) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(value, found);
  }
  return found;
}

function scanTemplates(value: string): Template[] {
  const out: Template[] = [];
  let from = 0;
  for (;;) {
    const open = value.indexOf('${{', from);
    if (open < 0) return out;
    const bodyStart = open + 3;
    const close = findClose(value, bodyStart);
    if (close < 0) {
      out.push({
        start: open,
        end: value.length,
        source: value.slice(bodyStart),
        error: { message: "expression is not closed with '}}'", offset: open },
      });
      return out;
    }
    const source = value.slice(bodyStart, close);
    try {
      out.push({ start: open, end: close + 2, source, ast: parseExpression(source) });
    } catch (err) {
      if (!(err instanceof ExpressionSyntaxError)) throw err;
      out.push({
        start: open,
        end: close + 2,
        source,
        error: { message: err.message, offset: bodyStart + err.offset },
      });
    }
    from = close + 2;
  }
}

/** Offset of the `}}` that closes a template, skipping string literals. */
function findClose(value: string, from: number): number {
  let inString = false;
  for (let i = from; i < value.length; i++) {
    const c = value[i];
    if (inString) {
      if (c === "'") {
        if (value[i + 1] === "'") i++;
        else inString = false;
      }
      continue;
    }
    if (c === "'") inString = true;
    else if (c === '}' && value[i + 1] === '}') return i;
  }
  return -1;
}

/** A context access whose value may appear in the rendered text. */
export interface FlowingAccess {
  readonly path: string;
  readonly node: ExprNode;
}

/**
 * The context accesses whose values can end up in the text an expression
 * renders to. Comparisons, `!` and predicates such as `contains` yield only
 * booleans, so what they read does not flow; `format`, `join`, `toJSON`,
 * `fromJSON`, both operands of `||` and the right operand of `&&` do.
 */
export function flowingAccesses(node: ExprNode): FlowingAccess[] {
  const out: FlowingAccess[] = [];
  const visit = (n: ExprNode): void => {
    const path = accessPath(n);
    if (path !== undefined) {
      out.push({ path, node: n });
      return;
    }
    switch (n.kind) {
      case 'binary':
        // `a && b` renders `a` only when it is falsy ('', 0, false, null), which carries nothing.
        if (n.op === '&&') visit(n.right);
        else if (n.op === '||') {
          visit(n.left);
          visit(n.right);
        }
        return;
      case 'call':
        if (n.name === 'format' || n.name === 'join' || n.name === 'tojson' || n.name === 'fromjson')
          n.args.forEach(visit);
        else if (n.name === 'case')
          n.args.forEach((a, i) => (i % 2 === 1 || i === n.args.length - 1 ? visit(a) : undefined));
        return;
      case 'index':
        // `fromJSON(x)[0]` and the like: the object flows.
        visit(n.object);
        return;
      case 'property':
      case 'star':
        visit(n.object);
        return;
      default:
        return;
    }
  };
  visit(node);
  return out;
}

/**
 * Context paths an outsider controls: a fork's pull request, an issue, a
 * comment, a commit message, a branch name. Patterns use `*` for one segment.
 */
export const ATTACKER_CONTROLLED: readonly string[] = [
  'github.event.pull_request.title',
  'github.event.pull_request.body',
  'github.event.pull_request.head.ref',
  'github.event.pull_request.head.label',
  'github.event.pull_request.head.repo.default_branch',
  'github.event.pull_request.head.repo.description',
  'github.event.pull_request.head.repo.homepage',
  'github.event.issue.title',
  'github.event.issue.body',
  'github.event.comment.body',
  'github.event.review.body',
  'github.event.review_comment.body',
  'github.event.discussion.title',
  'github.event.discussion.body',
  'github.event.commits.*.message',
  'github.event.commits.*.author.name',
  'github.event.commits.*.author.email',
  'github.event.commits.*.committer.name',
  'github.event.commits.*.committer.email',
  'github.event.head_commit.message',
  'github.event.head_commit.author.name',
  'github.event.head_commit.author.email',
  'github.event.head_commit.committer.name',
  'github.event.head_commit.committer.email',
  'github.event.pages.*.page_name',
  'github.event.workflow_run.head_branch',
  'github.event.workflow_run.display_title',
  'github.event.workflow_run.head_commit.message',
  'github.event.workflow_run.head_commit.author.name',
  'github.event.workflow_run.head_commit.author.email',
  'github.event.workflow_run.pull_requests.*.head.ref',
  'github.event.workflow_run.head_repository.description',
  'github.event.changes.*.from',
  'github.event.changes.*.*.from',
  'github.event.check_suite.head_branch',
  'github.event.check_run.check_suite.head_branch',
  'github.event.merge_group.head_commit.message',
  'github.event.merge_group.head_commit.author.name',
  'github.event.merge_group.head_commit.author.email',
  'github.head_ref',
];

const PATTERN_CACHE = new Map<string, string[]>();

function segments(pattern: string): string[] {
  let segs = PATTERN_CACHE.get(pattern);
  if (!segs) {
    segs = pattern.split('.');
    PATTERN_CACHE.set(pattern, segs);
  }
  return segs;
}

/**
 * True when `path` reads an attacker-controlled value, or an object that
 * contains one (`github.event.pull_request`, `toJSON(github.event)`).
 */
export function isAttackerControlled(path: string): boolean {
  const parts = path.split('.');
  for (const pattern of ATTACKER_CONTROLLED) {
    const pat = segments(pattern);
    // The access reads the value itself, something inside it, or a parent object that holds it.
    const n = Math.min(pat.length, parts.length);
    let ok = parts.length >= 2;
    for (let i = 0; i < n && ok; i++) {
      const p = pat[i];
      const q = parts[i];
      if (p !== '*' && q !== '*' && p !== q) ok = false;
    }
    if (ok) return true;
  }
  return false;
}
