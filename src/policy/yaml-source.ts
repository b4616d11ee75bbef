/**
 * Reading a policy's YAML while keeping where every value came from, so that
 * a schema problem can be reported at the line that holds it.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node, YAMLError } from 'yaml';
import { formatFieldPath, PolicyProblem, throwIfProblems } from './problems.js';
import type { FieldPath } from './problems.js';

/**
 * Aliases may expand to at most this many nodes in total. Policies use a few
 * anchors to share a block; a document that needs more is an attack on the
 * reader (a "billion laughs"), not a policy.
 */
export const MAX_ALIAS_COUNT = 100;

/** A 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** A parsed policy document: its plain data and a way back to its lines. */
export interface PolicySource {
  readonly file: string;
  /** The document as plain data; an empty document is an empty mapping. */
  readonly data: unknown;
  /**
   * Where the value at `path` starts, or the key itself when `key` is true;
   * when the path does not exist, where its nearest existing ancestor starts.
   */
  locate(path: FieldPath, key?: boolean): Position;
}

/**
 * Parse YAML text into a PolicySource. Throws a ConfigurationError listing
 * every syntax error (with file:line:col) and every duplicate key.
 */
export function readPolicySource(text: string, file: string): PolicySource {
  const lineCounter = new LineCounter();
  // uniqueKeys is off because our own check below names the field path and
  // the line of the first occurrence, which the parser's message does not.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, merge: true });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  const syntax = [...doc.errors, ...doc.warnings].map((e) => syntaxProblem(e, file, position));
  throwIfProblems([...syntax, ...duplicateKeys(doc, file, position)]);

  let data: unknown;
  try {
    data = doc.contents === null ? {} : doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError) {
      throw new PolicyProblem(
        `aliases expand to too much data (more than ${MAX_ALIAS_COUNT} alias uses); share blocks with fewer, flatter aliases`,
        { file, line: 1, column: 1 },
        true,
      );
    }
    throw err;
  }

  return {
    file,
    data,
    locate(path, key = false) {
      const node = findNode(doc, path, key);
      return node?.range ? position(node.range[0]) : { line: 1, column: 1 };
    },
  };
}

function syntaxProblem(e: YAMLError, file: string, position: (offset: number) => Position): PolicyProblem {
  const at = position(e.pos[0]);
  const detail =
    e.code === 'MULTIPLE_DOCS'
      ? 'a policy file holds one YAML document, but this one has several (separated by "---")'
      : `YAML syntax error: ${e.message}`;
  return new PolicyProblem(detail, { file, ...at }, true);
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

/**
 * The node at `path`, or the nearest existing ancestor. Aliases are followed
 * on the way down, so a mistake inside a shared block is reported where the
 * block is written.
 */
function findNode(doc: Document, path: FieldPath, wantKey: boolean): Node | undefined {
  let current: unknown = doc.contents;
  let found: Node | undefined = doc.contents ?? undefined;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (isAlias(current)) current = current.resolve(doc);
    let next: unknown;
    if (isMap(current)) {
      const pair = current.items.find((p) => keyText(p.key) === String(segment));
      if (!pair) break;
      const last = i === path.length - 1;
      // A key with no value (`weight:`) has no value node; its key is the place.
      next = (last && wantKey) || pair.value === null ? pair.key : pair.value;
    } else if (isSeq(current) && typeof segment === 'number') {
      next = current.items[segment];
    }
    if (next === undefined || next === null || typeof next !== 'object') break;
    current = next;
    found = next as Node;
  }
  return found;
}

/** Every key written twice in the same mapping, found where it repeats. */
function duplicateKeys(doc: Document, file: string, position: (offset: number) => Position): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const visit = (node: unknown, path: PropertyKey[]): void => {
    // Aliases are not followed: the anchored block is checked where it is written.
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const key = keyText(pair.key);
        if (key !== undefined && key !== '<<') {
          const keyNode = pair.key as Node;
          const at = keyNode.range ? position(keyNode.range[0]) : { line: 1, column: 1 };
          const first = seen.get(key);
          if (first !== undefined) {
            problems.push(
              new PolicyProblem(`duplicate key ${JSON.stringify(key)} (first given on line ${first})`, {
                file,
                ...at,
                field: formatFieldPath([...path, key]),
              }),
            );
          } else seen.set(key, at.line);
        }
        visit(pair.value, key === undefined ? path : [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i]));
    }
  };
  visit(doc.contents, []);
  return problems;
}
