/**
 * A reader and evaluator for the small part of Go that rule definitions use
 * to build their example strings: string and rune literals, `+`, calls,
 * composite literals (slices, maps, structs), `append`, `for range`, `if`,
 * `return`. Anything else throws, and the caller reports the rule it could
 * not read. It is a tool for scoring the secrets gate against a corpus, not
 * part of Bellwether.
 */

type Tok = { k: 'id' | 'str' | 'num' | 'op' | 'semi' | 'eof'; v: string; line: number };

const KEEP_SEMI = /^[)\]}]$|^\+\+$|^--$/;
const KEYWORDS_SEMI = new Set(['return', 'break', 'continue', 'fallthrough']);
const OPS = [
  '<<=',
  '>>=',
  '&^=',
  '...',
  ':=',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '<-',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '|=',
  '&=',
  '<<',
  '>>',
  '&^',
];

function unescapeGo(body: string, line: number): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i]!;
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      '\\': '\\',
      '"': '"',
      "'": "'",
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
    };
    if (n in simple) out += simple[n];
    else if (n === 'x') {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (n === 'u' || n === 'U') {
      const len = n === 'u' ? 4 : 8;
      out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 1 + len), 16));
      i += len;
    } else if (/[0-7]/.test(n)) {
      out += String.fromCharCode(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else throw new Error(`line ${line}: unknown escape \\${n}`);
  }
  return out;
}

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  const push = (k: Tok['k'], v: string): void => void toks.push({ k, v, line });
  const needSemi = (): boolean => {
    const t = toks[toks.length - 1];
    if (!t) return false;
    return t.k === 'id'
      ? true
      : t.k === 'str' || t.k === 'num'
        ? true
        : t.k === 'op' && (KEEP_SEMI.test(t.v) || KEYWORDS_SEMI.has(t.v));
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      if (needSemi()) push('semi', '\n');
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      const body = src.slice(i, end + 2);
      const nl = body.split('\n').length - 1;
      if (nl > 0 && needSemi()) push('semi', '\n');
      line += nl;
      i = end + 2;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j]!)) j++;
      push('id', src.slice(i, j));
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[0-9a-fA-FxX._]/.test(src[j]!)) j++;
      push('num', src.slice(i, j));
      i = j;
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      const body = src.slice(i + 1, end).replace(/\r/g, '');
      push('str', body);
      line += body.split('\n').length - 1;
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      push('str', unescapeGo(src.slice(i + 1, j), line));
      i = j + 1;
    } else if (c === "'") {
      let j = i + 1;
      while (src[j] !== "'") j += src[j] === '\\' ? 2 : 1;
      push('num', String(unescapeGo(src.slice(i + 1, j), line).codePointAt(0)));
      i = j + 1;
    } else {
      const op = OPS.find((o) => src.startsWith(o, i)) ?? c;
      push('op', op);
      i += op.length;
    }
  }
  if (needSemi()) push('semi', '\n');
  push('eof', '');
  return toks;
}

/** A node of the syntax tree: a tagged plain object. */
export type Node = { t: string; [k: string]: unknown };

/** What a Go file declares at top level. */
export interface GoFile {
  readonly funcs: Map<string, { params: string[]; variadic: boolean; body: Node[] }>;
  readonly vars: Array<{ names: string[]; value: Node[]; type?: Node }>;
}

class Parser {
  private p = 0;
  private noLit = 0;
  constructor(private readonly toks: Tok[]) {}
  private get cur(): Tok {
    return this.toks[this.p]!;
  }
  private is(v: string): boolean {
    return (this.cur.k === 'op' || this.cur.k === 'id') && this.cur.v === v;
  }
  private eat(v: string): Tok {
    if (!this.is(v)) throw new Error(`line ${this.cur.line}: expected ${v}, got ${this.cur.v}`);
    return this.toks[this.p++]!;
  }
  private skipSemis(): void {
    while (this.cur.k === 'semi' || this.is(';')) this.p++;
  }
  private ident(): string {
    if (this.cur.k !== 'id') throw new Error(`line ${this.cur.line}: expected a name, got ${this.cur.v}`);
    return this.toks[this.p++]!.v;
  }

