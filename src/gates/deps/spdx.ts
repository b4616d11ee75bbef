/**
 * SPDX license expressions (SPDX 2.3, Annex D): a parser, and the two
 * questions a dependency gate asks of an expression. Can the package be used
 * under allowed licenses only? Does every way of using it accept a denied one?
 *
 * Precedence is WITH over AND over OR; `+` and `-or-later` mean "this version
 * or any later one of the same license" and are expanded over the known
 * version ranges (see spdx-ranges.ts). Operators are accepted in upper or
 * lower case, as GitHub's dependency graph passes on both.
 */
import { canonicalAtoms, type SpdxAtom } from './spdx-ranges.js';

export type { SpdxAtom } from './spdx-ranges.js';

/** A parsed expression. `id` is as written; comparison uses canonical atoms. */
export type SpdxNode =
  | { readonly kind: 'license'; readonly id: string; readonly plus: boolean; readonly exception?: string }
  | { readonly kind: 'and' | 'or'; readonly left: SpdxNode; readonly right: SpdxNode };

/** Long expressions are shortened in messages; GitHub passes on licenses of up to 255 characters, hostile input more. */
export function clip(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}… (${text.length} characters)`;
}

/** An expression that does not follow the SPDX grammar; `index` is the character where it went wrong. */
export class SpdxSyntaxError extends Error {
  override readonly name = 'SpdxSyntaxError';
  constructor(
    message: string,
    readonly expression: string,
    readonly index: number,
  ) {
    super(`${message} at character ${index + 1} of '${clip(expression)}'`);
  }
}

/** Expressions that expand to more alternatives than this are refused rather than evaluated. */
export const MAX_CHOICES = 4096;
/** Parentheses nest at most this deep; deeper input is refused before it can exhaust the stack. */
export const MAX_DEPTH = 64;

interface Token {
  readonly text: string;
  readonly index: number;
}

const ID = /^(?:DocumentRef-[A-Za-z0-9.-]+:)?[A-Za-z0-9.-]+$/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(\(|\)|[^\s()]+)/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(text)) !== null) {
    const body = m[1] as string;
    tokens.push({ text: body, index: m.index + m[0].length - body.length });
    last = re.lastIndex;
  }
  if (text.slice(last).trim() !== '') throw new SpdxSyntaxError('unexpected character', text, last);
  return tokens;
}

const isOp = (t: Token | undefined, op: string): boolean =>
  t !== undefined && (t.text === op || t.text === op.toLowerCase());

/** Parses an SPDX license expression. Throws SpdxSyntaxError. */
export function parseSpdx(text: string): SpdxNode {
  const tokens = tokenize(text);
  let pos = 0;
  let depth = 0;
  const peek = (): Token | undefined => tokens[pos];
  const fail = (message: string): never => {
    throw new SpdxSyntaxError(message, text, peek()?.index ?? text.length);
  };

  const simple = (): SpdxNode => {
    const t = peek();
    if (t === undefined) return fail('expected a license');
    if (t.text === '(') {
      if (++depth > MAX_DEPTH) return fail(`parentheses nested deeper than ${MAX_DEPTH}`);
      pos++;
      const inner = orExpr();
      if (peek()?.text !== ')') return fail("expected ')'");
      pos++;
      depth--;
      return inner;
    }
    if (isOp(t, 'AND') || isOp(t, 'OR') || isOp(t, 'WITH') || t.text === ')')
      return fail(`expected a license, got '${t.text}'`);
    pos++;
    const plus = t.text.endsWith('+');
    const id = plus ? t.text.slice(0, -1) : t.text;
    if (!ID.test(id)) throw new SpdxSyntaxError(`'${t.text}' is not a license identifier`, text, t.index);
    return { kind: 'license', id, plus };
  };

  const withExpr = (): SpdxNode => {
    const start = peek();
    const node = simple();
    if (!isOp(peek(), 'WITH')) return node;
    if (node.kind !== 'license' || start?.text === '(') return fail('WITH applies to a single license');
    pos++;
    const ex = peek();
    if (
      ex === undefined ||
      ex.text === '(' ||
      ex.text === ')' ||
      !ID.test(ex.text) ||
      isOp(ex, 'AND') ||
      isOp(ex, 'OR')
    )
      return fail('expected an exception identifier after WITH');
    pos++;
    return { ...node, exception: ex.text };
  };

  const andExpr = (): SpdxNode => {
    let left = withExpr();
    while (isOp(peek(), 'AND')) {
      pos++;
      left = { kind: 'and', left, right: withExpr() };
    }
    return left;
  };

  const orExpr = (): SpdxNode => {
    let left = andExpr();
    while (isOp(peek(), 'OR')) {
      pos++;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };

  if (tokens.length === 0) throw new SpdxSyntaxError('empty expression', text, 0);
  const tree = orExpr();
  if (pos < tokens.length) fail(`unexpected '${peek()?.text ?? ''}'`);
  return tree;
}

/** The expression written back in canonical SPDX form, with parentheses only where needed. */
export function formatSpdx(node: SpdxNode): string {
  if (node.kind === 'license')
    return `${node.id}${node.plus ? '+' : ''}${node.exception ? ` WITH ${node.exception}` : ''}`;
  const side = (n: SpdxNode): string => (node.kind === 'and' && n.kind === 'or' ? `(${formatSpdx(n)})` : formatSpdx(n));
  return `${side(node.left)} ${node.kind.toUpperCase()} ${side(node.right)}`;
}

/**
 * The ways to comply with an expression: each choice is a set of licenses
 * that must all be accepted together (disjunctive normal form). Throws
 * RangeError when there are more than MAX_CHOICES.
 */
export function choicesOf(node: SpdxNode): SpdxAtom[][] {
  if (node.kind === 'license') return canonicalAtoms(node.id, node.plus, node.exception).map((a) => [a]);
  const left = choicesOf(node.left);
  const right = choicesOf(node.right);
  if (node.kind === 'or') {
    if (left.length + right.length > MAX_CHOICES) throw new RangeError('license expression has too many alternatives');
    return [...left, ...right];
  }
  if (left.length * right.length > MAX_CHOICES) throw new RangeError('license expression has too many alternatives');
  return left.flatMap((l) => right.map((r) => [...l, ...r]));
}

/**
 * True when `entry` (one allow or deny list item) covers `atom`. An entry
 * without an exception covers the license with any exception, because an
 * exception only adds permissions; an entry with one covers only that pair.
 */
export function entryCovers(entry: SpdxAtom, atom: SpdxAtom): boolean {
  return entry.key === atom.key && (entry.exceptionKey === undefined || entry.exceptionKey === atom.exceptionKey);
}

/** Allow or deny list items (single licenses, `+` and WITH allowed) as atoms. Throws SpdxSyntaxError. */
export function listAtoms(entries: readonly string[]): SpdxAtom[] {
  return entries.flatMap((e) => {
    const node = parseSpdx(e);
    if (node.kind !== 'license') throw new SpdxSyntaxError('a list entry must be one license, not an expression', e, 0);
    return canonicalAtoms(node.id, node.plus, node.exception);
  });
}

/** A choice that uses only allowed licenses, or undefined when there is none. */
export function allowedChoice(expression: SpdxNode, allow: readonly SpdxAtom[]): SpdxAtom[] | undefined {
  return choicesOf(expression).find((choice) => choice.every((atom) => allow.some((a) => entryCovers(a, atom))));
}

/**
 * The denied licenses that cannot be avoided: empty when some choice uses no
 * denied license, otherwise the denied licenses of every choice.
 */
export function unavoidableDenied(expression: SpdxNode, deny: readonly SpdxAtom[]): SpdxAtom[] {
  const hits: SpdxAtom[] = [];
  for (const choice of choicesOf(expression)) {
    const denied = choice.filter((atom) => deny.some((d) => entryCovers(d, atom)));
    if (denied.length === 0) return [];
    for (const d of denied) if (!hits.some((h) => h.key === d.key && h.exceptionKey === d.exceptionKey)) hits.push(d);
  }
  return hits;
}

/** Values that say the license is not known; GitHub reports them instead of null at times. */
const NOT_A_LICENSE = new Set(['noassertion', 'none', 'other', 'unknown', '']);

/** True when a dependency's license field names no license. */
export function isUnknownLicense(license: string | null): boolean {
  return license === null || NOT_A_LICENSE.has(license.trim().toLowerCase());
}
