/**
 * Checking a policy text against the schema its `kind:` names in a registry
 * of kinds. The registries are in kinds.ts (every kind) and deploy-kinds.ts
 * (the kinds the deploy actions read, without the security gates' schema).
 */
import type * as z from 'zod';
import { ConfigurationError } from '../runtime/errors.js';
import { didYouMean } from '../runtime/did-you-mean.js';
import { validateSource } from './issues.js';
import { PolicyProblem, problemsOf, sortProblems } from './problems.js';
import { readPolicySource } from './yaml-source.js';
import type { PolicySource } from './yaml-source.js';
import { describeValue, listChoices } from './wording.js';

/** A registry of kinds: the built-in one, or one extended with more kinds. */
export type PolicyKindRegistry = Readonly<Record<string, z.ZodType>>;

/** What checking one policy text found. */
export interface PolicyCheck {
  /** The kind the file declares, when it declares a known one. */
  readonly kind: string | undefined;
  /** Every problem, sorted by line; empty when the policy is valid. */
  readonly problems: readonly PolicyProblem[];
  /** The validated policy with its defaults, when there are no problems. */
  readonly policy?: unknown;
}

/**
 * Validate policy text against the schema its `kind:` names, collecting
 * every problem instead of throwing.
 */
export function checkPolicyText(text: string, file: string, kinds: PolicyKindRegistry): PolicyCheck {
  let source: PolicySource;
  try {
    source = readPolicySource(text, file);
  } catch (err) {
    if (err instanceof ConfigurationError) return { kind: undefined, problems: problemsOf(err) };
    throw err;
  }
  const kindOrProblem = declaredKind(source, kinds);
  if (kindOrProblem instanceof PolicyProblem) return { kind: undefined, problems: [kindOrProblem] };
  const schema = kinds[kindOrProblem];
  if (!schema) throw new Error(`kind ${kindOrProblem} vanished from the registry`);
  const result = validateSource(source, schema);
  if (!result.ok) return { kind: kindOrProblem, problems: sortProblems(result.problems) };
  return { kind: kindOrProblem, problems: [], policy: result.value };
}

function declaredKind(source: PolicySource, kinds: PolicyKindRegistry): string | PolicyProblem {
  const names = Object.keys(kinds);
  const data = source.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return new PolicyProblem(`expected a mapping with a "kind" field at the top level, got ${describeValue(data)}`, {
      file: source.file,
      ...source.locate([]),
    });
  }
  const kind: unknown = (data as Record<string, unknown>)['kind'];
  const at = { file: source.file, ...source.locate(['kind']), field: 'kind' };
  if (kind === undefined || kind === null) {
    return new PolicyProblem(`missing required field; expected one of ${listChoices(names)}`, at);
  }
  if (typeof kind !== 'string' || !Object.hasOwn(kinds, kind)) {
    const hint = typeof kind === 'string' ? didYouMean(kind, names) : '';
    return new PolicyProblem(
      `unknown kind ${describeValue(kind)}${hint || `; expected one of ${listChoices(names)}`}`,
      at,
    );
  }
  return kind;
}
