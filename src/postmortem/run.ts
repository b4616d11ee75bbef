/**
 * Opening or updating the postmortem issue of an incident, over the GitHub
 * port. Re-running with the same incident key finds the same issue (by its
 * hidden marker) and refreshes only the parts Bellwether maintains.
 */
import type { Deps } from '../deps/deps.js';
import type { Issue } from '../github/port.js';
import { parseActionItems } from './action-items.js';
import type { Incident, PostmortemRules, Requirement, Review } from './incident.js';
import { deadlines, postmortemRequired, reviewPostmortem } from './incident.js';
import { parsePostmortemForm } from './parse.js';
import { incidentMarker, refreshManagedBlocks, renderPostmortemBody } from './render.js';
import type { TimelineEvent } from './timeline.js';
import { deploymentEvents, mergeTimeline } from './timeline.js';

export interface PostmortemInput {
  readonly incident: Incident;
  readonly rules: PostmortemRules;
  readonly labels: readonly string[];
  /** sev3 incidents of the same service in the last 30 days, for the recurrence rule. */
  readonly recentSev3?: number;
  /** How many recent deployments of the environment to read for the timeline. */
  readonly deploymentLimit?: number;
  /**
   * Open the issue when there is none, and leave an existing one as it is:
   * for a caller that runs again and again during one incident (the freeze
   * schedule), whose figures would otherwise rewrite the issue every run.
   */
  readonly createOnly?: boolean;
}

export type PostmortemOutcome =
  | { readonly status: 'skipped'; readonly requirement: Requirement }
  | {
      readonly status: 'created' | 'updated' | 'unchanged';
      readonly issue: Issue;
      readonly requirement: Requirement;
      readonly review: Review;
    };

const LABEL_COLOR = 'b60205';

/** Opens the incident's postmortem issue, or refreshes the existing one. */
export async function openOrUpdatePostmortem(
  input: PostmortemInput,
  deps: Pick<Deps, 'github' | 'clock' | 'logger'>,
): Promise<PostmortemOutcome> {
  const { incident, rules } = input;
  const requirement = postmortemRequired(incident, rules, input.recentSev3 ?? 0);
  if (!requirement.required) {
    deps.logger.info(`No postmortem for ${incident.key}: ${requirement.reason}.`);
    return { status: 'skipped', requirement };
  }
  const now = deps.clock.now();
  const marker = incidentMarker(incident.key);
  // Looked up once: before the timeline is read when an existing issue is to be left as it is.
  const found = input.createOnly ? await deps.github.findIssue(marker, { state: 'all' }) : undefined;
  if (input.createOnly) {
    const existing = found;
    if (existing) {
      const form = parsePostmortemForm(existing.body);
      const items = parseActionItems(form.answers['action-items'] ?? null);
      deps.logger.info(
        `Postmortem for ${incident.key}: issue #${existing.number} already opened, now ${existing.state} (${existing.url}).`,
      );
      return {
        status: 'unchanged',
        issue: existing,
        requirement,
        review: reviewPostmortem(incident, [...form.problems, ...items.problems], items.items, rules, now),
      };
    }
  }
  const events = mergeTimeline(incident.events, await deploymentTimeline(input, now, deps));
  const full: Incident = { ...incident, events };
  const due = deadlines(full, rules);
  const fresh = renderPostmortemBody(full, due, rules.timeZone);
  const title = `[Postmortem] ${incident.title}`;

  const existing = input.createOnly ? found : await deps.github.findIssue(marker, { state: 'all' });
  let issue: Issue;
  let status: 'created' | 'updated' | 'unchanged';
  if (existing) {
    const body = refreshManagedBlocks(existing.body, fresh);
    status = body === existing.body ? 'unchanged' : 'updated';
    issue = status === 'updated' ? await deps.github.updateIssue(existing.number, { body }) : existing;
  } else {
    for (const name of input.labels)
      await deps.github.ensureLabel({
        name,
        color: LABEL_COLOR,
        description: 'Blameless postmortem tracked by Bellwether',
      });
    issue = await deps.github.createIssue({ title, body: fresh, marker, labels: input.labels });
    status = 'created';
  }
  const form = parsePostmortemForm(issue.body);
  const items = parseActionItems(form.answers['action-items'] ?? null);
  const review = reviewPostmortem(full, [...form.problems, ...items.problems], items.items, rules, now);
  deps.logger.info(`Postmortem for ${incident.key}: issue #${issue.number} ${status} (${issue.url}).`);
  return { status, issue, requirement, review };
}

async function deploymentTimeline(
  input: PostmortemInput,
  now: Date,
  deps: Pick<Deps, 'github'>,
): Promise<TimelineEvent[]> {
  const { incident } = input;
  // Said on the timeline, so that a reader knows deployments were looked for, not forgotten.
  const note = (text: string): TimelineEvent[] => [{ at: incident.startedAt, kind: 'note', text }];
  if (!incident.environment) return note('No environment was named for this incident, so no deployments were read.');
  // From a day before the start, so the deployment that caused it is on the timeline.
  const from = new Date(Date.parse(incident.startedAt) - 86_400_000);
  const to = incident.resolvedAt ? new Date(incident.resolvedAt) : now;
  // GitHub lists the newest first; one page of them keeps the API budget small.
  const deployments = await deps.github.listDeployments({
    environment: incident.environment,
    limit: input.deploymentLimit ?? 10,
  });
  const events: TimelineEvent[] = [];
  for (const d of deployments) {
    if (Date.parse(d.createdAt) > to.getTime()) continue;
    events.push(...deploymentEvents(d, await deps.github.listDeploymentStatuses(d.id), from, to));
  }
  return events.length > 0
    ? events
    : note(`No deployments of ${incident.environment} were found from a day before the incident to its end.`);
}
