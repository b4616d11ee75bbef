/**
 * One reconcile of a staged promotion: read the manifest, decide, judge if
 * asked, and write the next manifest compare-and-swap. The single commit is
 * the only durable effect, so a run that dies at any line leaves either the
 * old state or the new one, and the next reconcile continues from it; two
 * reconciles at once cannot both win the same transition.
 */
import { isConflict } from '../../github/errors.js';
import type { ContentStore } from '../../gitops/content-store.js';
import type { ReleaseManifest } from '../../gitops/manifest.js';
import { parseManifest, renderManifest } from '../../gitops/manifest.js';
import type { ResolvedTeams } from '../../github/teams.js';
import type { JudgeResult } from '../judge/types.js';
import type { HealthCheckResult } from '../../metrics/health-check.js';
import { teamLists } from './approval.js';
import { decide } from './decide.js';
import { afterLostRace } from './intent.js';
import { judgmentValues } from './judgment-values.js';
import type { Command, CommandOrigin, Effect, Explanation, Facts, GateAnswer, PromotionPolicy, Step } from './model.js';
import type { Deps } from '../../deps/deps.js';

/** What a window judgment keeps for reports: the samples' reasons and the judge's result. */
export interface WindowDetail {
  /** The judge's full result; null when nothing was judged (every metric muted). */
  readonly result: JudgeResult | null;
  /** Metrics without usable data, and why. */
  readonly noData: Readonly<Record<string, string>>;
  readonly window: { readonly start: string; readonly end: string };
  /** The canary's traffic weight while the window was judged. */
  readonly weight?: number;
  /** The stage's absolute health gates on the canary over the same window, when the policy has any. */
  readonly gates?: readonly GateResult[];
}

/** One health gate as judged: its verdict, the values seen, the bound and the query as sent. */
export type GateResult = HealthCheckResult & { readonly query: string };

/** The judgment of one window, as the decision needs it, with the judge's full result for reports. */
export interface WindowJudgment {
  readonly verdict: 'Pass' | 'Marginal' | 'Fail' | 'NoData';
  readonly score: number | null;
  readonly reason: string;
  /** The evidence every report renders: the judge's result, the window and the metrics without data. */
  readonly detail?: WindowDetail;
}

export interface JudgeRequest {
  readonly manifest: ReleaseManifest;
  readonly start: Date;
  readonly end: Date;
  readonly look: number;
  readonly looks: number;
  /** A watch after promotion: judge only the health gates, on the stable version. */
  readonly watch?: true;
}

/**
 * Where traffic really moves. The git router is the manifest itself (the
 * commit is the shift); other routers (a service mesh command) are told the
 * weight after the commit, and again on every reconcile, so they converge.
 */
export interface TrafficRouter {
  readonly name: string;
  apply(manifest: ReleaseManifest): Promise<void>;
}

export interface PromotionDeps extends Pick<Deps, 'clock' | 'logger'> {
  readonly store: ContentStore;
  judge(request: JudgeRequest): Promise<WindowJudgment>;
  /** The error-budget freeze gate; allows until that capability is configured. */
  freeze(manifest: ReleaseManifest): Promise<GateAnswer>;
  /** Refuses quarantined versions; allows until that capability is configured. */
  quarantine(manifest: ReleaseManifest, version: string): Promise<GateAnswer>;
  readonly router?: TrafficRouter;
  /** Teams of the commanding user, when the policy names teams. */
  actorTeams?(user: string): Promise<ResolvedTeams>;
}

export interface ReconcileResult {
  readonly step: Step;
  /** The manifest as it stands after this reconcile. */
  readonly manifest: ReleaseManifest;
  readonly committed: boolean;
  readonly commitSha?: string;
  readonly effects: readonly Effect[];
  readonly judgment?: WindowJudgment;
  /** Times a concurrent writer won and this run read again. */
  readonly conflicts: number;
}

export const allowAll: GateAnswer = { allow: true, reason: 'no gate is configured' };

