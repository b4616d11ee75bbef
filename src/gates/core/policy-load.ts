/**
 * Reading a gates policy file through the shared policy loader (src/policy),
 * keeping where each waiver is written so that expired ones are reported at
 * their line.
 */
import { parsePolicyText, readPolicyText } from '../../policy/index.js';
import { readPolicySource } from '../../policy/yaml-source.js';
import { gatesPolicySchema, type GatesPolicy } from './policy-schema.js';

/** A validated policy and where in its file each waiver is written. */
export interface LoadedGatesPolicy {
  readonly policy: GatesPolicy;
  readonly file: string;
  /** 1-based line of each waiver, by index. */
  readonly waiverLines: readonly number[];
}

/** Parses and validates gates policy text. Throws ConfigurationError naming file, line and field. */
export function parseGatesPolicyText(text: string, file: string): LoadedGatesPolicy {
  const policy = parsePolicyText(text, file, gatesPolicySchema);
  // The text parsed once already, so this second read cannot fail.
  const source = readPolicySource(text, file);
  const waiverLines = policy.waivers.map((_, i) => source.locate(['waivers', i]).line);
  return { policy, file, waiverLines };
}

/** Reads and validates a gates policy file. */
export async function loadGatesPolicyFile(path: string): Promise<LoadedGatesPolicy> {
  return parseGatesPolicyText(await readPolicyText(path), path);
}