  file(): GoFile {
    const funcs: GoFile['funcs'] = new Map();
    const vars: GoFile['vars'] = [];
    this.skipSemis();
    this.eat('package');
    this.ident();
    this.skipSemis();
    while (this.cur.k !== 'eof') {
      if (this.is('import')) {
        this.p++;
        if (this.is('(')) this.skipBalanced('(', ')');
        else {
          if (this.cur.k === 'id') this.p++;
          this.p++;
        }
      } else if (this.is('func')) {
        this.p++;
        if (this.is('(')) this.skipBalanced('(', ')'); // a method: its receiver
        const name = this.ident();
        const { params, variadic } = this.params();
        while (!this.is('{')) this.p++;
        const body = this.block();
        funcs.set(name, { params, variadic, body });
      } else if (this.is('var') || this.is('const')) {
        this.p++;
        for (const spec of this.varSpecs()) vars.push(spec);
      } else if (this.is('type')) {
        this.p++;
        while (!(this.cur.k === 'semi')) {
          if (this.is('{')) this.skipBalanced('{', '}');
          else if (this.is('(')) this.skipBalanced('(', ')');
          else this.p++;
        }
      } else throw new Error(`line ${this.cur.line}: unexpected ${this.cur.v}`);
      this.skipSemis();
    }
    return { funcs, vars };
  }

  private skipBalanced(open: string, close: string): void {
    let depth = 0;
    do {
      if (this.is(open)) depth++;
      else if (this.is(close)) depth--;
      this.p++;
    } while (depth > 0);
  }

  private params(): { params: string[]; variadic: boolean } {
    this.eat('(');
    const params: string[] = [];
    let variadic = false;
    while (!this.is(')')) {
      params.push(this.ident());
      while (this.is(',')) {
        this.p++;
        params.push(this.ident());
      }
      if (this.is('...')) {
        variadic = true;
        this.p++;
      }
      this.type();
      if (this.is(',')) this.p++;
    }
    this.eat(')');
    return { params, variadic };
  }

  private varSpecs(): Array<{ names: string[]; value: Node[]; type?: Node }> {
    const one = (): { names: string[]; value: Node[]; type?: Node } => {
      const names = [this.ident()];
      while (this.is(',')) {
        this.p++;
        names.push(this.ident());
      }
      const type = !this.is('=') && this.cur.k !== 'semi' && !this.is(')') ? this.type() : undefined;
      let value: Node[] = [];
      if (this.is('=')) {
        this.p++;
        value = this.exprList();
      }
      return { names, value, type };
    };
    if (!this.is('(')) return [one()];
    this.p++;
    const out: Array<{ names: string[]; value: Node[]; type?: Node }> = [];
    this.skipSemis();
    while (!this.is(')')) {
      out.push(one());
      this.skipSemis();
    }
    this.p++;
    return out;
  }

  /** A type, read and thrown away except for what a composite literal needs. */
  private type(): Node {
    if (this.is('[')) {
      this.p++;
      if (!this.is(']')) {
        if (this.is('...')) this.p++;
        else this.expr();
      }
      this.eat(']');
      return { t: 'slicetype', elem: this.type() };
    }
    if (this.is('map')) {
      this.p++;
      this.eat('[');
      this.type();
      this.eat(']');
      return { t: 'maptype', elem: this.type() };
    }
    if (this.is('*')) {
      this.p++;
      return this.type();
    }
    if (this.is('struct') || this.is('interface')) {
      this.p++;
      this.skipBalanced('{', '}');
      return { t: 'structtype' };
    }
    if (this.is('func')) {
      this.p++;
      this.skipBalanced('(', ')');
      if (this.is('(')) this.skipBalanced('(', ')');
      else if (this.cur.k === 'id' || this.is('[') || this.is('*')) this.type();
      return { t: 'functype' };
    }
    let name = this.ident();
    if (this.is('.')) {
      this.p++;
      name += `.${this.ident()}`;
    }
    return { t: 'named', name };
  }

