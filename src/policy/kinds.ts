/**
 * The registry of policy kinds: every policy file says `kind:`, and its kind
 * picks the schema it is validated against.
 */
import type * as z from 'zod';
import { freezeGatePolicySchema } from './schemas/freeze-gate.js';
import { gatesPolicySchema } from '../gates/core/policy-schema.js';
import { ConfigurationError } from '../runtime/errors.js';
import { didYouMean } from '../runtime/did-you-mean.js';
import { validateSource } from './issues.js';
import { readPolicyText } from './load.js';
import { PolicyProblem, problemsOf, sortProblems } from './problems.js';
import { canaryPolicySchema } from './schemas/canary.js';
import { postmortemPolicySchema } from './schemas/postmortem.js';
import { rollbackPolicySchema } from './schemas/rollback.js';
import { wavesPolicySchema } from './schemas/waves.js';
import { readPolicySource } from './yaml-source.js';
import type { PolicySource } from './yaml-source.js';
import { describeValue, listChoices } from './wording.js';

/**
 * Kind → schema for every policy kind Bellwether ships. The gates schema is
 * owned by the security gates (src/gates/); it is listed here so that
 * `bellwether policy check` validates every policy file alike.
 */
export const policyKinds = {
  canary: canaryPolicySchema,
  waves: wavesPolicySchema,
  // The freeze schema with the deploy gate's settings (src/freeze/), which extends schemas/freeze.ts.
  freeze: freezeGatePolicySchema,
  rollback: rollbackPolicySchema,
  postmortem: postmortemPolicySchema,
  gates: gatesPolicySchema,
} as const;

/** The name of a built-in policy kind. */
export type PolicyKind = keyof typeof policyKinds;

/** Any validated built-in policy; `kind` tells which. */
export type AnyPolicy = { [K in PolicyKind]: z.output<(typeof policyKinds)[K]> }[PolicyKind];

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
export function checkPolicyText(text: string, file: string, kinds: PolicyKindRegistry = policyKinds): PolicyCheck {
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

/**
 * Parse and validate a policy of any built-in kind, dispatching on `kind:`.
 * Throws a ConfigurationError with every problem, sorted by line.
 */
export function parseAnyPolicy(text: string, file: string): AnyPolicy {
  const check = checkPolicyText(text, file);
  if (check.problems.length > 0) throw ConfigurationError.aggregate(check.problems);
  return check.policy as AnyPolicy;
}

/** Read, parse and validate a policy file of any built-in kind. */
export async function loadAnyPolicyFile(path: string): Promise<AnyPolicy> {
  return parseAnyPolicy(await readPolicyText(path), path);
}
