/**
 * The registry of policy kinds: every policy file says `kind:`, and its kind
 * picks the schema it is validated against.
 */
import type * as z from 'zod';
import { gatesPolicySchema } from '../gates/core/policy-schema.js';
import { ConfigurationError } from '../runtime/errors.js';
import type { Files } from '../runtime/files.js';
import { checkPolicyText as checkWith } from './check.js';
import type { PolicyCheck, PolicyKindRegistry } from './check.js';
import type { POLICY_KIND_NAMES } from './deploy-kinds.js';
import { deployPolicyKinds } from './deploy-kinds.js';
import { readPolicyText } from './load.js';

export type { PolicyCheck, PolicyKindRegistry } from './check.js';

/**
 * Kind → schema for every policy kind Bellwether ships. The gates schema is
 * owned by the security gates (src/gates/); it is listed here so that
 * `bellwether policy check` validates every policy file alike.
 */
export const policyKinds = {
  ...deployPolicyKinds,
  gates: gatesPolicySchema,
} as const;

/** The name of a built-in policy kind. */
export type PolicyKind = keyof typeof policyKinds;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** POLICY_KIND_NAMES lists exactly the kinds of this registry (a type error otherwise). */
const _kindNamesMatch: Same<PolicyKind, (typeof POLICY_KIND_NAMES)[number]> = true;

/** Any validated built-in policy; `kind` tells which. */
export type AnyPolicy = { [K in PolicyKind]: z.output<(typeof policyKinds)[K]> }[PolicyKind];

/**
 * Validate policy text against the schema its `kind:` names, collecting
 * every problem instead of throwing.
 */
export function checkPolicyText(text: string, file: string, kinds: PolicyKindRegistry = policyKinds): PolicyCheck {
  return checkWith(text, file, kinds);
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
export async function loadAnyPolicyFile(path: string, files: Files): Promise<AnyPolicy> {
  return parseAnyPolicy(await readPolicyText(path, files), path);
}