  block(): Node[] {
    this.eat('{');
    const out: Node[] = [];
    this.skipSemis();
    while (!this.is('}')) {
      out.push(this.stmt());
      this.skipSemis();
    }
    this.eat('}');
    return out;
  }

  private stmt(): Node {
    if (this.is('return')) {
      this.p++;
      return { t: 'return', values: this.cur.k === 'semi' || this.is('}') ? [] : this.exprList() };
    }
    if (this.is('continue') || this.is('break')) return { t: this.toks[this.p++]!.v };
    if (this.is('var') || this.is('const')) {
      this.p++;
      return { t: 'vars', specs: this.varSpecs() };
    }
    if (this.is('{')) return { t: 'block', body: this.block() };
    if (this.is('if')) return this.ifStmt();
    if (this.is('for')) return this.forStmt();
    return this.simpleStmt();
  }

  private simpleStmt(): Node {
    const lhs = this.exprList();
    if (this.is(':=') || this.is('=')) {
      const op = this.toks[this.p++]!.v;
      if (this.is('range')) {
        this.p++;
        return { t: 'range', lhs, define: op === ':=', over: this.expr() };
      }
      return { t: 'assign', lhs, rhs: this.exprList(), define: op === ':=' };
    }
    if (this.is('+=')) {
      this.p++;
      const rhs = this.expr();
      return { t: 'assign', lhs, rhs: [{ t: 'bin', op: '+', a: lhs[0], b: rhs }], define: false };
    }
    if (this.is('++') || this.is('--')) {
      const op = this.toks[this.p++]!.v === '++' ? '+' : '-';
      return { t: 'assign', lhs, rhs: [{ t: 'bin', op, a: lhs[0], b: { t: 'num', v: 1 } }], define: false };
    }
    return { t: 'expr', e: lhs[0] };
  }

  private ifStmt(): Node {
    this.eat('if');
    this.noLit++;
    let init: Node | undefined;
    let cond = this.simpleStmt();
    if (this.is(';')) {
      this.p++;
      init = cond;
      cond = this.simpleStmt();
    }
    this.noLit--;
    const then = this.block();
    let other: Node[] | undefined;
    if (this.is('else')) {
      this.p++;
      other = this.is('if') ? [this.ifStmt()] : this.block();
    }
    return { t: 'if', init, cond: cond.e as Node, then, other };
  }

  private forStmt(): Node {
    this.eat('for');
    if (this.is('{')) return { t: 'for', body: this.block() };
    this.noLit++;
    if (this.is('range')) {
      this.p++;
      const over = this.expr();
      this.noLit--;
      return { t: 'range', lhs: [], define: false, over, body: this.block() };
    }
    const first = this.simpleStmt();
    if (first.t === 'range') {
      this.noLit--;
      return { ...first, body: this.block() };
    }
    if (this.is(';')) {
      this.p++;
      const cond = this.cur.k === 'semi' || this.is(';') ? undefined : this.expr();
      this.eat(';');
      const post = this.is('{') ? undefined : this.simpleStmt();
      this.noLit--;
      return { t: 'for', init: first, cond, post, body: this.block() };
    }
    this.noLit--;
    return { t: 'for', cond: first.e as Node, body: this.block() };
  }

  private exprList(): Node[] {
    const out = [this.expr()];
    while (this.is(',')) {
      this.p++;
      out.push(this.expr());
    }
    return out;
  }

  private static readonly PREC: Record<string, number> = {
    '||': 1,
    '&&': 2,
    '==': 3,
    '!=': 3,
    '<': 3,
    '<=': 3,
    '>': 3,
    '>=': 3,
    '+': 4,
    '-': 4,
    '|': 4,
    '^': 4,
    '*': 5,
    '/': 5,
    '%': 5,
    '<<': 5,
    '>>': 5,
    '&': 5,
    '&^': 5,
  };

