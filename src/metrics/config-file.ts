/**
 * Reading the providers section of a YAML file (`providers:` at the top, or
 * `metrics.providers` inside a larger policy) while keeping line numbers, so
 * that every mistake points at its line.
 */
import path from 'node:path';
import { LineCounter, isMap, isSeq, parseDocument, type Node } from 'yaml';
import { ConfigurationError, type SourceLocation } from '../runtime/errors.js';
import type { ProviderContext } from './registry.js';

export interface ProvidersSection {
  readonly configs: Readonly<Record<string, unknown>>;
  readonly context: ProviderContext;
}

/** Finds the providers in `text` (the contents of `file`). */
export function readProvidersSection(text: string, file: string): ProvidersSection {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  if (doc.errors.length > 0) {
    throw ConfigurationError.aggregate(
      doc.errors.map(
        (e) => new ConfigurationError(`YAML syntax error: ${e.message.split('\n')[0] ?? ''}`, at(e.pos[0])),
      ),
    );
  }
  const data: unknown = doc.toJS() ?? {};
  const root = data as Record<string, unknown>;
  let prefix: string[];
  if (root && typeof root === 'object' && 'providers' in root) prefix = ['providers'];
  else if (
    root &&
    typeof root === 'object' &&
    (root.metrics as Record<string, unknown> | undefined)?.providers !== undefined
  )
    prefix = ['metrics', 'providers'];
  else
    throw new ConfigurationError(
      'no metrics providers here: expected a `providers:` mapping (or `metrics.providers`)',
      { file, line: 1 },
    );

  const section = prefix.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], root);
  if (!section || typeof section !== 'object' || Array.isArray(section)) {
    const node = doc.getIn(prefix, true) as Node | undefined;
    throw new ConfigurationError('`providers` must map provider names to their settings', {
      ...(node?.range ? at(node.range[0]) : { file }),
      field: prefix.join('.'),
    });
  }

  const locate = (field: readonly (string | number)[]): SourceLocation => {
    const full = [...prefix, ...field];
    // The nearest node that exists, so a missing field points at its parent.
    for (let n = full.length; n > 0; n--) {
      const node = findNode(doc.contents as Node | null, full.slice(0, n));
      if (node?.range) return { ...at(node.range[0]), field: full.join('.') };
    }
    return { file, field: full.join('.') };
  };
  return { configs: section as Record<string, unknown>, context: { baseDir: path.dirname(file), locate } };
}

function findNode(node: Node | null, keys: readonly (string | number)[]): Node | undefined {
  let current: unknown = node;
  for (const key of keys) {
    if (isMap(current)) current = current.get(key, true);
    else if (isSeq(current) && typeof key === 'number') current = current.get(key, true);
    else return undefined;
    if (current === undefined) return undefined;
  }
  return current as Node;
}
