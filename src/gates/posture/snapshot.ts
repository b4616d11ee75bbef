/**
 * What the posture checks look at: the repository's settings and files at
 * one moment, as a plain value. It is gathered through the GitHub port where
 * the port has the verbs, or read from a JSON file. A field left out means
 * "not known", and the check that needs it says it could not run.
 */
import * as z from 'zod';

const protectionSchema = z.strictObject({
  /** Contexts of the required status checks. */
  requiredStatusChecks: z.array(z.string()).default([]),
  /** Approving reviews required; 0 when reviews are not required. */
  requiredApprovingReviews: z.number().int().min(0).default(0),
  requireCodeOwnerReviews: z.boolean().default(false),
  enforceAdmins: z.boolean().default(false),
  allowForcePushes: z.boolean().default(false),
  allowDeletions: z.boolean().default(false),
});

const environmentSchema = z.strictObject({
  name: z.string().min(1),
  protectionRules: z
    .array(
      z.strictObject({
        type: z.string(),
        waitTimerMinutes: z.number().int().min(0).optional(),
        reviewers: z.array(z.string()).optional(),
      }),
    )
    .default([]),
});

const fileSchema = z.strictObject({
  path: z.string().min(1),
  status: z.enum(['added', 'modified', 'removed', 'renamed', 'copied', 'changed', 'unchanged']),
  /** True when the content is not text; when left out, the extension decides. */
  binary: z.boolean().optional(),
});

/** The snapshot as JSON, validated. */
export const postureSnapshotSchema = z.strictObject({
  defaultBranch: z.string().min(1),
  /** Null when the default branch has no classic protection; left out when not known. */
  branchProtection: protectionSchema.nullable().optional(),
  /** Number of active rulesets that target the default branch; left out when not known. */
  rulesets: z.number().int().min(0).optional(),
  environments: z.array(environmentSchema).optional(),
  /** Paths of the files present, for the ones the checks look for; a null path means known to be absent. */
  files: z
    .strictObject({
      codeowners: z.string().nullable().optional(),
      securityPolicy: z.string().nullable().optional(),
      dependabot: z.string().nullable().optional(),
    })
    .default({}),
  /** Text of the CODEOWNERS file, to tell which changed paths have owners. */
  codeownersText: z.string().optional(),
  workflowPermissions: z
    .strictObject({ defaultPermissions: z.enum(['read', 'write']), canApprovePullRequestReviews: z.boolean() })
    .optional(),
  /** Files the pull request changes; left out outside a pull request. */
  changedFiles: z.array(fileSchema).optional(),
});

export type PostureSnapshot = z.output<typeof postureSnapshotSchema>;
export type BranchProtection = z.output<typeof protectionSchema>;
export type ChangedFile = z.output<typeof fileSchema>;
