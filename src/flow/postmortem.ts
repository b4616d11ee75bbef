/**
 * The postmortem of a canary handed to the rollback flow: the incident, with
 * the promotion's history as its timeline and the verdict as its evidence,
 * and where it goes. In an Actions job it is the postmortem issue, opened or
 * refreshed by its incident key; locally it is a draft file beside the
 * rollback draft.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CanaryRunOutcome } from '../canary/promotion/run.js';
import type { LoadedPolicy } from '../policy/set.js';
import { policyFor } from '../policy/set.js';
import { rulesOf } from '../postmortem/events.js';
import type { Incident, PostmortemRules } from '../postmortem/incident.js';
import { deadlines, postmortemRequired } from '../postmortem/incident.js';
import { renderPostmortemBody } from '../postmortem/render.js';
import type { TimelineEvent } from '../postmortem/timeline.js';
import { openOrUpdatePostmortem } from '../postmortem/run.js';
import type { RollbackOutcome } from '../rollback/run.js';
import type { Deps } from '../deps/deps.js';
import { errorMessage } from '../runtime/errors.js';

/** What became of a postmortem: one line saying what was written, and the draft's path when one was. */
export interface PostmortemWritten {
  readonly note: string;
  readonly draft?: string;
  /** The postmortem issue, when one was opened or refreshed on GitHub. */
  readonly issue?: { readonly number: number; readonly url: string };
}

/** What the postmortem policy of a service says: the rules, and the labels of a postmortem issue. */
export interface PostmortemSettings {
  readonly rules: PostmortemRules;
  readonly labels: readonly string[];
}

/** Where a postmortem goes. */
export type PostmortemSink = (incident: Incident, settings: PostmortemSettings) => Promise<PostmortemWritten>;

/** The incident of a failed or rolled-back canary, as the postmortem action would be given it. */
export function canaryIncident(
  where: { service: string; environment: string; region?: string },
  canary: CanaryRunOutcome,
  rollback: RollbackOutcome,
  now: Date,
): Incident {
  const promotion = canary.last.manifest.promotion;
  const version = rollback.bad;
  return {
    key: `rollback-${where.service}-${version}`,
    title: `${where.service} ${version} rolled back`,
    // The postmortem action's default severity when no incident label says otherwise.
    severity: 'sev2',
    trigger: 'rollback',
    service: where.service,
    // The deployments' environment, so that the timeline finds the promotion's deployment and its statuses.
    environment: where.region ? `${where.environment}/${where.region}` : where.environment,
    startedAt: promotion?.startedAt ?? now.toISOString(),
    resolvedAt: now.toISOString(),
    summary: `The canary of ${version} ${canary.failure ? `failed: ${canary.failure}` : 'was rolled back'}.`,
    evidence: canary.evidence,
    links:
      rollback.pullRequest.number !== null ? [{ label: 'rollback pull request', url: rollback.pullRequest.url }] : [],
    events: [
      ...(promotion?.history ?? []).map((e) => ({
        at: e.at,
        kind: e.event.startsWith('judgment') ? ('verdict' as const) : ('traffic' as const),
        text: `${e.event}${e.by ? ` (by ${e.by})` : ''}`,
      })),
      ...rollbackEvents(version, rollback, now),
    ],
  };
}

/** What the rollback flow did, on the timeline: traffic back, the quarantine, the pull request. */
function rollbackEvents(version: string, rollback: RollbackOutcome, now: Date): TimelineEvent[] {
  const at = now.toISOString();
  const events: TimelineEvent[] = [];
  if (rollback.good) events.push({ at, kind: 'rollback', text: `${version} rolled back to ${rollback.good}` });
  if (rollback.quarantine === 'committed') events.push({ at, kind: 'rollback', text: `${version} quarantined` });
  if (rollback.pullRequest.number !== null)
    events.push({
      at,
      kind: 'rollback-pr',
      text: `rollback pull request #${rollback.pullRequest.number} opened`,
      url: rollback.pullRequest.url,
    });
  return events;
}

/** The postmortem policy that applies to the service. */
export function postmortemSettings(set: readonly LoadedPolicy[], service: string | undefined): PostmortemSettings {
  const policy = policyFor(set, 'postmortem', service).policy;
  return { rules: rulesOf(policy), labels: policy.labels };
}

/**
 * Opens the incident's postmortem issue on GitHub, or refreshes the one its
 * key already names, when the policy asks for one. The line it returns says
 * which, with the issue's address: only a write that happened is reported.
 */
export function postmortemIssue(deps: Pick<Deps, 'github' | 'clock' | 'logger'>): PostmortemSink {
  return async (incident, { rules, labels }) => {
    const outcome = await openOrUpdatePostmortem({ incident, rules, labels }, deps);
    if (outcome.status === 'skipped') return { note: `no postmortem: ${outcome.requirement.reason}` };
    const did =
      outcome.status === 'created' ? 'opened' : outcome.status === 'updated' ? 'updated' : 'already up to date';
    return {
      note: `postmortem issue #${outcome.issue.number} ${did}: ${outcome.issue.url} (${outcome.requirement.reason})`,
      issue: { number: outcome.issue.number, url: outcome.issue.url },
    };
  };
}

/**
 * Writes an incident's postmortem through the sink. A postmortem that could
 * not be written is said (`error`), never thrown past the rollback or halt it
 * follows, which has already happened: the caller fails its run with it.
 */
export async function writePostmortem(
  sink: PostmortemSink,
  incident: Incident,
  settings: PostmortemSettings,
): Promise<{ written?: PostmortemWritten; error?: string; note: string }> {
  try {
    const written = await sink(incident, settings);
    return { written, note: written.note };
  } catch (err) {
    const error = `the postmortem issue could not be opened: ${errorMessage(err)}`;
    return { error, note: error };
  }
}

/** Writes the postmortem issue that would be opened, when the policy asks for one. */
export function draftPostmortem(dir: string): PostmortemSink {
  return async (incident, { rules }) => {
    const requirement = postmortemRequired(incident, rules);
    if (!requirement.required) return { note: `no postmortem: ${requirement.reason}` };
    await mkdir(dir, { recursive: true });
    const path = join(dir, `postmortem-${incident.key.replace(/[^\w.-]+/g, '-')}.md`);
    await writeFile(
      path,
      `# [Postmortem] ${incident.title}\n\n${renderPostmortemBody(incident, deadlines(incident, rules), rules.timeZone)}`,
    );
    return { note: `no postmortem issue was opened (no GitHub token); the draft is at ${path}`, draft: path };
  };
}
