/**
 * The judge's configuration from a file's text: Kayenta's canary config
 * JSON, a canary policy (`kind: canary`, its `analysis.judge`), a document
 * with a `judge:` block, or the block alone.
 */
import * as z from 'zod';
import { validateSource } from '../../policy/issues.js';
import { sortProblems } from '../../policy/problems.js';
import { canaryPolicySchema } from '../../policy/schemas/canary.js';
import { readPolicySource } from '../../policy/yaml-source.js';
import type { PolicySource } from '../../policy/yaml-source.js';
import { ConfigurationError } from '../../runtime/errors.js';
import { judgeBlockSchema, judgeConfigFromBlock } from './config-schema.js';
import { looksLikeKayentaConfig, parseKayentaConfig } from './kayenta-config.js';
import type { JudgeConfig } from './types.js';

/** Reads a judge configuration from its text: Kayenta JSON, or our YAML (or JSON) forms. */
export function loadJudgeConfig(text: string, file: string): JudgeConfig {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new ConfigurationError(`not valid JSON: ${(err as Error).message}`, { file });
    }
    if (looksLikeKayentaConfig(doc)) return parseKayentaConfig(doc, file);
  }
  // parsed once: a configuration of thousands of metrics is worth not reading twice
  const source = readPolicySource(text, file);
  const top = typeof source.data === 'object' && source.data !== null ? (source.data as Record<string, unknown>) : {};
  if (top['kind'] === 'canary') {
    const policy = validated(source, canaryPolicySchema);
    return judgeConfigFromBlock(policy.analysis.judge);
  }
  if ('judge' in top) {
    const doc = validated(source, z.object({ judge: judgeBlockSchema }).loose());
    return judgeConfigFromBlock(doc.judge);
  }
  return judgeConfigFromBlock(validated(source, judgeBlockSchema));
}

function validated<T>(source: PolicySource, schema: z.ZodType<T>): T {
  const result = validateSource(source, schema);
  if (!result.ok) throw ConfigurationError.aggregate(sortProblems(result.problems));
  return result.value;
}