/** Runs one reconcile of the promotion whose manifest is at `path`. */
export async function reconcile(
  path: string,
  policy: PromotionPolicy,
  command: Command,
  deps: PromotionDeps,
  origin?: CommandOrigin,
  maxAttempts = 10,
): Promise<ReconcileResult> {
  let conflicts = 0;
  // The state the command was given on: after a lost race, its intent is judged against this (see intent.ts).
  let seen: ReleaseManifest | undefined;
  for (;;) {
    const stored = await deps.store.read(path);
    if (!stored) throw new Error(`no release manifest at ${path} on ${deps.store.branch}`);
    const manifest = parseManifest(stored.text, path);
    if (seen === undefined) seen = manifest;
    else {
      const after = afterLostRace(seen, manifest, command);
      if (after.kind === 'settled') {
        deps.logger.info(`${path}: ${after.step.explanation.summary} (${after.step.explanation.reason})`);
        if (deps.router) await deps.router.apply(manifest);
        return { step: after.step, manifest, committed: false, effects: [], conflicts };
      }
    }
    const version =
      command.kind === 'start' ? command.version : (manifest.promotion?.version ?? manifest.canary.version ?? '');
    const by = command.kind === 'tick' ? undefined : command.by;
    const facts: Facts = {
      now: deps.clock.now(),
      freeze: await deps.freeze(manifest),
      // Only a start can bring a version in, so only a start asks the quarantine.
      quarantine: command.kind === 'start' && version ? await deps.quarantine(manifest, version) : allowAll,
      ...(by && deps.actorTeams && teamLists(policy).length > 0 ? teamFacts(await deps.actorTeams(by)) : {}),
      ...(origin ? { origin } : {}),
    };
    let step = decide(manifest, policy, command, facts);
    let judgment: WindowJudgment | undefined;
    if (step.kind === 'need-judgment') {
      judgment = await deps.judge({
        manifest,
        start: step.start,
        end: step.end,
        look: step.look,
        looks: step.looks,
        ...(step.watch ? { watch: step.watch } : {}),
      });
      const values = judgmentValues(judgment.detail?.result);
      step = decide(manifest, policy, command, {
        ...facts,
        judgment: {
          verdict: judgment.verdict,
          score: judgment.score,
          reason: judgment.reason,
          ...(values ? { metrics: values } : {}),
        },
      });
    }
    if (step.kind !== 'transition') {
      if (deps.router) await deps.router.apply(manifest);
      return { step, manifest, committed: false, effects: [], conflicts, ...(judgment ? { judgment } : {}) };
    }
    try {
      const written = await deps.store.write(
        path,
        renderManifest(stored.text, step.manifest),
        stored.sha,
        commitMessage(step.manifest, step.explanation, facts.freeze.allow ? facts.freeze.audit : undefined),
      );
      deps.logger.info(`${path}: ${step.explanation.summary} (${step.explanation.reason})`);
      if (deps.router) await deps.router.apply(step.manifest);
      return {
        step,
        manifest: step.manifest,
        committed: true,
        commitSha: written.commitSha,
        effects: step.effects,
        conflicts,
        ...(judgment ? { judgment } : {}),
      };
    } catch (err) {
      if (!isConflict(err) || ++conflicts >= maxAttempts) throw err;
      deps.logger.info(`${path} changed while this run decided; reading it again`);
    }
  }
}

function teamFacts(teams: ResolvedTeams): Pick<Facts, 'actorTeams' | 'teamsUnknown'> {
  return {
    actorTeams: teams.member,
    ...(teams.unknown.length > 0 ? { teamsUnknown: teams.unknown.map((u) => `${u.team}: ${u.reason}`) } : {}),
  };
}

/**
 * The subject says what changed; the body says why (a person's reason, a
 * judgment) and, when a block was lifted on purpose (a break-glass), the
 * audit of it: `git log` alone explains where traffic moved and why.
 */
function commitMessage(m: ReleaseManifest, explanation: Explanation, audit?: string): string {
  const where = [m.service, m.environment, m.region].filter(Boolean).join('/');
  return `${where}: ${explanation.summary}\n\n${explanation.reason}\n\n${audit ? `${audit}\n\n` : ''}Committed by Bellwether's staged promotion.`;
}
