/**
 * Dependency changes from a JSON file in the shape GitHub's compare endpoint
 * returns (`GET /repos/{owner}/{repo}/dependency-graph/compare/{basehead}`),
 * for offline runs. Mistakes are reported with the file, the line of the
 * entry and the field.
 */
import * as z from 'zod';
import type { DependencyChange } from '../../github/port.js';
import { toDependencyChange } from '../../github/rest-mappers.js';
import { formatFieldPath } from '../../policy/problems.js';
import { ConfigurationError } from '../../runtime/errors.js';

const vulnerability = z.object({
  severity: z.string(),
  advisory_ghsa_id: z.string(),
  advisory_summary: z.string(),
  advisory_url: z.string(),
});

/** GitHub's `dependency-graph-diff` schema: every field it lists as required. */
export const dependencyDiffSchema = z.array(
  z.object({
    change_type: z.enum(['added', 'removed']),
    manifest: z.string(),
    ecosystem: z.string(),
    name: z.string(),
    version: z.string(),
    package_url: z.string().nullable(),
    license: z.string().nullable(),
    source_repository_url: z.string().nullable(),
    vulnerabilities: z.array(vulnerability),
    scope: z.enum(['unknown', 'runtime', 'development']),
  }),
);

/** 1-based line where the `index`-th element of the top-level JSON array starts. */
export function lineOfArrayItem(text: string, index: number): number | undefined {
  let depth = 0;
  let inString = false;
  let item = -1;
  let expectItem = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (expectItem && !/\s/.test(c) && c !== ']') {
      item++;
      expectItem = false;
      if (item === index) return line;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1 && c === '[') expectItem = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectItem = true;
  }
  return undefined;
}

/** Parses a snapshot file's text. Throws ConfigurationError naming file, line and field. */
export function parseDependencySnapshot(text: string, file: string): DependencyChange[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigurationError(`is not JSON: ${(err as Error).message}`, { file });
  }
  const parsed = dependencyDiffSchema.safeParse(json);
  if (!parsed.success) {
    throw ConfigurationError.aggregate(
      parsed.error.issues.slice(0, 20).map((issue) => {
        const first = issue.path[0];
        const line = typeof first === 'number' ? lineOfArrayItem(text, first) : 1;
        const field = formatFieldPath(issue.path);
        const message =
          issue.path.length === 0
            ? "expected the array that GitHub's dependency-graph compare endpoint returns"
            : issue.message;
        return new ConfigurationError(message, {
          file,
          ...(line !== undefined ? { line } : {}),
          ...(field ? { field } : {}),
        });
      }),
    );
  }
  return parsed.data.map((d) => toDependencyChange(d as unknown as Record<string, unknown>));
}
