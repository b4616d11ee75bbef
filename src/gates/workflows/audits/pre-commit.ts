/**
 * The audit of a pre-commit configuration (`.pre-commit-config.yaml`): each
 * `repos[].repo` is a repository whose hook code pre-commit clones and runs
 * on the developer's machine and in CI. Fetched over `http://` or `git://`,
 * anyone on the network path can replace that code.
 */
import { isScalar } from 'yaml';
import type { AuditContext } from '../model.js';
import { items, mapGet, spanOf } from '../source.js';
import { localHost } from './insecure-url.js';

const PLAIN = /^(http|git):\/\/([^\s/:?#]+)/i;

/** Reports hook repositories fetched over a plaintext transport. */
export function auditPreCommit(ctx: AuditContext): void {
  for (const repo of items(ctx.file, mapGet(ctx.file, ctx.file.doc.contents, 'repos'))) {
    const node = mapGet(ctx.file, repo, 'repo');
    if (!isScalar(node) || typeof node.value !== 'string') continue;
    const m = PLAIN.exec(node.value.trim());
    if (!m || localHost(m[2] as string)) continue;
    const scheme = (m[1] as string).toLowerCase();
    ctx.report({
      ruleId: 'insecure-url-scheme',
      severity: 'high',
      confidence: 'high',
      span: spanOf(ctx.file, node),
      message: `pre-commit clones the hooks of ${node.value.trim()} over ${scheme}://, which has no encryption or integrity, and runs them: anyone on the network path can change that code; use ${scheme === 'git' ? 'https:// or ssh://' : 'https://'}.`,
      snippet: `pre-commit ${node.value.trim()}`,
    });
  }
}
