/**
 * The gates policy file, read and parsed once: each family takes its own
 * section from the one parsed document (the workflow audit the whole gates
 * policy, the secret scan its `secrets:` section, the dependency review and
 * the posture checks theirs), keeping where each waiver is written so that
 * expired ones are reported at their line.
 */
import { readPolicyText } from '../../policy/load.js';
import { validateSource } from '../../policy/issues.js';
import { sortProblems } from '../../policy/problems.js';
import { readPolicySource, type PolicySource } from '../../policy/yaml-source.js';
import { ConfigurationError } from '../../runtime/errors.js';
import type { Files } from '../../runtime/files.js';
import { gatesPolicySchema, type GatesPolicy } from './policy-schema.js';

export type { PolicySource };

/** A validated policy and where in its file each waiver is written. */
export interface LoadedGatesPolicy {
  readonly policy: GatesPolicy;
  readonly file: string;
  /** 1-based line of each waiver, by index. */
  readonly waiverLines: readonly number[];
}

/** Validates a parsed gates policy. Throws ConfigurationError naming file, line and field. */
export function parseGatesPolicySource(source: PolicySource): LoadedGatesPolicy {
  const result = validateSource(source, gatesPolicySchema);
  // A failed parse always carries at least one issue, so this always throws.
  if (!result.ok) throw ConfigurationError.aggregate(sortProblems(result.problems));
  const policy = result.value;
  const waiverLines = policy.waivers.map((_, i) => source.locate(['waivers', i]).line);
  return { policy, file: source.file, waiverLines };
}

/** Parses and validates gates policy text. Throws ConfigurationError naming file, line and field. */
export function parseGatesPolicyText(text: string, file: string): LoadedGatesPolicy {
  return parseGatesPolicySource(readPolicySource(text, file));
}

/** Reads a policy file and parses its YAML, once, for every family to take its section from. */
export async function readPolicyDocument(path: string, files: Files): Promise<PolicySource> {
  return readPolicySource(await readPolicyText(path, files), path);
}

/** Reads and validates a gates policy file. */
export async function loadGatesPolicyFile(path: string, files: Files): Promise<LoadedGatesPolicy> {
  return parseGatesPolicySource(await readPolicyDocument(path, files));
}
