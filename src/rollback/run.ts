/**
 * A rollback, end to end: decide per manifest, restore traffic at once with
 * a compare-and-swap commit when the policy allows it, quarantine the bad
 * version, and open (or update) one pull request that records it all with
 * the evidence. Re-running converges: nothing is committed twice and no
 * second pull request is opened.
 *
 * A rollback pull request that was closed: `findPullRequest` sees only open
 * ones, so a re-run looks at the deploy branch instead. When it already holds
 * the rollback record (`<manifests>/<service>/rollbacks/<bad>.md`, which only
 * a merged rollback pull request puts there) and this run had nothing left to
 * restore, the rollback is complete: no pull request is opened and the
 * outcome names the record. A pull request closed without merging was turned
 * down, but the version is still bad (the alert fired again, or someone asked
 * again): the re-run opens a new pull request from the same branch, brought up
 * to date; the closed one stays as the record of that decision.
 */
import type { GitHubPort } from '../github/port.js';
import type { ContentStore, StoredText } from '../gitops/content-store.js';
import { manifestPath, parseManifest, renderManifest, updateManifest } from '../gitops/manifest.js';
import type { RollbackPolicy } from '../policy/schemas/rollback.js';
import { ConfigurationError, errorMessage } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import type { DeploymentMark } from './deployments.js';
import { deploymentEnvironment, markRollbackDeployments } from './deployments.js';
import type { RollbackPlan } from './plan.js';
import { planRollback } from './plan.js';
import { PrimedStore } from './primed-store.js';
import type { Published, RollbackPublisher } from './publish.js';
import { changeQuarantine, quarantinePath, quarantined, readQuarantine } from './quarantine.js';
import { quarantineSchema } from './quarantine.js';
import { stringify } from 'yaml';
import { escapeMarkdown } from '../report/markdown.js';
import type { Deps } from '../deps/deps.js';

export type RollbackTrigger = 'verdict' | 'deployment_status' | 'alert' | 'manual';

export interface RollbackInputs {
  readonly service: string;
  readonly environment: string;
  /** Regions to roll back; `['default']` for a service that is not regional. */
  readonly regions: readonly string[];
  readonly version?: string;
  readonly target?: string;
  readonly reason: string;
  readonly actor: string;
  readonly trigger: RollbackTrigger;
  /** When the failure was first signalled; the time to the rollback commit is measured from it. */
  readonly signalAt?: Date;
  /** Markdown evidence: the verdict, the metrics table, a chart. */
  readonly evidence?: string;
  readonly links: ReadonlyArray<{ readonly label: string; readonly url: string }>;
  readonly manifests: string;
}

export interface RollbackDeps extends Pick<Deps, 'clock' | 'logger'> {
  /** The deploy branch. */
  readonly store: ContentStore;
  readonly publisher: RollbackPublisher;
  /**
   * GitHub, when connected: the failed canary's deployment is marked
   * `failure` and the last good one `success`. Without it (local runs) no
   * deployment status is written.
   */
  readonly github?: Deps['github'];
}

export interface RegionOutcome {
  readonly region: string;
  readonly path: string;
  readonly plan: RollbackPlan;
  readonly committed: boolean;
  readonly commitSha?: string;
}

export interface RollbackOutcome {
  readonly bad: string;
  readonly good: string | null;
  readonly regions: readonly RegionOutcome[];
  readonly quarantined: boolean;
  /**
   * How the quarantine was written: committed to the deploy branch by this
   * run, already there, carried by the pull request, or off by policy.
   */
  readonly quarantine: 'committed' | 'already-in-place' | 'in-pull-request' | 'off';
  /** Where the quarantine file is. */
  readonly quarantinePath: string;
  /** True when traffic and the quarantine were committed to the deploy branch by this run rather than left to the pull request. */
  readonly direct: boolean;
  readonly pullRequest: Published;
  /** Milliseconds from the failure signal to the last traffic commit, when both are known. */
  readonly timeToRestoreMs: number | null;
  /** Deployment statuses written, one entry per GitHub environment; empty without a `github` dep. */
  readonly deployments: readonly DeploymentMark[];
  readonly markdown: string;
}

