/**
 * Cross-field rules that still run when other fields of the same policy are
 * wrong, so that one pass reports every problem instead of revealing them a
 * few at a time. zod skips a refinement after any earlier failure; rules
 * given `EVEN_AFTER_PROBLEMS` run anyway, and read only fields that
 * `validAt` vouches for (the rest of the value may still be raw input).
 */

interface IssueLike {
  readonly code?: string;
  readonly path?: readonly PropertyKey[];
}

/** Anything that carries the issues found so far, such as a refinement context. */
export interface IssueCarrier {
  readonly issues: readonly IssueLike[];
}

/** Refinement options: run the rule even when other fields have problems. */
export const EVEN_AFTER_PROBLEMS = { when: () => true } as const;

function related(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * True when no problem was found at any of `paths`, inside them, or at a
 * mapping or list that holds them. Unknown keys do not count: they leave the
 * known fields intact.
 */
export function validAt(ctx: IssueCarrier, ...paths: (readonly PropertyKey[])[]): boolean {
  return paths.every((path) =>
    ctx.issues.every((issue) => issue.code === 'unrecognized_keys' || !related(issue.path ?? [], path)),
  );
}

/** A mapping (not a list): what a rule checks before reading its fields. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
