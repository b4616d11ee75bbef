/**
 * The actions' end: the notice an action returned, placed in its run and
 * sent to the targets of its `notify-*` inputs under the notify policy.
 * Whatever goes wrong here (a bad notify policy, a webhook that refuses) is
 * a warning, never a failure of the step: the decision was already made.
 */
import type { Deps } from '../deps/deps.js';
import { locatePolicies } from '../policy/locate.js';
import { loadPolicySet, policyFor } from '../policy/set.js';
import type { RunContext } from '../runtime/context.js';
import { runUrl } from '../runtime/context.js';
import { ConfigurationError } from '../runtime/errors.js';
import type { Notice, NotifyEvent } from './event.js';
import type { NotifyTargets } from './send.js';
import type { WebhookPort } from '../runtime/webhooks.js';
import { notify, notifyMarkdown, TARGET_KINDS } from './send.js';

/** A notice placed in the run it happened in. */
export function placeNotice(notice: Notice, ctx: RunContext, now: Date): NotifyEvent {
  const repository = `${ctx.owner}/${ctx.repo}`;
  const where = [notice.service, notice.environment, notice.region].filter(Boolean).join('/');
  return {
    ...notice,
    id: `${ctx.runId}.${ctx.runAttempt}/${notice.kind}.${notice.action}${where ? `/${where}` : ''}`,
    time: now.toISOString(),
    repository,
    repositoryUrl: `${ctx.serverUrl}/${repository}`,
    runUrl: runUrl(ctx),
  };
}

/**
 * Sends the notice, when there is one and a target is configured, and
 * returns Markdown for the job summary saying what became of each target.
 */
export async function announce(
  notice: Notice | undefined,
  targets: NotifyTargets,
  policyInput: string,
  deps: Pick<Deps, 'clock' | 'logger' | 'files'> & { readonly webhooks: WebhookPort },
  ctx: RunContext,
): Promise<string> {
  if (!notice || !TARGET_KINDS.some((t) => targets[t]?.trim())) return '';
  let policy;
  try {
    const set = await loadPolicySet(locatePolicies(policyInput || undefined, ctx.workspace).path, deps.files);
    policy = policyFor(set, 'notify', notice.service).policy;
  } catch (err) {
    if (!(err instanceof ConfigurationError)) throw err;
    deps.logger.warning(`No notification was sent: the notify policy could not be read: ${err.message}`);
    return `\n#### Notifications\n\n- ⚠️ none sent: the notify policy could not be read (${err.message}); the decision above stands\n`;
  }
  const outcome = await notify(placeNotice(notice, ctx, deps.clock.now()), targets, policy, deps);
  if (outcome.skipped) deps.logger.info(`No notification sent: ${outcome.skipped}`);
  return notifyMarkdown(outcome);
}
