/**
 * Loading one policy file: read it, parse its YAML with line numbers, and
 * validate it against a schema that also fills in the defaults.
 */
import type * as z from 'zod';
import { ConfigurationError } from '../runtime/errors.js';
import type { Files } from '../runtime/files.js';
import { validateSource } from './issues.js';
import { PolicyProblem, sortProblems } from './problems.js';
import { readPolicySource } from './yaml-source.js';

/** Policy files are small; anything bigger is a mistake, not a policy. */
export const MAX_POLICY_BYTES = 1024 * 1024;

/**
 * Parse and validate policy text. Throws a ConfigurationError naming file,
 * line and field for every problem found (YAML syntax, duplicate keys,
 * schema), sorted by line; returns the policy with its defaults filled in.
 *
 * @param file the path to name in messages, as the user wrote it
 */
export function parsePolicyText<T>(text: string, file: string, schema: z.ZodType<T>): T {
  const source = readPolicySource(text, file);
  const result = validateSource(source, schema);
  // A failed parse always carries at least one issue, so this always throws.
  if (!result.ok) throw ConfigurationError.aggregate(sortProblems(result.problems));
  return result.value;
}

/**
 * Read a policy file as UTF-8 text. A missing file, a directory or bytes that
 * are not UTF-8 text are ConfigurationErrors naming the file.
 */
export async function readPolicyText(path: string, files: Files): Promise<string> {
  let bytes: Uint8Array;
  try {
    const info = await files.stat(path);
    if (info === undefined) throw new PolicyProblem('no such policy file', { file: path });
    if (info.dir) throw new PolicyProblem('is a directory; expected a policy file', { file: path });
    if (info.size > MAX_POLICY_BYTES) {
      throw new PolicyProblem(`is ${info.size} bytes; a policy file may be at most ${MAX_POLICY_BYTES}`, {
        file: path,
      });
    }
    bytes = await files.read(path);
  } catch (err) {
    if (err instanceof ConfigurationError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new PolicyProblem('no such policy file', { file: path });
    if (code === 'EACCES') throw new PolicyProblem('cannot read the policy file: permission denied', { file: path });
    throw err;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PolicyProblem('is not UTF-8 text; a policy file must be YAML saved as UTF-8', { file: path });
  }
  // TextDecoder drops a leading byte order mark by default, so none is left here.
  if (text.includes('\u0000')) {
    throw new PolicyProblem('holds NUL bytes; a policy file must be YAML text', { file: path });
  }
  return text;
}

/** Read and validate one policy file against `schema`. */
export async function loadPolicyFile<T>(path: string, schema: z.ZodType<T>, files: Files): Promise<T> {
  return parsePolicyText(await readPolicyText(path, files), path, schema);
}