  expr(min = 1): Node {
    let a = this.unary();
    for (;;) {
      const prec = this.cur.k === 'op' ? Parser.PREC[this.cur.v] : undefined;
      if (prec === undefined || prec < min) return a;
      const op = this.toks[this.p++]!.v;
      const b = this.expr(prec + 1);
      a = { t: 'bin', op, a, b };
    }
  }

  private unary(): Node {
    if (this.is('!') || this.is('-') || this.is('&') || this.is('*') || this.is('^')) {
      const op = this.toks[this.p++]!.v;
      return { t: 'un', op, e: this.unary() };
    }
    return this.primary();
  }

  private primary(): Node {
    let e: Node;
    const tok = this.cur;
    if (tok.k === 'str') {
      this.p++;
      e = { t: 'str', v: tok.v };
    } else if (tok.k === 'num') {
      this.p++;
      e = { t: 'num', v: Number(tok.v.replace(/_/g, '')) };
    } else if (this.is('(')) {
      this.p++;
      this.noLit++;
      const saved = this.noLit;
      this.noLit = 0;
      e = this.expr();
      this.noLit = saved - 1;
      this.eat(')');
    } else if (this.is('[') || this.is('map') || this.is('struct')) {
      const type = this.type();
      e = this.is('{') ? this.compositeBody(type) : { t: 'type', type };
    } else if (this.is('func')) {
      this.p++;
      const { params, variadic } = this.params();
      while (!this.is('{')) this.p++;
      e = { t: 'funclit', params, variadic, body: this.block() };
    } else if (this.is('{')) {
      e = this.compositeBody({ t: 'elided' });
    } else {
      e = { t: 'id', name: this.ident() };
    }
    for (;;) {
      if (this.is('.')) {
        this.p++;
        if (this.is('(')) {
          this.skipBalanced('(', ')');
          continue;
        }
        e = { t: 'sel', e, name: this.ident() };
      } else if (this.is('(')) {
        this.p++;
        const saved = this.noLit;
        this.noLit = 0;
        const args: Node[] = [];
        let spread = false;
        this.skipSemis();
        while (!this.is(')')) {
          if (this.is('[') || this.is('map')) args.push(this.primary());
          else args.push(this.expr());
          if (this.is('...')) {
            spread = true;
            this.p++;
          }
          if (this.is(',')) this.p++;
          this.skipSemis();
        }
        this.eat(')');
        this.noLit = saved;
        e = { t: 'call', fn: e, args, spread };
      } else if (this.is('[')) {
        this.p++;
        const lo = this.is(':') ? undefined : this.expr();
        if (this.is(':')) {
          this.p++;
          const hi = this.is(']') ? undefined : this.expr();
          this.eat(']');
          e = { t: 'slice', e, lo, hi };
        } else {
          this.eat(']');
          e = { t: 'index', e, i: lo };
        }
      } else if (this.is('{') && this.noLit === 0 && (e.t === 'id' || e.t === 'sel')) {
        e = this.compositeBody({
          t: 'named',
          name: e.t === 'id' ? e.name : `${((e.e as Node).name as string) ?? '?'}.${e.name as string}`,
        });
      } else return e;
    }
  }

  private compositeBody(type: Node): Node {
    this.eat('{');
    const saved = this.noLit;
    this.noLit = 0;
    const items: Array<{ key?: Node; value: Node }> = [];
    this.skipSemis();
    while (!this.is('}')) {
      let value = this.is('{') ? this.compositeBody({ t: 'elided' }) : this.expr();
      let key: Node | undefined;
      if (this.is(':')) {
        this.p++;
        key = value;
        value = this.is('{') ? this.compositeBody({ t: 'elided' }) : this.expr();
      }
      items.push({ key, value });
      if (this.is(',')) this.p++;
      this.skipSemis();
    }
    this.eat('}');
    this.noLit = saved;
    return { t: 'composite', type, items };
  }
}

