/**
 * Where Bellwether looks for a repository's policies and metrics providers,
 * relative to the repository root. A module of its own, with no imports, so
 * that the CLI's help can show the defaults without loading the policy code.
 */

/** The policy folder, relative to the repository root. */
export const POLICY_DIR = '.github/bellwether';

/** The metrics providers file, relative to the repository root. */
export const METRICS_FILE = `${POLICY_DIR}/metrics.yml`;
