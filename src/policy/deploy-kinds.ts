/**
 * The policy kinds that the deploy actions and verbs read (canary, waves,
 * freeze, rollback, postmortem, notify): every kind but the security gates', whose
 * schema holds every secret and workflow rule and is built only when a
 * `kind: gates` file is read (kinds.ts).
 */
import { freezeGatePolicySchema } from './schemas/freeze-gate.js';
import { canaryPolicySchema } from './schemas/canary.js';
import { notifyPolicySchema } from './schemas/notify.js';
import { postmortemPolicySchema } from './schemas/postmortem.js';
import { rollbackPolicySchema } from './schemas/rollback.js';
import { wavesPolicySchema } from './schemas/waves.js';

/** Kind → schema for the deploy policy kinds. */
export const deployPolicyKinds = {
  canary: canaryPolicySchema,
  waves: wavesPolicySchema,
  // The freeze schema with the deploy gate's settings (src/freeze/), which extends schemas/freeze.ts.
  freeze: freezeGatePolicySchema,
  rollback: rollbackPolicySchema,
  postmortem: postmortemPolicySchema,
  notify: notifyPolicySchema,
} as const;

/** The name of a deploy policy kind. */
export type DeployPolicyKind = keyof typeof deployPolicyKinds;

/** Every built-in kind's name, without building any schema (kinds.ts checks that they match). */
export const POLICY_KIND_NAMES = ['canary', 'waves', 'freeze', 'rollback', 'postmortem', 'notify', 'gates'] as const;
