/**
 * The `rollback` policy: how a failed verdict turns into a rollback commit or
 * pull request, and how the bad version is kept out afterwards.
 */
import * as z from 'zod';
import { label, people, policyVersion, text } from '../fields.js';

/** The rollback policy as written, with its defaults. */
export const rollbackPolicySchema = z.strictObject({
  kind: z.literal('rollback'),
  version: policyVersion(),
  description: z.string().optional(),
  /**
   * Commit the rollback straight to the deploy branch, then open the pull
   * request for review after the fact. Needs a token allowed past branch
   * protection; off by default.
   */
  emergencyDirectCommit: z.boolean().default(false),
  /** Asked to review every rollback pull request. */
  reviewers: people(),
  labels: z.array(label()).default(['bellwether:rollback']),
  /** Enable auto-merge on the rollback pull request, so it lands once checks pass. */
  autoMerge: z.boolean().default(false),
  quarantine: z
    .strictObject({
      /** Refuse to deploy the rolled-back version again until a fix passes its canary. */
      enabled: z.boolean().default(true),
      label: label().default('bellwether:quarantined'),
    })
    .prefault({}),
  /** Branch holding the release manifests. */
  deployBranch: text().default('main'),
  /**
   * A release marked irreversible (it carries a database migration, say):
   * `roll-forward` pauses it where it is and the pull request asks for a fix;
   * `rollback` rolls it back all the same.
   */
  irreversible: z.enum(['roll-forward', 'rollback']).default('roll-forward'),
});

/** A validated rollback policy. */
export type RollbackPolicy = z.output<typeof rollbackPolicySchema>;
