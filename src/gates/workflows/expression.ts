/**
 * A parser for GitHub Actions expressions (the text between `${{` and `}}`).
 *
 * Audits reason over the syntax tree rather than over regular expressions, so
 * that `format('{0}', github.event.issue.title)` is seen as carrying the title
 * and `contains(github.event.issue.title, 'x')` as producing only a boolean.
 * Malformed expressions are reported with an offset, since GitHub rejects the
 * whole workflow when one of them does not parse.
 */

/** A node of the expression syntax tree; `start`/`end` are offsets in the expression text. */
export type ExprNode =
  | { kind: 'literal'; value: string | number | boolean | null; start: number; end: number }
  | { kind: 'context'; name: string; start: number; end: number }
  | { kind: 'property'; object: ExprNode; name: string; start: number; end: number }
  | { kind: 'index'; object: ExprNode; index: ExprNode; start: number; end: number }
  | { kind: 'star'; object: ExprNode; start: number; end: number }
  | { kind: 'call'; name: string; args: ExprNode[]; start: number; end: number }
  | { kind: 'not'; operand: ExprNode; start: number; end: number }
  | { kind: 'binary'; op: BinaryOp; left: ExprNode; right: ExprNode; start: number; end: number };

/** Binary operators, from the lowest precedence (`||`) to comparisons. */
export type BinaryOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

/** A syntax error inside one expression; `offset` counts from the expression's start. */
export class ExpressionSyntaxError extends Error {
  override readonly name = 'ExpressionSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Functions GitHub knows, with their minimum and maximum argument counts. */
export const KNOWN_FUNCTIONS: ReadonlyMap<string, readonly [number, number]> = new Map([
  ['contains', [2, 2]],
  ['startswith', [2, 2]],
  ['endswith', [2, 2]],
  ['format', [1, Infinity]],
  ['join', [1, 2]],
  ['tojson', [1, 1]],
  ['fromjson', [1, 1]],
  ['hashfiles', [1, Infinity]],
  ['success', [0, 0]],
  ['always', [0, 0]],
  ['cancelled', [0, 0]],
  ['failure', [0, 0]],
  ['case', [3, Infinity]],
] as const);

/** Top-level context names GitHub defines. */
export const KNOWN_CONTEXTS: ReadonlySet<string> = new Set([
  'github',
  'env',
  'vars',
  'job',
  'jobs',
  'steps',
  'runner',
  'secrets',
  'strategy',
  'matrix',
  'needs',
  'inputs',
]);

type Token =
  | { t: 'num'; v: number; s: number; e: number }
  | { t: 'str'; v: string; s: number; e: number }
  | { t: 'id'; v: string; s: number; e: number }
  | { t: 'op'; v: string; s: number; e: number }
  | { t: 'eof'; s: number; e: number };

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_-]/;
const NUMBER = /^(?:0x[0-9a-fA-F]+|0o[0-7]+|-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= text.length) throw new ExpressionSyntaxError('unterminated string literal', i);
        const ch = text[j] as string;
        if (ch === "'") {
          if (text[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += ch;
        j++;
      }
      out.push({ t: 'str', v: value, s: i, e: j + 1 });
      i = j + 1;
      continue;
    }
    const prev = out[out.length - 1];
    const numberAllowed = !prev || (prev.t === 'op' && prev.v !== ')' && prev.v !== ']');
    if ((/[0-9.]/.test(c) && !(c === '.' && !numberAllowed)) || (c === '-' && numberAllowed)) {
      const m = NUMBER.exec(text.slice(i));
      if (m && m[0] !== '-' && m[0] !== '.') {
        out.push({ t: 'num', v: Number(m[0]), s: i, e: i + m[0].length });
        i += m[0].length;
        continue;
      }
    }
    if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < text.length && IDENT_PART.test(text[j] as string)) j++;
      out.push({ t: 'id', v: text.slice(i, j), s: i, e: j });
      i = j;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '&&', '||'].includes(two)) {
      out.push({ t: 'op', v: two, s: i, e: i + 2 });
      i += 2;
      continue;
    }
    if ('()[].,!<>*'.includes(c)) {
      out.push({ t: 'op', v: c, s: i, e: i + 1 });
      i++;
      continue;
    }
    throw new ExpressionSyntaxError(`unexpected character ${JSON.stringify(c)}`, i);
  }
  out.push({ t: 'eof', s: text.length, e: text.length });
  return out;
}