/** Reads one Go source file. */
export function parseGo(src: string): GoFile {
  return new Parser(tokenize(src)).file();
}

/** A value of the evaluator: strings, numbers, booleans, arrays, maps (Map), structs (plain objects), functions. */
export type Value = unknown;
export type Builtin = (...args: Value[]) => Value;

class Return {
  constructor(readonly value: Value) {}
}
class Control {
  constructor(readonly kind: 'break' | 'continue') {}
}

/** Scope of names: a chain of maps. */
export class Scope {
  private readonly names = new Map<string, Value>();
  constructor(private readonly parent?: Scope) {}
  get(name: string): Value {
    if (this.names.has(name)) return this.names.get(name);
    if (this.parent) return this.parent.get(name);
    throw new Error(`unknown name ${name}`);
  }
  has(name: string): boolean {
    return this.names.has(name) || (this.parent?.has(name) ?? false);
  }
  define(name: string, v: Value): void {
    this.names.set(name, v);
  }
  set(name: string, v: Value): void {
    if (this.names.has(name) || !this.parent) this.names.set(name, v);
    else this.parent.set(name, v);
  }
}

/** Evaluates function bodies; package-level names come from `global`. */
export class Evaluator {
  /**
   * @param namedTypes what a value of a named type is built from: its zero
   *   value (no fields given) or its fields, by type name (`pkg.Type`).
   */
  constructor(
    readonly global: Scope,
    readonly namedTypes: Record<string, (fields: Record<string, Value>) => Value> = {},
  ) {}

  /** The zero value of a declared type. */
  zero(type: Node | undefined): Value {
    if (type?.t === 'named' && this.namedTypes[type.name as string]) return this.namedTypes[type.name as string]!({});
    if (type?.t === 'slicetype') return [];
    return undefined;
  }

  callFunc(
    fn: { params: string[]; variadic: boolean; body: Node[]; scope?: Scope },
    args: Value[],
    outer: Scope = this.global,
  ): Value {
    const scope = new Scope(fn.scope ?? outer);
    fn.params.forEach((p, i) => scope.define(p, fn.variadic && i === fn.params.length - 1 ? args.slice(i) : args[i]));
    try {
      this.block(fn.body, scope);
    } catch (e) {
      if (e instanceof Return) return e.value;
      throw e;
    }
    return undefined;
  }

  block(body: Node[], scope: Scope): void {
    for (const s of body) this.stmt(s, scope);
  }

  private assign(target: Node, v: Value, scope: Scope, define: boolean): void {
    if (target.t === 'id') {
      if (target.name === '_') return;
      if (define) scope.define(target.name as string, v);
      else scope.set(target.name as string, v);
    } else if (target.t === 'index') {
      const obj = this.eval(target.e as Node, scope);
      const key = this.eval(target.i as Node, scope);
      if (obj instanceof Map) obj.set(key, v);
      else (obj as Value[])[key as number] = v;
    } else if (target.t === 'sel') {
      (this.eval(target.e as Node, scope) as Record<string, Value>)[target.name as string] = v;
    } else throw new Error(`cannot assign to ${target.t}`);
  }

