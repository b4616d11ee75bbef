/**
 * A finding of the secret scan: the gates' shared finding, whose snippet is
 * the redacted secret, plus what only secrets have.
 */
import type { Finding } from '../core/finding.js';

/** A secret found in a file. Nothing in it holds the secret itself. */
export interface SecretFinding extends Finding {
  /** The redacted form (`ghp_*** (40 chars)`) and the length of the secret. */
  readonly secret: { readonly redacted: string; readonly length: number };
  /** gitleaks' id for the same rule, when it has one. */
  readonly gitleaks?: string;
}
