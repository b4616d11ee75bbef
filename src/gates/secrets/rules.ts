/**
 * The whole rule set of the secret scan, compiled once.
 */
import { compileRules, type CompiledRules } from './engine.js';
import type { SecretRule } from './rule.js';
import { CLOUD_RULES } from './rules-cloud.js';
import { FINANCE_RULES } from './rules-finance.js';
import { GENERIC_RULES } from './rules-generic.js';
import { HTTP_CREDENTIAL_RULES } from './rules-http.js';
import { CONFIG_PASSWORD_RULES } from './rules-passwords.js';
import { PLATFORM_RULES } from './rules-platforms.js';
import { DEVELOPER_SERVICE_RULES, MESSAGING_AND_SOCIAL_RULES } from './rules-services.js';
import { MORE_PREFIXED_RULES } from './rules-tokens.js';
import {
  AI_RULES,
  CHAT_RULES,
  CODE_HOST_RULES,
  OBSERVABILITY_RULES,
  PAYMENT_AND_MAIL_RULES,
  REGISTRY_RULES,
} from './rules-vendors.js';

/** Every rule, vendor rules first. */
export const SECRET_RULES: readonly SecretRule[] = [
  ...CLOUD_RULES,
  ...CODE_HOST_RULES,
  ...CHAT_RULES,
  ...PAYMENT_AND_MAIL_RULES,
  ...REGISTRY_RULES,
  ...AI_RULES,
  ...OBSERVABILITY_RULES,
  ...PLATFORM_RULES,
  ...MORE_PREFIXED_RULES,
  ...DEVELOPER_SERVICE_RULES,
  ...MESSAGING_AND_SOCIAL_RULES,
  ...FINANCE_RULES,
  ...HTTP_CREDENTIAL_RULES,
  ...CONFIG_PASSWORD_RULES,
  ...GENERIC_RULES,
];

let compiled: CompiledRules | undefined;

/** The compiled default rule set, built on first use rather than at import. */
export function defaultRules(): CompiledRules {
  compiled ??= compileRules(SECRET_RULES);
  return compiled;
}

/** The rule with this id, if there is one. */
export function secretRule(id: string): SecretRule | undefined {
  return SECRET_RULES.find((r) => r.id === id);
}