  stmt(s: Node, scope: Scope): void {
    switch (s.t) {
      case 'return': {
        const values = (s.values as Node[]).map((v) => this.eval(v, scope));
        throw new Return(values.length === 1 ? values[0] : values);
      }
      case 'break':
      case 'continue':
        throw new Control(s.t);
      case 'vars':
        for (const spec of s.specs as Array<{ names: string[]; value: Node[]; type?: Node }>) {
          spec.names.forEach((n, i) =>
            scope.define(n, spec.value[i] ? this.eval(spec.value[i], scope) : this.zero(spec.type)),
          );
        }
        return;
      case 'block':
        return this.block(s.body as Node[], new Scope(scope));
      case 'expr':
        this.eval(s.e as Node, scope);
        return;
      case 'assign': {
        const lhs = s.lhs as Node[];
        const rhs = (s.rhs as Node[]).map((r) => this.eval(r, scope));
        const values = lhs.length > 1 && rhs.length === 1 ? (rhs[0] as Value[]) : rhs;
        lhs.forEach((l, i) => this.assign(l, values[i], scope, s.define as boolean));
        return;
      }
      case 'if': {
        const inner = new Scope(scope);
        if (s.init) this.stmt(s.init as Node, inner);
        if (this.eval(s.cond as Node, inner)) this.block(s.then as Node[], new Scope(inner));
        else if (s.other) this.block(s.other as Node[], new Scope(inner));
        return;
      }
      case 'for': {
        const inner = new Scope(scope);
        if (s.init) this.stmt(s.init as Node, inner);
        for (let guard = 0; ; guard++) {
          if (guard > 100000) throw new Error('a loop that does not end');
          if (s.cond && !this.eval(s.cond as Node, inner)) break;
          try {
            this.block(s.body as Node[], new Scope(inner));
          } catch (e) {
            if (!(e instanceof Control)) throw e;
            if (e.kind === 'break') break;
          }
          if (s.post) this.stmt(s.post as Node, inner);
        }
        return;
      }
      case 'range': {
        const over = this.eval(s.over as Node, scope);
        const pairs: Array<[Value, Value]> =
          over instanceof Map
            ? [...over.entries()]
            : typeof over === 'string'
              ? [...over].map((c, i) => [i, c.codePointAt(0)])
              : typeof over === 'number'
                ? Array.from({ length: over }, (_, i) => [i, undefined])
                : ((over as Value[]) ?? []).map((v, i) => [i, v]);
        for (const [k, v] of pairs) {
          const inner = new Scope(scope);
          const lhs = s.lhs as Node[];
          if (lhs[0]) this.assign(lhs[0], k, inner, s.define as boolean);
          if (lhs[1]) this.assign(lhs[1], v, inner, s.define as boolean);
          try {
            this.block(s.body as Node[], inner);
          } catch (e) {
            if (!(e instanceof Control)) throw e;
            if (e.kind === 'break') break;
          }
        }
        return;
      }
      default:
        throw new Error(`statement ${s.t}`);
    }
  }