const PRECEDENCE: Record<string, number> = { '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 4, '<=': 4, '>': 4, '>=': 4 };

/** GitHub rejects an expression whose syntax tree is deeper than this (the runner's `ExpressionConstants.MaxDepth`). */
export const MAX_EXPRESSION_DEPTH = 50;
/** GitHub rejects an expression longer than this many characters (the runner's `ExpressionConstants.MaxLength`). */
export const MAX_EXPRESSION_LENGTH = 21_000;

/**
 * Parser frames nested before the expression is known to pass GitHub's depth
 * limit: each level of the tree costs at most two (a group or a call's
 * argument, then the operator inside it), so this bound is only reached by
 * an expression that GitHub rejects, and it keeps the stack shallow whatever
 * the input.
 */
const MAX_NESTING = 2 * MAX_EXPRESSION_DEPTH + 4;

function depthError(at: number): ExpressionSyntaxError {
  return new ExpressionSyntaxError(
    `the expression nests deeper than GitHub's limit of ${MAX_EXPRESSION_DEPTH} levels`,
    at,
  );
}

/**
 * Drops parentheses that only wrap another group, `((x))` → `(x)`: they mean
 * nothing and GitHub does not count them, but each pair would cost the
 * parser's recursion three frames.
 */
function dropRedundantGroups(tokens: Token[]): Token[] {
  const match = new Map<number, number>();
  const stack: number[] = [];
  tokens.forEach((tok, i) => {
    if (tok.t !== 'op') return;
    if (tok.v === '(') stack.push(i);
    else if (tok.v === ')') {
      const open = stack.pop();
      if (open !== undefined) match.set(open, i);
    }
  });
  const isGroup = (i: number): boolean => {
    const prev = tokens[i - 1];
    return match.has(i) && prev?.t !== 'id';
  };
  const drop = new Set<number>();
  for (const [open, close] of match) {
    if (isGroup(open) && isGroup(open + 1) && match.get(open + 1) === close - 1) {
      drop.add(open);
      drop.add(close);
    }
  }
  return drop.size === 0 ? tokens : tokens.filter((_, i) => !drop.has(i));
}

class Parser {
  private pos = 0;
  private nesting = 0;
  /** Depth of each node's subtree as GitHub counts it: a chain of one `&&` or `||` is one level. */
  private readonly depths = new WeakMap<ExprNode, number>();
  constructor(private readonly tokens: Token[]) {}

  /** Records a node's depth from its children's, and refuses one past GitHub's limit. */
  private node<N extends ExprNode>(n: N, ...children: ExprNode[]): N {
    let deepest = 0;
    for (const c of children) deepest = Math.max(deepest, this.depths.get(c) ?? 1);
    const depth = deepest + 1;
    if (depth > MAX_EXPRESSION_DEPTH) throw depthError(n.start);
    this.depths.set(n, depth);
    return n;
  }

  private peek(): Token {
    return this.tokens[this.pos] as Token;
  }
  private next(): Token {
    const tok = this.peek();
    if (tok.t !== 'eof') this.pos++;
    return tok;
  }
  private isOp(v: string): boolean {
    const tok = this.peek();
    return tok.t === 'op' && tok.v === v;
  }
  private expectOp(v: string): Token {
    const tok = this.next();
    if (tok.t !== 'op' || tok.v !== v)
      throw new ExpressionSyntaxError(`expected '${v}' but found ${describe(tok)}`, tok.s);
    return tok;
  }

  parseAll(): ExprNode {
    const node = this.parseBinary(1);
    const tok = this.peek();
    if (tok.t !== 'eof')
      throw new ExpressionSyntaxError(`unexpected ${describe(tok)} after the end of the expression`, tok.s);
    return node;
  }

  private parseBinary(minPrec: number): ExprNode {
    if (++this.nesting > MAX_NESTING) throw depthError(this.peek().s);
    let left = this.parseUnary();
    for (;;) {
      const tok = this.peek();
      const prec = tok.t === 'op' ? PRECEDENCE[tok.v] : undefined;
      if (prec === undefined || prec < minPrec) {
        this.nesting--;
        return left;
      }
      const op = (tok as { v: string }).v as BinaryOp;
      this.next();
      const operands = [left, this.parseBinary(prec + 1)];
      // GitHub flattens a chain of one `&&` or `||` into one node; a balanced tree keeps ours as shallow.
      while ((op === '&&' || op === '||') && this.isOp(op)) {
        this.next();
        operands.push(this.parseBinary(prec + 1));
      }
      left =
        operands.length === 2
          ? this.binary(op, operands[0] as ExprNode, operands[1] as ExprNode)
          : this.chain(op, operands);
    }
  }

  private binary(op: BinaryOp, left: ExprNode, right: ExprNode): ExprNode {
    return this.node({ kind: 'binary', op, left, right, start: left.start, end: right.end }, left, right);
  }

  /** A balanced tree of one associative operator over its operands, one level deep as GitHub counts it. */
  private chain(op: BinaryOp, operands: readonly ExprNode[]): ExprNode {
    const build = (from: number, to: number): ExprNode => {
      if (to - from === 1) return operands[from] as ExprNode;
      // Rounding up keeps `a || b || c` as `(a || b) || c`, the shape it always had.
      const mid = (from + to + 1) >> 1;
      const left = build(from, mid);
      const right = build(mid, to);
      return { kind: 'binary', op, left, right, start: left.start, end: right.end };
    };
    return this.node(build(0, operands.length), ...operands);
  }

  private parseUnary(): ExprNode {
    const bangs: Token[] = [];
    while (this.isOp('!')) {
      bangs.push(this.next());
      if (bangs.length > MAX_EXPRESSION_DEPTH) throw depthError((bangs[0] as Token).s);
    }
    let node = this.parsePostfix(this.parsePrimary());
    for (let i = bangs.length - 1; i >= 0; i--) {
      const bang = bangs[i] as Token;
      node = this.node({ kind: 'not', operand: node, start: bang.s, end: node.end }, node);
    }
    return node;
  }

  private parsePrimary(): ExprNode {
    const tok = this.next();
    if (tok.t === 'num') return { kind: 'literal', value: tok.v, start: tok.s, end: tok.e };
    if (tok.t === 'str') return { kind: 'literal', value: tok.v, start: tok.s, end: tok.e };
    if (tok.t === 'op' && tok.v === '(') {
      const inner = this.parseBinary(1);
      this.expectOp(')');
      return inner;
    }
    if (tok.t === 'id') {
      const lower = tok.v.toLowerCase();
      if (this.isOp('(')) return this.parseCall(tok);
      if (lower === 'true' || lower === 'false')
        return { kind: 'literal', value: lower === 'true', start: tok.s, end: tok.e };
      if (lower === 'null') return { kind: 'literal', value: null, start: tok.s, end: tok.e };
      if (lower === 'nan') return { kind: 'literal', value: NaN, start: tok.s, end: tok.e };
      if (lower === 'infinity') return { kind: 'literal', value: Infinity, start: tok.s, end: tok.e };
      if (!KNOWN_CONTEXTS.has(lower)) throw new ExpressionSyntaxError(`unknown context '${tok.v}'`, tok.s);
      return { kind: 'context', name: lower, start: tok.s, end: tok.e };
    }
    throw new ExpressionSyntaxError(`unexpected ${describe(tok)}`, tok.s);
  }

  private parseCall(nameTok: Token & { t: 'id' }): ExprNode {
    this.expectOp('(');
    const args: ExprNode[] = [];
    if (!this.isOp(')')) {
      for (;;) {
        args.push(this.parseBinary(1));
        if (this.isOp(',')) {
          this.next();
          continue;
        }
        break;
      }
    }
    const close = this.expectOp(')');
    const lower = nameTok.v.toLowerCase();
    const arity = KNOWN_FUNCTIONS.get(lower);
    if (!arity) throw new ExpressionSyntaxError(`unknown function '${nameTok.v}'`, nameTok.s);
    if (args.length < arity[0] || args.length > arity[1]) {
      throw new ExpressionSyntaxError(
        `'${nameTok.v}' takes ${formatArity(arity)} but was given ${args.length}`,
        nameTok.s,
      );
    }
    return this.node({ kind: 'call', name: lower, args, start: nameTok.s, end: close.e }, ...args);
  }

  private parsePostfix(base: ExprNode): ExprNode {
    let node = base;
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        const tok = this.next();
        if (tok.t === 'op' && tok.v === '*')
          node = this.node({ kind: 'star', object: node, start: node.start, end: tok.e }, node);
        else if (tok.t === 'id')
          node = this.node({ kind: 'property', object: node, name: tok.v, start: node.start, end: tok.e }, node);
        else if (tok.t === 'num' && Number.isInteger(tok.v)) {
          // `steps.1abc` is not valid, but a numeric-looking property such as `.0` is.
          node = this.node(
            { kind: 'property', object: node, name: String(tok.v), start: node.start, end: tok.e },
            node,
          );
        } else throw new ExpressionSyntaxError(`expected a property name after '.' but found ${describe(tok)}`, tok.s);
        continue;
      }
      if (this.isOp('[')) {
        this.next();
        if (this.isOp('*')) {
          this.next();
          const close = this.expectOp(']');
          node = this.node({ kind: 'star', object: node, start: node.start, end: close.e }, node);
          continue;
        }
        const index = this.parseBinary(1);
        const close = this.expectOp(']');
        node = this.node({ kind: 'index', object: node, index, start: node.start, end: close.e }, node, index);
        continue;
      }
      return node;
    }
  }
}

