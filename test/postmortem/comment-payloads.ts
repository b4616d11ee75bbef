/**
 * Real `issue_comment` payloads from `@octokit/webhooks-examples` (the shared
 * `webhookPayload` helper does not list this event), with the issue and
 * comment fields a test cares about set on top.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

type Obj = Record<string, unknown>;

interface Definition {
  readonly name: string;
  readonly examples: Obj[];
}

let examples: Obj[] | null = null;

function issueCommentExamples(): Obj[] {
  if (!examples) {
    const require = createRequire(import.meta.url);
    const all = JSON.parse(
      readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8'),
    ) as Definition[];
    examples = all.find((d) => d.name === 'issue_comment')?.examples ?? [];
    if (examples.length === 0) throw new Error('@octokit/webhooks-examples has no issue_comment examples');
  }
  return examples;
}

/** A fresh copy of the first real `issue_comment` example with `action`, with `issue` and `comment` fields replaced. */
export function issueCommentPayload(
  action: 'created' | 'edited' | 'deleted',
  change: { issue?: Obj; comment?: Obj } = {},
): Obj {
  const example = issueCommentExamples().find((e) => e['action'] === action);
  if (!example) throw new Error(`@octokit/webhooks-examples has no issue_comment example with action ${action}`);
  const payload = structuredClone(example);
  payload['issue'] = { ...(payload['issue'] as Obj), ...change.issue };
  payload['comment'] = { ...(payload['comment'] as Obj), ...change.comment };
  return payload;
}

/** A label as GitHub sends it in payloads: the real example's first label, renamed. */
export function labelNamed(payload: Obj, name: string): Obj {
  const labels = (payload['issue'] as { labels: Obj[] }).labels;
  return { ...labels[0], name };
}
