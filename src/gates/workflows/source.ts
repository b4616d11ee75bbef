/**
 * YAML sources with exact positions. Every audit reports line and column of
 * the node it talks about, including positions of `${{ }}` templates inside
 * block scalars, so that annotations land on the right character.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';

/** A region of a file; lines and columns are 1-based, the end is exclusive. */
export interface Span {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** Offsets in the file text, for snippets. */
  readonly startOffset: number;
  readonly endOffset: number;
}

/** A parsed YAML file and what is needed to turn offsets into positions. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** True when the document uses anchors or aliases. */
  readonly usesAliases: boolean;
}

/** Why a file could not be parsed, at a position when one is known. */
export interface SourceProblem {
  readonly kind: 'binary' | 'too-large' | 'yaml-syntax' | 'empty';
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

/** Files larger than this are refused rather than parsed: real workflows are a few kilobytes. */
export const DEFAULT_MAX_BYTES = 1024 * 1024;

/** Parses bytes or text into a SourceFile, or says why it cannot. Never throws on bad input. */
export function loadSource(
  path: string,
  content: string | Uint8Array,
  maxBytes = DEFAULT_MAX_BYTES,
): SourceFile | SourceProblem {
  const size = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
  if (size > maxBytes) {
    return {
      kind: 'too-large',
      message: `file is ${size} bytes, more than the limit of ${maxBytes}`,
      line: 1,
      column: 1,
    };
  }
  let text: string;
  if (typeof content === 'string') text = content;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(content);
    } catch {
      return { kind: 'binary', message: 'file is not UTF-8 text', line: 1, column: 1 };
    }
  }
  if (text.includes('\u0000'))
    return { kind: 'binary', message: 'file contains NUL bytes: it is binary, not YAML', line: 1, column: 1 };
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true, strict: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    return {
      kind: 'yaml-syntax',
      message: first.message.split('\n')[0] ?? first.message,
      line: pos?.line ?? 1,
      column: pos?.col ?? 1,
    };
  }
  if (!doc.contents || (isScalar(doc.contents) && doc.contents.value === null)) {
    return { kind: 'empty', message: 'file holds no YAML document', line: 1, column: 1 };
  }
  return {
    path,
    text,
    doc,
    lineCounter,
    usesAliases: /(^|[\s[{,:-])[&*][^\s,[\]{}]+/m.test(text) && hasAliasNode(doc.contents),
  };
}

function hasAliasNode(root: unknown): boolean {
  let found = false;
  const stack: unknown[] = [root];
  while (stack.length > 0 && !found) {
    const n = stack.pop();
    if (isAlias(n)) found = true;
    else if (isMap(n)) for (const p of n.items) stack.push(p.key, p.value);
    else if (isSeq(n)) stack.push(...n.items);
    else if (isScalar(n) && n.anchor) found = true;
    if ((isMap(n) || isSeq(n)) && n.anchor) found = true;
  }
  return found;
}

/** The span between two offsets of the file. */
export function spanAt(file: SourceFile, startOffset: number, endOffset: number): Span {
  const a = file.lineCounter.linePos(startOffset);
  const b = file.lineCounter.linePos(Math.max(startOffset, endOffset));
  return {
    line: a.line,
    column: a.col,
    endLine: b.line,
    endColumn: b.col,
    startOffset,
    endOffset: Math.max(startOffset, endOffset),
  };
}

/** The span of a node, or of the file's start when the node carries no range. */
export function spanOf(file: SourceFile, node: unknown): Span {
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  if (!range) return spanAt(file, 0, 0);
  return spanAt(file, range[0], range[1]);
}

/**
 * Source offsets of the k-th template of a scalar's value. Templates are found
 * in the raw source by counting `${{`, so that block scalars (whose value has
 * its indentation removed) still map to the right line and column.
 */
export function templateSpan(
  file: SourceFile,
  scalar: Scalar,
  index: number,
  valueStart: number,
  valueEnd: number,
): Span {
  const range = scalar.range;
  if (!range) return spanAt(file, 0, 0);
  if (
    scalar.type === 'PLAIN' ||
    scalar.type === 'QUOTE_SINGLE' ||
    scalar.type === 'QUOTE_DOUBLE' ||
    scalar.type === 'BLOCK_LITERAL' ||
    scalar.type === 'BLOCK_FOLDED'
  ) {
    const raw = file.text.slice(range[0], range[1]);
    let at = -1;
    for (let k = 0; k <= index; k++) {
      at = raw.indexOf('${{', at + 1);
      if (at < 0) break;
    }
    if (at >= 0) {
      const close = raw.indexOf('}}', at + 3);
      const len = valueEnd - valueStart;
      const end = close >= 0 ? close + 2 : at + len;
      return spanAt(file, range[0] + at, range[0] + end);
    }
  }
  return spanAt(file, range[0], range[1]);
}

/** Follows an alias to its target node. */
export function deref(file: SourceFile, node: unknown): unknown {
  let n = node;
  for (let i = 0; i < 16 && isAlias(n); i++) n = n.resolve(file.doc);
  return n;
}

/** The value node under `key` in a mapping, aliases followed. */
export function mapGet(file: SourceFile, node: unknown, key: string): unknown {
  const map = deref(file, node);
  if (!isMap(map)) return undefined;
  for (const pair of map.items) {
    const k = deref(file, pair.key);
    if (isScalar(k) && String(k.value) === key) return deref(file, pair.value);
  }
  return undefined;
}

/** The pair (key and value nodes) under `key` in a mapping. */
export function mapPair(file: SourceFile, node: unknown, key: string): Pair<unknown, unknown> | undefined {
  const map = deref(file, node);
  if (!isMap(map)) return undefined;
  for (const pair of map.items) {
    const k = deref(file, pair.key);
    if (isScalar(k) && String(k.value) === key) return pair;
  }
  return undefined;
}

/** The entries of a mapping as [key text, key node, value node]. */
export function entries(file: SourceFile, node: unknown): Array<[string, Node, unknown]> {
  const map = deref(file, node);
  if (!isMap(map)) return [];
  const out: Array<[string, Node, unknown]> = [];
  for (const pair of (map as YAMLMap<unknown, unknown>).items) {
    const k = deref(file, pair.key);
    if (isScalar(k)) out.push([String(k.value), k, deref(file, pair.value)]);
  }
  return out;
}

/** The items of a sequence, aliases followed; a lone value is not a sequence. */
export function items(file: SourceFile, node: unknown): unknown[] {
  const seq = deref(file, node);
  if (!isSeq(seq)) return [];
  return (seq as YAMLSeq<unknown>).items.map((n) => deref(file, n));
}

/** The string form of a scalar (numbers and booleans included), else undefined. */
export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(node.source ?? v);
  return undefined;
}

/** The text of the whole line holding `offset`, for fingerprints and snippets. */
export function lineText(file: SourceFile, line: number): string {
  const starts = file.lineCounter.lineStarts;
  const start = starts[line - 1] ?? 0;
  const next = starts[line] ?? file.text.length;
  return file.text.slice(start, next).replace(/\r?\n$/, '');
}

/**
 * Span of text inside a scalar: the `occurrence`-th appearance of `needle` in
 * the raw source of the node. Falls back to the whole node when the raw text
 * differs from the value (escapes, folding).
 */
export function locateInScalar(file: SourceFile, scalar: Scalar, needle: string, occurrence = 0): Span {
  const range = scalar.range;
  if (!range || needle.length === 0) return spanOf(file, scalar);
  const raw = file.text.slice(range[0], range[1]);
  let at = -1;
  for (let k = 0; k <= occurrence; k++) {
    at = raw.indexOf(needle, at + 1);
    if (at < 0) return spanOf(file, scalar);
  }
  return spanAt(file, range[0] + at, range[0] + at + needle.length);
}
