/**
 * The `gates` policy: which findings fail the gate, how actions must be
 * pinned, which owners may be used, and waivers that expire.
 */
import * as z from 'zod';
import { waiverSchema as sharedWaiverSchema } from './waiver.js';
import { dependenciesPolicySchema, posturePolicySchema } from '../deps/policy-schema.js';
import { secretsPolicySchema } from '../secrets/policy.js';
import { SEVERITIES } from './finding.js';
import { DEFAULT_AUDIT_OPTIONS } from '../workflows/model.js';
import { RULES } from '../workflows/rules.js';

const RULE_IDS = [...RULES.keys()] as [string, ...string[]];

const ruleId = z.enum(RULE_IDS, {
  error: (iss) => `expected a rule id (${RULE_IDS.join(', ')}), got ${JSON.stringify(iss.input)}`,
});
const severity = z.enum(SEVERITIES, {
  error: (iss) => `expected one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(iss.input)}`,
});
const nonEmpty = z.string().trim().min(1, { error: 'expected a non-empty string' });

/** `YYYY-MM-DD`; YAML may hand over a Date when the value is unquoted. */

const waiverSchema = sharedWaiverSchema(ruleId);

const pinSchema = z.strictObject({
  /** `owner/repo`, `owner/*` or `*`. */
  pattern: nonEmpty,
  policy: z.enum(['hash-pin', 'ref-pin', 'any']),
});

/** The gates policy as written, with its defaults. */
export const gatesPolicySchema = z.strictObject({
  kind: z.literal('gates'),
  version: z.literal(1).default(1),
  description: z.string().optional(),
  /** Findings at or above this severity fail the gate (exit 1). */
  failOn: severity.default('high'),
  /** Per-rule overrides: a fixed severity, or `enabled: false`. */
  rules: z
    .partialRecord(ruleId, z.strictObject({ severity: severity.optional(), enabled: z.boolean().default(true) }))
    .default({}),
  /** First matching pattern wins; the default pins first-party actions by tag and the rest by SHA. */
  pins: z.array(pinSchema).default(() => DEFAULT_AUDIT_OPTIONS.pins.map((p) => ({ ...p }))),
  /** When not empty, only actions matching these patterns may be used. */
  allow: z.array(nonEmpty).default([]),
  deny: z.array(nonEmpty).default([]),
  waivers: z.array(waiverSchema).default([]),
  /** Files larger than this are reported instead of parsed. */
  maxFileBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** The other gates of a pull request, each read by its own family (src/gates/secrets, deps, posture). */
  secrets: secretsPolicySchema.optional(),
  dependencies: dependenciesPolicySchema.optional(),
  posture: posturePolicySchema.optional(),
});

/** A validated gates policy. */
export type GatesPolicy = z.output<typeof gatesPolicySchema>;
/** One waiver of a gates policy. */
export type Waiver = GatesPolicy['waivers'][number];

/** The policy used when none is given. */
export const DEFAULT_GATES_POLICY: GatesPolicy = gatesPolicySchema.parse({ kind: 'gates' });