function formatArity([min, max]: readonly [number, number]): string {
  if (min === max) return `${min} argument${min === 1 ? '' : 's'}`;
  if (max === Infinity) return `at least ${min} argument${min === 1 ? '' : 's'}`;
  return `${min} to ${max} arguments`;
}

function describe(tok: Token): string {
  if (tok.t === 'eof') return 'end of expression';
  if (tok.t === 'str') return `string '${tok.v}'`;
  return `'${String(tok.v)}'`;
}

/** Parses one expression (without the `${{ }}` delimiters). Throws ExpressionSyntaxError. */
export function parseExpression(text: string): ExprNode {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionSyntaxError(
      `the expression is ${text.length} characters long, more than GitHub's limit of ${MAX_EXPRESSION_LENGTH}`,
      0,
    );
  }
  const tokens = tokenize(text);
  if (tokens.length === 1) throw new ExpressionSyntaxError('empty expression', 0);
  return new Parser(dropRedundantGroups(tokens)).parseAll();
}

/**
 * The dotted path of a context access such as `github.event.issue.title`, with
 * `*` for star filters and for non-literal indexes. Undefined for anything that
 * is not a plain access chain rooted at a context.
 */
export function accessPath(node: ExprNode): string | undefined {
  switch (node.kind) {
    case 'context':
      return node.name;
    case 'property': {
      const base = accessPath(node.object);
      return base === undefined ? undefined : `${base}.${node.name.toLowerCase()}`;
    }
    case 'star': {
      const base = accessPath(node.object);
      return base === undefined ? undefined : `${base}.*`;
    }
    case 'index': {
      const base = accessPath(node.object);
      if (base === undefined) return undefined;
      if (node.index.kind === 'literal' && typeof node.index.value === 'string')
        return `${base}.${node.index.value.toLowerCase()}`;
      return `${base}.*`;
    }
    default:
      return undefined;
  }
}
