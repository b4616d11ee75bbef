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
  // uniqueKeys is off because our own check (structureProblems) names the
  // field path and the line of the first occurrence; the parser's does not.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, merge: true });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  const syntax = [...doc.errors, ...doc.warnings].map((e) => syntaxProblem(e, file, position));
  throwIfProblems([...syntax, ...structureProblems(doc, file, position)]);

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
  let detail = `YAML syntax error: ${e.message}`;
  if (e.code === 'MULTIPLE_DOCS') {
    detail = 'a policy file holds one YAML document, but this one has several (separated by "---")';
  } else if (/call stack/i.test(e.message)) {
    // The parser recovers from its own stack overflow; say what it means.
    detail = `nested too deeply to read (a policy needs at most ${MAX_DEPTH} levels)`;
  }
  return new PolicyProblem(detail, { file, ...at }, true);
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

/**
 * The node at `path` (for a missing field, its nearest existing ancestor).
 * Aliases are followed on the way down, so a mistake inside a shared block
 * is reported where the block is written.
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

/**
 * Mappings and lists nested deeper than this are refused: no policy needs
 * them, and unbounded depth would exhaust the stack of whatever reads them.
 */
export const MAX_DEPTH = 64;

/**
 * Structural problems the parser lets through: a key written twice in the
 * same mapping (found where it repeats), a key that is a list or mapping,
 * and nesting beyond MAX_DEPTH.
 */
function structureProblems(doc: Document, file: string, position: (offset: number) => Position): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const where = (node: unknown): Position => {
    const range = (node as Node | null)?.range;
    return range ? position(range[0]) : { line: 1, column: 1 };
  };
  const visit = (node: unknown, path: PropertyKey[]): void => {
    if ((isMap(node) || isSeq(node)) && path.length >= MAX_DEPTH) {
      problems.push(
        // No field path: one this deep says less than the line does.
        new PolicyProblem(`nested more than ${MAX_DEPTH} levels deep`, { file, ...where(node) }),
      );
      return;
    }
    // Aliases are not followed: the anchored block is checked where it is written.
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const key = keyText(pair.key);
        if (key === undefined && pair.key !== null) {
          problems.push(
            new PolicyProblem('expected a plain key (a name), got a list or mapping used as a key', {
              file,
              ...where(pair.key),
              field: formatFieldPath(path) || undefined,
            }),
          );
          continue;
        }
        if (key !== undefined && key !== '<<') {
          const at = where(pair.key);
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
