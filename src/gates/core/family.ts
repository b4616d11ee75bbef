/**
 * One interface for every gate family. A family takes the change and the one
 * parsed policy file, runs (and decides), and hands back what each surface
 * needs: its result for the combined verdict, its Markdown section, its SARIF
 * runs and its check-run annotations. `run-all` loops over the families.
 */
import type { CheckAnnotation } from '../../github/port.js';
import type { SarifRun } from '../../report/sarif.js';
import type { GateFamily, GateResult } from './combine.js';
import type { PolicySource } from './policy-load.js';
import type { GitPort } from '../../gitops/git.js';

/** What the families run on: one change of one checkout. */
export interface GateChange {
  /** The checkout. */
  readonly cwd: string;
  /** Git in the checkout. */
  readonly git: GitPort;
  /** What the gates count: what a change introduces, or everything. */
  readonly mode: GateMode;
  /** The pull request's commits, when there is one to compare with. */
  readonly range?: { readonly base: string; readonly head: string };
  /**
   * The policy file, read and parsed once for every family (undefined: the
   * built-in defaults). A file that cannot be read or parsed rejects, and
   * each family that needs it reports that it could not run.
   */
  readonly policy?: Promise<PolicySource>;
}

/** What the gates count: what a change introduces, or everything. */
export type GateMode = 'diff' | 'full';

/** What one family gave, for every surface. */
export interface FamilyReport<V> {
  readonly value: V;
  readonly result: GateResult;
  readonly markdown: string;
  readonly sarif: readonly SarifRun[];
  readonly annotations: readonly CheckAnnotation[];
}

/** A gate family behind the one interface. */
export interface GateFamilyRunner<V> {
  readonly family: GateFamily;
  /** False when the change gives the family nothing to look at (no pull request to compare with). */
  applies(change: GateChange): boolean;
  /** Runs and decides; throws when the family cannot run. */
  run(change: GateChange): Promise<FamilyReport<V>>;
  /** True for an error that stops every gate (a usage mistake on the command line) rather than this family alone. */
  fatal?(err: unknown): boolean;
}
