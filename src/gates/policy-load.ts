/**
 * Reading a gates policy file: YAML to the validated policy, with every
 * problem named by file, line and field.
 */
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { ConfigurationError, errorMessage } from '../runtime/errors.js';
import { gatesPolicySchema, type GatesPolicy } from './policy-schema.js';

/** A validated policy and where in its file each waiver is written. */
export interface LoadedGatesPolicy {
  readonly policy: GatesPolicy;
  readonly file: string;
  /** 1-based line of each waiver, by index, so that expired waivers can be reported where they are. */
  readonly waiverLines: readonly number[];
}

/** Parses and validates gates policy text. Throws ConfigurationError naming file, line and field. */
export function parseGatesPolicyText(text: string, file: string): LoadedGatesPolicy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw ConfigurationError.aggregate(
      doc.errors.map((e) => new ConfigurationError(e.message.split('\n')[0] ?? e.message, { file, line: e.linePos?.[0].line, column: e.linePos?.[0].col })),
    );
  }
  const result = gatesPolicySchema.safeParse(doc.toJS({ maxAliasCount: 100 }));
  if (!result.success) {
    throw ConfigurationError.aggregate(
      result.error.issues.map((issue) => {
        const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
        let message = issue.message;
        let node: unknown;
        // An unknown key is best shown at the key itself, with a list of the keys that are allowed.
        if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) {
          const parent = path.length === 0 ? doc.contents : doc.getIn(path, true);
          const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === issue.keys[0]) : undefined;
          if (pair) node = pair.key;
          path.push(issue.keys[0]);
          message = `unknown key '${issue.keys[0]}'`;
        }
        for (let n = path.length; n >= 0 && !node; n--) node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
        const range = (node as { range?: [number, number, number] } | undefined)?.range;
        const pos = range ? lineCounter.linePos(range[0]) : undefined;
        const field = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
        return new ConfigurationError(message, { file, line: pos?.line, column: pos?.col, ...(field ? { field } : {}) });
      }),
    );
  }
  const waivers = doc.get('waivers', true);
  const waiverLines = isSeq(waivers)
    ? waivers.items.map((w) => {
        const range = isMap(w) ? w.range : undefined;
        return range ? lineCounter.linePos(range[0]).line : 1;
      })
    : [];
  return { policy: result.data, file, waiverLines };
}

/** Reads and validates a gates policy file. */
export async function loadGatesPolicyFile(path: string): Promise<LoadedGatesPolicy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigurationError(`cannot read the gates policy: ${errorMessage(err)}`, { file: path });
  }
  return parseGatesPolicyText(text, path);
}