  eval(e: Node, scope: Scope): Value {
    switch (e.t) {
      case 'str':
      case 'num':
        return e.v;
      case 'id': {
        const n = e.name as string;
        if (n === 'nil') return undefined;
        if (n === 'true') return true;
        if (n === 'false') return false;
        return scope.get(n);
      }
      case 'sel': {
        const obj = this.eval(e.e as Node, scope) as Record<string, Value> | undefined;
        if (obj === undefined || obj === null) throw new Error(`selector .${e.name as string} of nothing`);
        return obj[e.name as string];
      }
      case 'un': {
        const v = this.eval(e.e as Node, scope);
        if (e.op === '!') return !v;
        if (e.op === '-') return -(v as number);
        return v;
      }
      case 'bin': {
        const op = e.op as string;
        if (op === '&&') return this.eval(e.a as Node, scope) && this.eval(e.b as Node, scope);
        if (op === '||') return this.eval(e.a as Node, scope) || this.eval(e.b as Node, scope);
        const a = this.eval(e.a as Node, scope) as number;
        const b = this.eval(e.b as Node, scope) as number;
        switch (op) {
          case '+':
            return a + b;
          case '-':
            return a - b;
          case '*':
            return a * b;
          case '/':
            return Math.trunc(a / b);
          case '%':
            return a % b;
          case '==':
            return a === b;
          case '!=':
            return a !== b;
          case '<':
            return a < b;
          case '<=':
            return a <= b;
          case '>':
            return a > b;
          case '>=':
            return a >= b;
          default:
            throw new Error(`operator ${op}`);
        }
      }
      case 'call': {
        const fnNode = e.fn as Node;
        if (
          fnNode.t === 'type' ||
          (fnNode.t === 'id' && ['string', 'byte', 'rune', 'int'].includes(fnNode.name as string))
        ) {
          return this.eval((e.args as Node[])[0]!, scope); // a conversion
        }
        if (fnNode.t === 'id' && fnNode.name === 'append') {
          const [first, ...rest] = (e.args as Node[]).map((a) => this.eval(a, scope));
          const base = [...((first as Value[]) ?? [])];
          if (e.spread)
            return [...base, ...rest.flatMap((r) => (typeof r === 'string' ? [...r] : ((r as Value[]) ?? [])))];
          return [...base, ...rest];
        }
        if (fnNode.t === 'id' && fnNode.name === 'len') {
          const v = this.eval((e.args as Node[])[0]!, scope);
          return v instanceof Map ? v.size : ((v as string | Value[] | undefined)?.length ?? 0);
        }
        if (fnNode.t === 'id' && fnNode.name === 'make')
          return (e.args as Node[])[0]!.t === 'type' && ((e.args as Node[])[0]!.type as Node).t === 'maptype'
            ? new Map()
            : [];
        const fn = this.eval(fnNode, scope);
        const args = (e.args as Node[]).map((a) => this.eval(a, scope));
        if (e.spread && args.length > 0) args.push(...(args.pop() as Value[]));
        if (typeof fn === 'function') return (fn as Builtin)(...args);
        if (fn && typeof fn === 'object' && 'body' in fn)
          return this.callFunc(fn as { params: string[]; variadic: boolean; body: Node[] }, args);
        throw new Error(`not a function: ${JSON.stringify(fnNode).slice(0, 80)}`);
      }
      case 'index': {
        const obj = this.eval(e.e as Node, scope);
        const key = this.eval(e.i as Node, scope);
        if (obj instanceof Map) return obj.get(key);
        if (typeof obj === 'string') return obj.charCodeAt(key as number);
        return (obj as Value[])[key as number];
      }
      case 'slice': {
        const obj = this.eval(e.e as Node, scope) as string | Value[];
        const lo = e.lo ? (this.eval(e.lo as Node, scope) as number) : 0;
        const hi = e.hi ? (this.eval(e.hi as Node, scope) as number) : obj.length;
        return obj.slice(lo, hi);
      }
      case 'funclit':
        return { params: e.params, variadic: e.variadic, body: e.body, scope };
      case 'type':
        return undefined;
      case 'composite':
        return this.composite(e, scope, e.type as Node);
      default:
        throw new Error(`expression ${e.t}`);
    }
  }

  private composite(e: Node, scope: Scope, type: Node): Value {
    const items = e.items as Array<{ key?: Node; value: Node }>;
    const elemType = (type.elem as Node | undefined) ?? { t: 'elided' };
    const value = (n: Node): Value =>
      n.t === 'composite' && (n.type as Node).t === 'elided' ? this.composite(n, scope, elemType) : this.eval(n, scope);
    if (type.t === 'maptype') return new Map(items.map((it) => [this.eval(it.key!, scope), value(it.value)]));
    if (type.t === 'slicetype') return items.map((it) => value(it.value));
    if (items.length > 0 && items[0]!.key?.t === 'id') {
      const obj: Record<string, Value> = {};
      for (const it of items) {
        try {
          obj[(it.key as Node).name as string] = value(it.value);
        } catch {
          obj[(it.key as Node).name as string] = undefined; // a field the examples do not need
        }
      }
      const make = type.t === 'named' ? this.namedTypes[type.name as string] : undefined;
      return make ? make(obj) : obj;
    }
    if (items.some((it) => it.key)) return new Map(items.map((it) => [this.eval(it.key!, scope), value(it.value)]));
    return items.map((it) => value(it.value));
  }
}