export async function runRollback(
  inputs: RollbackInputs,
  policy: RollbackPolicy,
  deps: RollbackDeps,
): Promise<RollbackOutcome> {
  // Every file is read once here; the writes below start from these reads (compare-and-swap).
  const store = new PrimedStore(deps.store);
  const qPath = quarantinePath(inputs.manifests, inputs.service);
  const qStored = await store.read(qPath);
  store.prime(qPath, qStored);
  const { quarantine } = await readQuarantine(store, inputs.manifests, inputs.service);
  const reads = new Map<string, StoredText>();
  const now = deps.clock.now();
  const regions: RegionOutcome[] = [];
  const texts = new Map<string, string>();
  for (const region of inputs.regions) {
    const path = manifestPath(
      inputs.manifests,
      inputs.service,
      inputs.environment,
      region === 'default' ? undefined : region,
    );
    const stored = await store.read(path);
    if (!stored)
      throw new ConfigurationError(
        `no release manifest for ${inputs.service} in ${inputs.environment}${region === 'default' ? '' : `/${region}`}`,
        { file: path },
      );
    texts.set(path, stored.text);
    reads.set(path, stored);
    const plan = planRollback(parseManifest(stored.text, path), {
      ...(inputs.version ? { version: inputs.version } : {}),
      ...(inputs.target ? { target: inputs.target } : {}),
      reason: inputs.reason,
      by: inputs.actor,
      now,
      irreversible: policy.irreversible,
      isQuarantined: (v) => quarantined(quarantine, v) !== undefined,
    });
    regions.push({ region, path, plan, committed: false });
  }
  const impossible = regions.filter((r) => r.plan.kind === 'no-good-version');
  if (impossible.length > 0)
    throw new ConfigurationError(
      `cannot roll back: ${impossible.map((r) => r.plan.summary).join('; ')}. Nothing was written.`,
    );
  const bads = [...new Set(regions.map((r) => r.plan.bad))];
  if (bads.length > 1)
    throw new ConfigurationError(`the regions run different versions (${bads.join(', ')}): name the bad version`);
  const bad = bads[0] ?? inputs.version ?? '';

  // Without a pull request to merge (a draft is all that is written), nothing
  // would ever change the branch: the rollback is committed directly, as an
  // emergency commit would be.
  const direct = policy.emergencyDirectCommit || !deps.publisher.opensPullRequests;

  // 1. Traffic first: every second counts.
  let lastCommitAt: number | null = null;
  if (direct) {
    for (const [i, r] of regions.entries()) {
      if (r.plan.kind !== 'restore' && r.plan.kind !== 'roll-forward') continue;
      const next = r.plan.next;
      store.prime(r.path, reads.get(r.path) ?? null);
      const update = await updateManifest(
        store,
        r.path,
        (current) => replan(current, r.plan, next),
        `${r.plan.summary}\n\nRollback by Bellwether: ${inputs.reason}`,
      );
      regions[i] = { ...r, committed: update.changed, ...(update.commitSha ? { commitSha: update.commitSha } : {}) };
      if (update.changed) lastCommitAt = deps.clock.now().getTime();
      deps.logger.info(
        `${r.path}: ${r.plan.summary}${update.changed ? ` (commit ${update.commitSha?.slice(0, 7)})` : ' (already in place)'}`,
      );
    }
  }

  // 2. Quarantine, so no promotion brings the version back by accident.
  const entry = {
    version: bad,
    reason: inputs.reason,
    at: now.toISOString(),
    by: inputs.actor,
    ...(inputs.links[0] ? { link: inputs.links[0].url } : {}),
  };
  let isQuarantined = false;
  let quarantineWrite: RollbackOutcome['quarantine'] = 'off';
  const files: Array<{ path: string; text: string; message: string }> = [];
  if (policy.quarantine.enabled) {
    if (direct) {
      store.prime(qPath, qStored);
      const changed = (await changeQuarantine(store, inputs.manifests, inputs.service, { kind: 'put', entry })).changed;
      isQuarantined = changed || quarantined(quarantine, bad) !== undefined;
      quarantineWrite = changed ? 'committed' : 'already-in-place';
      deps.logger.info(`${qPath}: ${bad} ${changed ? 'quarantined' : 'was already quarantined'}`);
    } else {
      const next = quarantined(quarantine, bad)
        ? quarantine
        : quarantineSchema.parse({ ...quarantine, versions: [...quarantine.versions, entry] });
      files.push({
        path: quarantinePath(inputs.manifests, inputs.service),
        text: stringify(next),
        message: `${inputs.service}: quarantine ${bad}`,
      });
      isQuarantined = true;
      quarantineWrite = 'in-pull-request';
    }
  }

  // 3. The pull request records it, with the manifests when no emergency commit ran.
  if (!direct) {
    for (const r of regions) {
      if (r.plan.kind === 'restore' || r.plan.kind === 'roll-forward') {
        files.push({
          path: r.path,
          text: renderManifest(texts.get(r.path) ?? '', r.plan.next),
          message: r.plan.summary,
        });
      }
    }
  }
  const good = regions.map((r) => ('good' in r.plan ? r.plan.good : null)).find((g) => g !== null) ?? null;
  const body = rollbackBody(inputs, policy, direct, regions, bad, good, isQuarantined);
  const recordPath = `${inputs.manifests.replace(/\/+$/, '')}/${inputs.service}/rollbacks/${bad}.md`;
  files.push({ path: recordPath, text: body, message: `${inputs.service}: record the rollback of ${bad}` });
  const restoredNow = regions.some(
    (r) => r.committed || (!direct && (r.plan.kind === 'restore' || r.plan.kind === 'roll-forward')),
  );
  const merged = restoredNow ? null : await store.read(recordPath);
  const pullRequest: Published = merged
    ? {
        number: null,
        url: `${policy.deployBranch}:${recordPath}`,
        created: false,
        notes: [
          `the rollback of ${bad} is already recorded on ${policy.deployBranch} (its pull request was merged) and nothing was left to restore: no pull request opened`,
        ],
      }
    : await deps.publisher.publish({
        branch: `bellwether/rollback/${inputs.service}/${inputs.environment}/${bad}`,
        base: policy.deployBranch,
        title: `Roll back ${inputs.service} ${bad} in ${inputs.environment}${good ? ` to ${good}` : ''}`,
        body,
        files,
        labels: [...policy.labels, ...(isQuarantined ? [policy.quarantine.label] : [])],
        reviewers: { users: policy.reviewers.users, teams: policy.reviewers.teams },
        autoMerge: policy.autoMerge,
      });
  for (const note of pullRequest.notes) deps.logger.info(note);
  const deployments = deps.github ? await markDeployments(deps.github, deps.logger, inputs, bad, good) : [];
  const timeToRestoreMs = inputs.signalAt && lastCommitAt !== null ? lastCommitAt - inputs.signalAt.getTime() : null;
  return {
    bad,
    good,
    regions,
    quarantined: isQuarantined,
    quarantine: quarantineWrite,
    quarantinePath: qPath,
    direct,
    pullRequest,
    timeToRestoreMs,
    deployments,
    markdown: body,
  };
}

