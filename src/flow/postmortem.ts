/**
 * The postmortem of a canary handed to the rollback flow: the incident, with
 * the promotion's history as its timeline and the verdict as its evidence,
 * and where it goes. Locally it is a draft file beside the rollback draft.
 * The canary action opens no postmortem issue yet; a rollback through
 * workflows/rollback.yml does, in its postmortem job.
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
import type { RollbackOutcome } from '../rollback/run.js';

/** What became of a postmortem: one line saying what was written, and the draft's path when one was. */
export interface PostmortemWritten {
  readonly note: string;
  readonly draft?: string;
}

/** Where a postmortem goes. */
export type PostmortemSink = (incident: Incident, rules: PostmortemRules) => Promise<PostmortemWritten>;

/** The incident of a failed or rolled-back canary, as the postmortem action would be given it. */
export function canaryIncident(where: { service: string; environment: string }, canary: CanaryRunOutcome, rollback: RollbackOutcome, now: Date): Incident {
  const promotion = canary.last.manifest.promotion;
  const version = rollback.bad;
  return {
    key: `rollback-${where.service}-${version}`,
    title: `${where.service} ${version} rolled back`,
    // The postmortem action's default severity when no incident label says otherwise.
    severity: 'sev2',
    trigger: 'rollback',
    service: where.service,
    environment: where.environment,
    startedAt: promotion?.startedAt ?? now.toISOString(),
    resolvedAt: now.toISOString(),
    summary: `The canary of ${version} ${canary.failure ? `failed: ${canary.failure}` : 'was rolled back'}.`,
    evidence: canary.evidence,
    links: rollback.pullRequest.number !== null ? [{ label: 'rollback pull request', url: rollback.pullRequest.url }] : [],
    events: (promotion?.history ?? []).map((e) => ({ at: e.at, kind: 'traffic' as const, text: `${e.event}${e.by ? ` (by ${e.by})` : ''}` })),
  };
}

/** The postmortem rules that apply to the service. */
export function postmortemRules(set: readonly LoadedPolicy[], service: string): PostmortemRules {
  return rulesOf(policyFor(set, 'postmortem', service).policy);
}

/** Writes the postmortem issue that would be opened, when the policy asks for one. */
export function draftPostmortem(dir: string): PostmortemSink {
  return async (incident, rules) => {
    const requirement = postmortemRequired(incident, rules);
    if (!requirement.required) return { note: `no postmortem: ${requirement.reason}` };
    await mkdir(dir, { recursive: true });
    const path = join(dir, `postmortem-${incident.key.replace(/[^\w.-]+/g, '-')}.md`);
    await writeFile(path, `# [Postmortem] ${incident.title}\n\n${renderPostmortemBody(incident, deadlines(incident, rules), rules.timeZone)}`);
    return { note: `no postmortem issue was opened (no GitHub token); the draft is at ${path}`, draft: path };
  };
}
