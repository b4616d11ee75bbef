/**
 * The `gates` policy: which findings fail the gate, how actions must be
 * pinned, which owners may be used, and waivers that expire.
 */
import { z } from 'zod';
import { dependenciesPolicySchema, posturePolicySchema } from './deps/policy-schema.js';
import { secretsPolicySchema } from './secrets/policy.js';
import { SEVERITIES } from './finding.js';
import { DEFAULT_AUDIT_OPTIONS } from './model.js';
import { RULES } from './rules.js';

const RULE_IDS = [...RULES.keys()] as [string, ...string[]];

const ruleId = z.enum(RULE_IDS, { error: (iss) => `expected a rule id (${RULE_IDS.join(', ')}), got ${JSON.stringify(iss.input)}` });
const severity = z.enum(SEVERITIES, { error: (iss) => `expected one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(iss.input)}` });
const nonEmpty = z.string().trim().min(1, { error: 'expected a non-empty string' });

/** `YYYY-MM-DD`; YAML may hand over a Date when the value is unquoted. */
const isoDate = z.preprocess(
  (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : v),
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date written YYYY-MM-DD' }).refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
    error: 'expected a real calendar date',
  }),
);

const waiverSchema = z
  .strictObject({
    /** The rule the waiver covers. */
    rule: ruleId,
    /** Glob of files it covers (posix paths relative to where the gate runs); all files when left out. */
    file: nonEmpty.optional(),
    /** One finding's fingerprint, to waive exactly one occurrence. */
    fingerprint: z.string().regex(/^[0-9a-f]{32}$/, { error: 'expected a 32-character hexadecimal fingerprint' }).optional(),
    /** Why accepting the risk is right for now. Required: a waiver without one cannot be reviewed. */
    reason: nonEmpty,
    /** Who answers for it: a GitHub user or team. */
    owner: nonEmpty,
    /** Last day (UTC) the waiver applies; after it the finding is back and the waiver is reported. */
    expires: isoDate,
  })
  .refine((w) => w.file !== undefined || w.fingerprint !== undefined, { error: 'a waiver must name a file glob or a fingerprint' });

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
  rules: z.partialRecord(ruleId, z.strictObject({ severity: severity.optional(), enabled: z.boolean().default(true) })).default({}),
  /** First matching pattern wins; the default pins first-party actions by tag and the rest by SHA. */
  pins: z.array(pinSchema).default(() => DEFAULT_AUDIT_OPTIONS.pins.map((p) => ({ ...p }))),
  /** When not empty, only actions matching these patterns may be used. */
  allow: z.array(nonEmpty).default([]),
  deny: z.array(nonEmpty).default([]),
  waivers: z.array(waiverSchema).default([]),
  /** Files larger than this are reported instead of parsed. */
  maxFileBytes: z.number().int().positive().default(1024 * 1024),
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