/**
 * Deployment statuses say what happened. Traffic is restored and the pull
 * request is open by now, so a failure here is reported and does not undo
 * or hide the rollback.
 */
async function markDeployments(
  github: GitHubPort,
  logger: Logger,
  inputs: RollbackInputs,
  bad: string,
  good: string | null,
): Promise<DeploymentMark[]> {
  try {
    const logUrl = inputs.links[0]?.url;
    return await markRollbackDeployments(github, {
      environments: inputs.regions.map((r) => deploymentEnvironment(inputs.environment, r)),
      bad,
      good,
      reason: inputs.reason,
      ...(logUrl ? { logUrl } : {}),
    });
  } catch (err) {
    logger.warning(`the deployment statuses of ${inputs.service} ${bad} could not be written: ${errorMessage(err)}`);
    return [];
  }
}

/** Re-applies the plan to the manifest as it is now (it may have moved since it was read). */
function replan(
  current: Parameters<typeof planRollback>[0],
  plan: RollbackPlan,
  next: Parameters<typeof planRollback>[0],
) {
  if (plan.kind === 'restore' && current.stable.version === plan.bad)
    return { ...current, stable: next.stable, canary: next.canary, previous: next.previous };
  if (plan.kind === 'restore' && current.canary.version === plan.bad)
    return {
      ...current,
      canary: { version: null, weight: 0 },
      ...(next.promotion ? { promotion: next.promotion } : {}),
    };
  if (plan.kind === 'roll-forward') return { ...current, ...(next.promotion ? { promotion: next.promotion } : {}) };
  return current;
}

function rollbackBody(
  inputs: RollbackInputs,
  policy: RollbackPolicy,
  direct: boolean,
  regions: readonly RegionOutcome[],
  bad: string,
  good: string | null,
  isQuarantined: boolean,
): string {
  const rows = regions.map(
    (r) =>
      `| ${r.region} | ${r.plan.kind} | ${escapeMarkdown(r.plan.summary)} | ${r.commitSha ? `\`${r.commitSha.slice(0, 7)}\`` : direct ? 'no change needed' : 'in this pull request'} |`,
  );
  const rolledForward = regions.some((r) => r.plan.kind === 'roll-forward');
  return [
    `## Rollback of ${inputs.service} ${bad} in ${inputs.environment}`,
    '',
    `**Why:** ${inputs.reason} (trigger: ${inputs.trigger}, by @${inputs.actor}).`,
    '',
    direct
      ? `Bellwether already restored traffic on \`${policy.deployBranch}\`${good ? ` to ${good}` : ''}; this pull request records the rollback for review.`
      : `Merging this pull request restores traffic${good ? ` to ${good}` : ''}.`,
    ...(rolledForward
      ? [
          '',
          `**Irreversible release:** ${bad} carries changes an older version cannot undo, so it is paused where it is and must be fixed forward (policy \`irreversible: ${policy.irreversible}\`).`,
        ]
      : []),
    '',
    '| region | action | what | commit |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    isQuarantined
      ? `${bad} is quarantined: promotions refuse it until a newer version passes or someone lifts the quarantine with a reason.`
      : `${bad} is not quarantined (the policy turns quarantine off).`,
    ...(inputs.evidence ? ['', '### Evidence', '', inputs.evidence] : []),
    ...(inputs.links.length > 0 ? ['', '### Links', '', ...inputs.links.map((l) => `- [${l.label}](${l.url})`)] : []),
    '',
  ].join('\n');
}
