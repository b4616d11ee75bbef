/**
 * Every policy field changes what Bellwether does. The static guard
 * (policy-fields.test.ts) proves each field is read by some code; this one
 * proves that reading it matters: each field of each policy kind is set, in
 * policy text as a user writes it and parsed by the real loader, to a value
 * other than its default, and a decision function of Bellwether is run with
 * the default policy and with the changed one. The outcomes must differ.
 *
 * The fields are enumerated from the zod schemas, so a field added later
 * fails this guard until it has a probe here, or an entry in NOT_PROBED
 * saying why not. A field that holds others (`due`, `quarantine`) is covered
 * by the fields it holds; only leaf fields are probed.
 *
 * The decisions: postmortemRequired, deadlines, reviewPostmortem and
 * readIssueEvent (postmortem); runRollback on an in-memory deploy branch
 * (rollback); evaluateSlo on fake metrics, then decideGate (freeze);
 * planWaves, decideWaveStep and checkRegionHealth (waves); the promotion
 * decision driven minute by minute, the judge on fixed samples, and
 * policyFor (canary); the workflow, secret, posture and dependency gates'
 * decisions on a planted workflow, fake credentials, a repository snapshot
 * and dependency changes (gates).
 * An output counts when users see it (a pull request's labels, a plan's
 * times, a verdict's reason); the judge's echo of its own settings does not.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { notify } from '../../src/notify/send.js';
import type { NotifyPolicy } from '../../src/policy/schemas/notify.js';
import { describe, expect, it } from 'vitest';
import { judgeConfigFromBlock } from '../../src/canary/judge/config-schema.js';
import { decide } from '../../src/canary/promotion/decide.js';
import type { Command, Facts } from '../../src/canary/promotion/model.js';
import { judgeSamples, metricsJudge, withHealthGates } from '../../src/canary/promotion/metrics-judge.js';
import { judgeCheck } from '../../src/metrics/health-check.js';
import { ScriptedProvider, seriesAnswer } from '../metrics/fake-provider.js';
import type { WindowDetail } from '../../src/canary/promotion/metrics-judge.js';
import { metricQueries, promotionPolicyOf } from '../../src/canary/promotion/run.js';
import { renderJudgmentMarkdown } from '../../src/report/judgment.js';
import type { ReleaseManifest } from '../../src/gitops/manifest.js';
import { evaluateSlo, statusOf } from '../../src/freeze/evaluate.js';
import type { FreezeGatePolicy } from '../../src/policy/schemas/freeze-gate.js';
import type { GateRequest } from '../../src/freeze/gate.js';
import { decideGate } from '../../src/freeze/gate.js';
import { isEvaluable, loadSlos } from '../../src/freeze/openslo.js';
import { runFreezeGate } from '../../src/freeze/run.js';
import type { EvaluableSlo } from '../../src/freeze/openslo.js';
import { auditSource } from '../../src/gates/workflows/audit.js';
import { decideGate as decideWorkflowGate } from '../../src/gates/workflows/decide.js';
import type { GatesPolicy } from '../../src/gates/core/policy-schema.js';
import { decideDependencies } from '../../src/gates/deps/decide.js';
import { DEFAULT_DEPS_POLICY } from '../../src/gates/deps/policy-schema.js';
import { decidePosture } from '../../src/gates/posture/decide.js';
import type { PostureSnapshot } from '../../src/gates/posture/snapshot.js';
import type { DependencyChange } from '../../src/github/port.js';
import { decideSecrets } from '../../src/gates/secrets/decide.js';
import { DEFAULT_SECRETS_POLICY } from '../../src/gates/secrets/policy.js';
import { defaultRules } from '../../src/gates/secrets/rules.js';
import { scanFileContent } from '../../src/gates/secrets/scan.js';
import { InMemoryGitHub } from '../../src/github/fake.js';
import { GitHubContentStore } from '../../src/gitops/content-store.js';
import { policyKinds, parseAnyPolicy } from '../../src/policy/kinds.js';
import type { CanaryPolicy } from '../../src/policy/schemas/canary.js';
import { healthChecksFor, stagesFor } from '../../src/policy/schemas/canary.js';
import type { PostmortemPolicy } from '../../src/policy/schemas/postmortem.js';
import type { RollbackPolicy } from '../../src/policy/schemas/rollback.js';
import type { WavesPolicy } from '../../src/policy/schemas/waves.js';
import { policyFor } from '../../src/policy/set.js';
import type { ActionItem } from '../../src/postmortem/action-items.js';
import { readIssueEvent, rulesOf } from '../../src/postmortem/events.js';
import type { Incident } from '../../src/postmortem/incident.js';
import { deadlines, postmortemRequired, reviewPostmortem } from '../../src/postmortem/incident.js';
import type { RollbackPullRequest, RollbackPublisher } from '../../src/rollback/publish.js';
import { runRollback } from '../../src/rollback/run.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { RecordingLogger } from '../../src/runtime/logger.js';
import type { MetricsProvider, MetricsProviders, QueryResult } from '../../src/metrics/provider.js';
import { decideWaveStep } from '../../src/waves/decide.js';
import { checkRegionHealth } from '../../src/waves/health.js';
import { planWaves } from '../../src/waves/planner.js';
import type { RegionState } from '../../src/waves/types.js';
import { checkoutRates, FakeMetrics } from '../freeze/fake-metrics.js';
import { Fake } from '../gates/secrets/fake-secrets.js';
import { T0, VERDICT_ROLLBACK } from '../rollback/fixtures.js';
import { schemaFields } from './schema-fields.js';
import { nodeFiles } from '../../src/runtime/files.js';

/** Leaf fields of every kind, as `<kind>: <path>`; `kind`, `version` and `description` decide nothing. */
function leafFields(): string[] {
  return Object.entries(policyKinds).flatMap(([kind, schema]) => {
    const paths = [...schemaFields(schema).keys()].filter((p) => !['kind', 'version', 'description'].includes(p));
    const parents = new Set(
      paths.flatMap((p) =>
        paths.filter((q) => q !== p && (q.startsWith(`${p}.`) || q.startsWith(`${p}[]`))).map(() => p),
      ),
    );
    return paths.filter((p) => !parents.has(p)).map((p) => `${kind}: ${p}`);
  });
}

/**
 * One probe: the policy body (after `kind:`) without the field and with it
 * changed, and the decision both are run through. `base` defaults to the
 * empty body, every field at its default.
 */
interface Probe {
  readonly base?: string;
  readonly changed: string;
  /** Runs a decision with the parsed policy; `text` is the policy file, for a probe that runs what reads the file itself. */
  readonly run: (policy: never, text: string) => unknown;
}

// ---------------------------------------------------------------- postmortem

const incident = (over: Partial<Incident> = {}): Incident => ({
  key: 'k',
  title: 'checkout errors',
  severity: 'sev3',
  trigger: 'manual',
  service: 'checkout',
  startedAt: '2026-11-20T23:30:00Z',
  summary: 's',
  links: [],
  events: [],
  ...over,
});
const openP0: ActionItem = {
  done: false,
  priority: 'P0',
  owner: 'alice',
  due: '2026-12-31',
  text: 'fix it',
  line: 1,
  issue: null,
};
const required =
  (over: Partial<Incident>, recent = 0) =>
  (p: PostmortemPolicy) =>
    postmortemRequired(incident(over), rulesOf(p), recent).required;
const due = (p: PostmortemPolicy) => deadlines(incident(), rulesOf(p));

const POSTMORTEM: Record<string, Probe> = {
  severities: { changed: 'severities: [sev1, sev2, sev3]', run: required({}) },
  timeZone: { changed: 'timeZone: Asia/Tokyo', run: due },
  labels: {
    changed: 'labels: [incident-review]',
    run: (p: PostmortemPolicy) =>
      readIssueEvent({ action: 'edited', issue: { number: 7, labels: [{ name: 'incident-review' }] } }, p).kind,
  },
  'due.draftDays': { changed: 'due: { draftDays: 3 }', run: due },
  'due.finalDays': { changed: 'due: { finalDays: 10 }', run: due },
  budgetPercentNeedingP0: {
    changed: 'budgetPercentNeedingP0: 10',
    run: required({ severity: 'sev4', budgetConsumed: 0.15 }),
  },
  recurringSev3: { changed: 'recurringSev3: 2', run: required({}, 1) },
  allowCloseWithOpenP0: {
    changed: 'allowCloseWithOpenP0: true',
    run: (p: PostmortemPolicy) =>
      reviewPostmortem(incident(), [], [openP0], rulesOf(p), new Date('2026-11-25T12:00:00Z')).mayClose,
  },
};

// ---------------------------------------------------------------- rollback

/** A canary of an irreversible release at 25% in one region. */
const IRREVERSIBLE_CANARY = `service: checkout
environment: production
region: us-east-1
stable:
  version: 1.41.0
canary:
  version: 1.42.0
  weight: 25
  irreversible: true
previous:
  - version: 1.40.2
`;

/** Runs the rollback on an in-memory deploy branch and returns what it did and the pull request it asked for. */
async function rollback(policy: RollbackPolicy) {
  const clock = new ManualClock(T0);
  const github = new InMemoryGitHub({ owner: 'acme', repo: 'shop' }, clock);
  github.seedBranch('main', { 'deploy/checkout/production/us-east-1.yaml': IRREVERSIBLE_CANARY });
  const asked: RollbackPullRequest[] = [];
  const publisher: RollbackPublisher = {
    opensPullRequests: true,
    publish: async (pr) => {
      asked.push(pr);
      return { number: 1, url: 'https://github.com/acme/shop/pull/1', created: true, notes: [] };
    },
  };
  const out = await runRollback({ ...VERDICT_ROLLBACK, regions: ['us-east-1'] }, policy, {
    store: new GitHubContentStore(github, 'main'),
    publisher,
    clock,
    logger: new RecordingLogger(),
  });
  const pr = asked[0];
  return {
    direct: out.direct,
    quarantine: out.quarantine,
    plans: out.regions.map((r) => r.plan.kind),
    pullRequest: pr && {
      base: pr.base,
      labels: pr.labels,
      reviewers: pr.reviewers,
      autoMerge: pr.autoMerge,
      files: pr.files.map((f) => f.path),
    },
  };
}

const ROLLBACK: Record<string, Probe> = {
  emergencyDirectCommit: { changed: 'emergencyDirectCommit: true', run: rollback },
  'reviewers.users': { changed: 'reviewers: { users: [alice] }', run: rollback },
  'reviewers.teams': { changed: 'reviewers: { teams: [acme/sre] }', run: rollback },
  labels: { changed: 'labels: [revert]', run: rollback },
  autoMerge: { changed: 'autoMerge: true', run: rollback },
  'quarantine.enabled': { changed: 'quarantine: { enabled: false }', run: rollback },
  'quarantine.label': { changed: 'quarantine: { label: do-not-ship }', run: rollback },
  deployBranch: { changed: 'deployBranch: release', run: rollback },
  irreversible: { changed: 'irreversible: rollback', run: rollback },
};

// ---------------------------------------------------------------- freeze

const AT = new Date('2026-11-22T09:30:00Z'); // a Sunday
let checkoutSlo: EvaluableSlo | undefined;
async function sloFixture(): Promise<EvaluableSlo> {
  if (checkoutSlo) return checkoutSlo;
  const found = (await loadSlos(new URL('../fixtures/freeze', import.meta.url).pathname, nodeFiles)).find(
    (s) => s.name === 'checkout-availability',
  );
  if (!found || !isEvaluable(found)) throw new Error('no evaluable fixture SLO checkout-availability');
  return (checkoutSlo = found);
}

/** A 99.9% SLO with 60% of its 30-day budget spent and no burn. */
const SPENT_60 = checkoutRates({ '30d': { bad: 0.006, total: 10 } }, { bad: 0, total: 10 });
/** No budget spent, burning 20x over 1h and 30x over 5m: the default page alert fires. */
const BURNING = checkoutRates({ '1h': { bad: 0.2, total: 10 }, '5m': { bad: 0.3, total: 10 } }, { bad: 0, total: 10 });
const QUIET = checkoutRates({}, { bad: 0, total: 10 });
const DOWN = () => new Error('Prometheus is down');

/** The gate's decision for every change type, after evaluating the fixture SLO against `rates`. */
function gate(rates: ConstructorParameters<typeof FakeMetrics>[0], request: GateRequest = {}) {
  return async (policy: FreezeGatePolicy) => {
    const evaluation = await evaluateSlo(await sloFixture(), policy, AT, { metrics: new FakeMetrics(rates) });
    const d = decideGate(policy, [statusOf(evaluation)], AT, request);
    return {
      verdicts: Object.fromEntries(Object.entries(d.changes).map(([type, c]) => [type, [c.verdict, c.via ?? null]])),
      reasons: d.reasons.map((r) => r.reason),
      alerts: evaluation.alerts.map((a) => [a.name, a.state]),
      breakGlass: d.breakGlass ?? null,
    };
  };
}
const glass = (over: Partial<NonNullable<GateRequest['breakGlass']>> = {}): GateRequest => ({
  breakGlass: {
    user: 'alice',
    teams: ['acme/sre'],
    justification: 'checkout is down',
    expiresAt: new Date(AT.getTime() + 3_600_000),
    ...over,
  },
});
const PERMITTED = 'breakGlass: { users: [alice] }';
const ONE_ALERT = 'burnRateAlerts: [{ longWindow: 1h, shortWindow: 5m, burnRate: 14.4 }]';
const CALENDAR = (freeze: string) => `calendarFreezes: [{ name: year-end, timeZone: UTC, ${freeze} }]`;

const providers = (provider: MetricsProvider): MetricsProviders => ({
  get: () => provider,
  names: () => ['prometheus'],
});

/** The freeze action's gate step, run with the policy file in a folder of its own and the SLO fixtures as the workspace. */
async function freezeAction(_policy: FreezeGatePolicy, text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'bellwether-fieldguard-'));
  writeFileSync(join(dir, 'freeze.yaml'), text);
  const clock = new ManualClock(AT);
  const out = await runFreezeGate(
    {
      mode: 'gate',
      workspace: fileURLToPath(new URL('../fixtures/freeze', import.meta.url)),
      policy: dir,
      slo: [],
      changeType: 'feature',
      actor: 'alice',
      sha: 'ffac537e6cbbf934b08745a378932722df287a53',
      runId: 7,
    },
    {
      github: new InMemoryGitHub({ owner: 'acme', repo: 'shop' }, clock),
      metrics: providers(new FakeMetrics(SPENT_60)),
      clock,
      logger: new RecordingLogger(),
      files: nodeFiles,
    },
  );
  return { slos: out.report?.slos.map((r) => r.name), gate: out.outputs['gate'] };
}

const FREEZE: Record<string, Probe> = {
  slos: {
    base: 'slos: [checkout-availability.yaml]',
    changed: 'slos: [search-latency.yaml, search-slis.yaml]',
    run: freezeAction,
  },
  'budgetPolicy[].threshold': {
    base: 'budgetPolicy: [{ threshold: 50, action: freeze }]',
    changed: 'budgetPolicy: [{ threshold: 70, action: freeze }]',
    run: gate(SPENT_60),
  },
  'budgetPolicy[].action': {
    base: 'budgetPolicy: [{ threshold: 50, action: notify }]',
    changed: 'budgetPolicy: [{ threshold: 50, action: freeze }]',
    run: gate(SPENT_60),
  },
  'budgetPolicy[].block': {
    base: 'budgetPolicy: [{ threshold: 50, action: notify }]',
    changed: 'budgetPolicy: [{ threshold: 50, action: notify, block: [hotfix] }]',
    run: gate(SPENT_60),
  },
  'budgetPolicy[].needsApproval': {
    base: 'budgetPolicy: [{ threshold: 50, action: notify }]',
    changed: 'budgetPolicy: [{ threshold: 50, action: notify, needsApproval: [feature] }]',
    run: gate(SPENT_60),
  },
  'burnRateAlerts[].longWindow': {
    base: ONE_ALERT,
    changed: 'burnRateAlerts: [{ longWindow: 6h, shortWindow: 5m, burnRate: 14.4 }]',
    run: gate(BURNING),
  },
  'burnRateAlerts[].shortWindow': {
    base: ONE_ALERT,
    changed: 'burnRateAlerts: [{ longWindow: 1h, shortWindow: 30m, burnRate: 14.4 }]',
    run: gate(BURNING),
  },
  'burnRateAlerts[].burnRate': {
    base: ONE_ALERT,
    changed: 'burnRateAlerts: [{ longWindow: 1h, shortWindow: 5m, burnRate: 50 }]',
    run: gate(BURNING),
  },
  // 2% of a 30-day budget within an hour is a burn rate of 14.4, as the base says; 10% is 72.
  'burnRateAlerts[].errorBudgetPercent': {
    base: 'burnRateAlerts: [{ longWindow: 1h, shortWindow: 5m, errorBudgetPercent: 2 }]',
    changed: 'burnRateAlerts: [{ longWindow: 1h, shortWindow: 5m, errorBudgetPercent: 10 }]',
    run: gate(BURNING),
  },
  'burnRateAlerts[].severity': {
    base: ONE_ALERT,
    changed: 'burnRateAlerts: [{ longWindow: 1h, shortWindow: 5m, burnRate: 14.4, severity: ticket }]',
    run: gate(BURNING),
  },
  'exemptions.labels': { changed: 'exemptions: { labels: [ship-it] }', run: gate(BURNING, { labels: ['ship-it'] }) },
  'breakGlass.users': { changed: PERMITTED, run: gate(BURNING, glass({ teams: [] })) },
  'breakGlass.teams': { changed: 'breakGlass: { teams: [acme/sre] }', run: gate(BURNING, glass()) },
  'breakGlass.audit.label': {
    base: PERMITTED,
    changed: 'breakGlass: { users: [alice], audit: { label: emergency } }',
    run: gate(BURNING, glass()),
  },
  'breakGlass.audit.issue': {
    base: PERMITTED,
    changed: 'breakGlass: { users: [alice], audit: { issue: false } }',
    run: gate(BURNING, glass()),
  },
  breakGlassMaxDuration: {
    base: PERMITTED,
    changed: `${PERMITTED}\nbreakGlassMaxDuration: 48h`,
    run: gate(BURNING, glass({ expiresAt: new Date(AT.getTime() + 30 * 3_600_000) })),
  },
  frozenChangeTypes: {
    base: 'budgetPolicy: [{ threshold: 50, action: freeze }]',
    changed: 'budgetPolicy: [{ threshold: 50, action: freeze }]\nfrozenChangeTypes: [feature, hotfix]',
    run: gate(SPENT_60),
  },
  'onPageAlert.block': { changed: 'onPageAlert: { block: [feature, hotfix] }', run: gate(BURNING) },
  'onMetricsUnavailable.block': {
    changed: 'onMetricsUnavailable: { block: [feature, security-fix] }',
    run: gate(DOWN),
  },
  'minimumTraffic.events': { changed: 'minimumTraffic: { events: 1000000 }', run: gate(BURNING) },
  'calendarFreezes[].name': {
    base: CALENDAR('weekly: { days: [sun] }'),
    changed: 'calendarFreezes: [{ name: black-friday, timeZone: UTC, weekly: { days: [sun] } }]',
    run: gate(QUIET),
  },
  'calendarFreezes[].timeZone': {
    base: CALENDAR('weekly: { days: [sun] }'),
    changed: 'calendarFreezes: [{ name: year-end, timeZone: Pacific/Honolulu, weekly: { days: [sun] } }]',
    run: gate(QUIET),
  },
  'calendarFreezes[].dates.from': {
    base: CALENDAR('dates: { from: 2026-11-20, to: 2026-11-25 }'),
    changed: CALENDAR('dates: { from: 2026-11-23, to: 2026-11-25 }'),
    run: gate(QUIET),
  },
  'calendarFreezes[].dates.to': {
    base: CALENDAR('dates: { from: 2026-11-20, to: 2026-11-25 }'),
    changed: CALENDAR('dates: { from: 2026-11-20, to: 2026-11-21 }'),
    run: gate(QUIET),
  },
  'calendarFreezes[].yearly.from': {
    base: CALENDAR('yearly: { from: 11-20, to: 11-25 }'),
    changed: CALENDAR('yearly: { from: 11-23, to: 11-25 }'),
    run: gate(QUIET),
  },
  'calendarFreezes[].yearly.to': {
    base: CALENDAR('yearly: { from: 11-20, to: 11-25 }'),
    changed: CALENDAR('yearly: { from: 11-20, to: 11-21 }'),
    run: gate(QUIET),
  },
  'calendarFreezes[].weekly.days': {
    base: CALENDAR('weekly: { days: [sun] }'),
    changed: CALENDAR('weekly: { days: [mon] }'),
    run: gate(QUIET),
  },
  'calendarFreezes[].weekly.hours': {
    base: CALENDAR('weekly: { days: [sun] }'),
    changed: CALENDAR("weekly: { days: [sun], hours: '10:00-12:00' }"),
    run: gate(QUIET),
  },
  'calendarFreezes[].block': {
    base: CALENDAR('weekly: { days: [sun] }'),
    changed: CALENDAR('weekly: { days: [sun] }, block: [feature, hotfix]'),
    run: gate(QUIET),
  },
};

// ---------------------------------------------------------------- waves

const MONDAY = new Date('2026-11-23T10:00:00Z');
const WAVES = 'waves: [{ name: pilot, regions: [eu-west-1] }, { name: rest, regions: [us-east-1, us-west-2] }]';
const WAVES_WITH = (more: string) => `${WAVES}\n${more}`;
const plan = (p: WavesPolicy) =>
  planWaves({ policy: p }, { service: 'checkout', environment: 'production', version: '2.0.0' }, MONDAY);
/** When one region is planned to start: a region's own rules must not leak to, or from, the regions of its wave. */
const startOf = (region: string) => (p: WavesPolicy) =>
  plan(p)
    .waves.flatMap((w) => w.regions)
    .find((r) => r.region === region)?.start.at;

/** The step after a region of the last wave failed, while the pilot is healthy. */
function afterLaterFailure(p: WavesPolicy) {
  const states: Record<string, RegionState> = {
    'eu-west-1': { status: 'healthy', since: '2026-11-23T08:00:00Z', health: 'pass' },
    'us-east-1': { status: 'failed', since: '2026-11-23T10:30:00Z', health: 'fail', detail: 'error rate 4%' },
  };
  const step = decideWaveStep({
    settings: { policy: p },
    plan: plan(p),
    states,
    now: new Date('2026-11-23T11:00:00Z'),
  });
  return step.kind === 'halt'
    ? { hold: step.hold.map((r) => r.region), rollback: step.rollback.map((r) => r.region) }
    : step.kind;
}

/** The health verdict of a region whose error rate is 2% and whose latency p99 is 300 ms. */
async function health(p: WavesPolicy) {
  if (!p.health) throw new Error('the probe needs a health block');
  const answer = (query: string): QueryResult => ({
    ok: true,
    query,
    warnings: [],
    series: [{ labels: {}, points: [{ t: MONDAY.getTime() / 1000, v: query.includes('latency') ? 0.3 : 0.02 }] }],
  });
  const provider = {
    type: 'fake',
    queryInstant: async (q: { query: string }) => answer(q.query),
    queryRange: async (q: { query: string }) => answer(q.query),
  };
  return checkRegionHealth(
    p.health,
    { service: 'checkout', environment: 'production', region: 'eu-west-1', version: '2.0.0' },
    { from: new Date(MONDAY.getTime() - 600_000), to: MONDAY },
    provider,
  );
}
const HEALTH = (check: string) => WAVES_WITH(`health: { checks: [${check}] }`);

const WAVES_PROBES: Record<string, Probe> = {
  'waves[].name': {
    base: WAVES,
    changed: 'waves: [{ name: first, regions: [eu-west-1] }, { name: rest, regions: [us-east-1, us-west-2] }]',
    run: plan,
  },
  'waves[].regions': {
    base: WAVES,
    changed: 'waves: [{ name: pilot, regions: [eu-west-1, us-east-1] }, { name: rest, regions: [us-west-2] }]',
    run: plan,
  },
  'waves[].maxParallel': {
    base: WAVES,
    changed:
      'waves: [{ name: pilot, regions: [eu-west-1] }, { name: rest, regions: [us-east-1, us-west-2], maxParallel: 1 }]',
    run: plan,
  },
  'waves[].bakeTime': {
    base: WAVES,
    changed:
      'waves: [{ name: pilot, regions: [eu-west-1], bakeTime: 4h }, { name: rest, regions: [us-east-1, us-west-2] }]',
    run: plan,
  },
  canary: { base: WAVES, changed: WAVES_WITH('canary: all'), run: plan },
  timeZone: { base: WAVES, changed: WAVES_WITH('timeZone: America/New_York'), run: plan },
  regionTimeZones: {
    base: WAVES,
    changed: WAVES_WITH('regionTimeZones: { us-west-2: America/Los_Angeles }'),
    run: startOf('us-west-2'),
  },
  'windows[].days': { base: WAVES, changed: WAVES_WITH("windows: [{ days: [tue], hours: '09:00-17:00' }]"), run: plan },
  'windows[].hours': {
    base: WAVES,
    changed: WAVES_WITH("windows: [{ days: [mon, tue, wed, thu, fri], hours: '13:00-17:00' }]"),
    run: plan,
  },
  'blockedDates[].from': {
    base: WAVES_WITH('blockedDates: [{ from: 2026-11-23 }]'),
    changed: WAVES_WITH('blockedDates: [{ from: 2026-11-24 }]'),
    run: plan,
  },
  'blockedDates[].to': {
    base: WAVES_WITH('blockedDates: [{ from: 2026-11-23 }]'),
    changed: WAVES_WITH('blockedDates: [{ from: 2026-11-23, to: 2026-11-24 }]'),
    run: plan,
  },
  'blockedDates[].reason': {
    base: WAVES_WITH('blockedDates: [{ from: 2026-11-23 }]'),
    changed: WAVES_WITH('blockedDates: [{ from: 2026-11-23, reason: Thanksgiving week }]'),
    run: plan,
  },
  'calendars[].name': {
    base: WAVES_WITH('calendars: [{ name: us, holidays: [{ date: 2026-11-23, name: A holiday }] }]'),
    changed: WAVES_WITH('calendars: [{ name: usa, holidays: [{ date: 2026-11-23, name: A holiday }] }]'),
    run: plan,
  },
  'calendars[].timeZone': {
    base: WAVES_WITH('calendars: [{ name: us, holidays: [{ date: 2026-11-23, name: A holiday }] }]'),
    changed: WAVES_WITH(
      'calendars: [{ name: us, timeZone: Pacific/Kiritimati, holidays: [{ date: 2026-11-23, name: A holiday }] }]',
    ),
    run: plan,
  },
  'calendars[].regions': {
    base: WAVES_WITH(
      'calendars: [{ name: us, regions: [us-east-1, us-west-2], holidays: [{ date: 2026-11-23, name: A holiday }] }]',
    ),
    changed: WAVES_WITH(
      'calendars: [{ name: us, regions: [us-east-1], holidays: [{ date: 2026-11-23, name: A holiday }] }]',
    ),
    run: startOf('us-west-2'),
  },
  'calendars[].holidays[].date': {
    base: WAVES_WITH('calendars: [{ name: us, holidays: [{ date: 2026-11-23, name: A holiday }] }]'),
    changed: WAVES_WITH('calendars: [{ name: us, holidays: [{ date: 2026-11-26, name: A holiday }] }]'),
    run: plan,
  },
  'calendars[].holidays[].name': {
    base: WAVES_WITH('calendars: [{ name: us, holidays: [{ date: 2026-11-23, name: A holiday }] }]'),
    changed: WAVES_WITH('calendars: [{ name: us, holidays: [{ date: 2026-11-23, name: Another holiday }] }]'),
    run: plan,
  },
  'earliestStart.<key>.time': {
    base: WAVES_WITH("earliestStart: { eu-west-1: { time: '11:00' } }"),
    changed: WAVES_WITH("earliestStart: { eu-west-1: { time: '14:00' } }"),
    run: plan,
  },
  'earliestStart.<key>.timeZone': {
    base: WAVES_WITH("earliestStart: { eu-west-1: { time: '11:00' } }"),
    changed: WAVES_WITH("earliestStart: { eu-west-1: { time: '11:00', timeZone: Asia/Tokyo } }"),
    run: plan,
  },
  onLaterWaveFailure: { base: WAVES, changed: WAVES_WITH('onLaterWaveFailure: rollback'), run: afterLaterFailure },
  'health.checks[].name': {
    base: HEALTH('{ name: errors, query: error_rate, max: 0.01 }'),
    changed: HEALTH('{ name: 5xx, query: error_rate, max: 0.01 }'),
    run: health,
  },
  'health.checks[].query': {
    base: HEALTH('{ name: errors, query: error_rate, max: 0.01 }'),
    changed: HEALTH('{ name: errors, query: latency_p99, max: 0.01 }'),
    run: health,
  },
  'health.checks[].max': {
    base: HEALTH('{ name: errors, query: error_rate, max: 0.01 }'),
    changed: HEALTH('{ name: errors, query: error_rate, max: 0.05 }'),
    run: health,
  },
  'health.checks[].min': {
    base: HEALTH('{ name: errors, query: error_rate, max: 0.05 }'),
    changed: HEALTH('{ name: errors, query: error_rate, max: 0.05, min: 0.03 }'),
    run: health,
  },
  environment: { base: WAVES, changed: WAVES_WITH("environment: 'prod-{region}'"), run: plan },
};

// ---------------------------------------------------------------- canary

const Q = 'query: errors_total';
const JUDGE = `analysis: { judge: { metrics: [{ name: errors, ${Q}, direction: increase }] } }`;
const judgeWith = (metric: string, judge = '') =>
  `analysis: { judge: { ${judge}${judge ? ', ' : ''}metrics: [{ name: errors, ${Q}, direction: increase${metric ? `, ${metric}` : ''} }] } }`;
const STABLE: ReleaseManifest = {
  service: 'checkout',
  environment: 'production',
  region: 'us-east-1',
  stable: { version: '1.41.0' },
  canary: { version: null, weight: 0 },
  previous: [],
};

/**
 * A promotion driven through the promotion decision, minute by minute for up
 * to a day: bob (of acme/web) starts 1.42.0 and, whenever a stage waits for
 * approval, `approver` (bob unless said) asks to promote from a
 * push-triggered workflow run, with the change record CHG0000001. Every
 * judgment passes but the second, which is Marginal. The trace says what was
 * decided when: each judgment asked for (and over which window), each
 * transition with its traffic, phase and the version kept ready, and each
 * refusal.
 */
function promotion(p: CanaryPolicy): string[] {
  return promotionApprovedBy('bob')(p);
}

const promotionApprovedBy =
  (approver: string) =>
  (p: CanaryPolicy): string[] => {
    const policy = promotionPolicyOf(p);
    const T = Date.parse('2026-11-22T10:00:00Z');
    const factsAt = (minute: number, more: Partial<Facts> = {}): Facts => ({
      now: new Date(T + minute * 60_000),
      freeze: { allow: true, reason: 'no freeze' },
      quarantine: { allow: true, reason: 'not quarantined' },
      actorTeams: ['acme/web'],
      origin: { kind: 'workflow', event: 'push' },
      ...more,
    });
    const trace: string[] = [];
    let manifest = STABLE;
    let looks = 0;
    const apply = (minute: number, command: Command, facts: Facts) => {
      let step = decide(manifest, policy, command, facts);
      if (step.kind === 'need-judgment') {
        looks += 1;
        trace.push(`${minute}: judge ${step.start.toISOString()}..${step.end.toISOString()}`);
        step = decide(manifest, policy, command, {
          ...facts,
          judgment:
            looks === 2
              ? { verdict: 'Marginal', score: 80, reason: 'r' }
              : { verdict: 'Pass', score: 100, reason: 'r' },
        });
      }
      if (step.kind === 'transition') {
        manifest = step.manifest;
        const kept = manifest.keepReady;
        trace.push(
          `${minute}: ${step.effects.map((e) => e.kind).join(',')} at ${manifest.canary.weight}% ${manifest.promotion?.phase ?? ''}${kept ? ` keeping ${kept.version} until ${kept.until ?? 'the end'}` : ''}`,
        );
      } else if (step.kind === 'refuse') trace.push(`${minute}: refused: ${step.explanation.summary}`);
      return step;
    };
    apply(0, { kind: 'start', version: '1.42.0', by: 'bob' }, factsAt(0));
    for (
      let minute = 1;
      minute <= 24 * 60 && manifest.promotion && ['soaking', 'awaiting-approval'].includes(manifest.promotion.phase);
      minute++
    ) {
      const step = apply(minute, { kind: 'tick' }, factsAt(minute));
      if (step.kind === 'wait' && manifest.promotion.phase === 'awaiting-approval')
        apply(minute, { kind: 'promote', by: approver, changeRecord: 'CHG0000001' }, factsAt(minute));
    }
    return trace;
  };
/** `n` points around `level`, spread over `spread` by a fixed pattern (`k` shifts it). */
const series = (n: number, level: number, spread: number, k = 0) =>
  Array.from({ length: n }, (_, i) => level + (spread * (((i + k) * 37) % 11)) / 10);
type Samples = Record<string, { baseline: (number | null)[]; canary: (number | null)[] }>;
/** The canary's errors 8% above the baseline's, one canary point missing. */
const UP_8: Samples = { errors: { baseline: series(20, 100, 1), canary: [...series(19, 108, 1, 3), null] } };
const DOWN_8: Samples = { errors: { baseline: series(20, 100, 1), canary: series(20, 92, 1, 3) } };
/** 8% up in noisy data: significant at a 20% false-failure rate, not at 1%. */
const NOISY_UP_8: Samples = { errors: { baseline: series(20, 100, 30), canary: series(20, 108, 30, 4) } };
/** 10% up in noisy data: Bellwether's rank-sum test sees it, Kayenta's interval against ±25% of its estimate does not. */
const NOISY_UP_10: Samples = { errors: { baseline: series(20, 100, 30), canary: series(20, 110, 30, 4) } };
/** Unchanged but for one canary point ten times the rest. */
const ONE_OUTLIER: Samples = { errors: { baseline: series(100, 100, 1), canary: [...series(99, 100, 1, 3), 1000] } };
/** Five metrics, the first 8% up: a score of 80. */
const FIVE = ['m1', 'm2', 'm3', 'm4', 'm5'];
const FIVE_SAMPLES: Samples = Object.fromEntries(
  FIVE.map((name, i) => [name, { baseline: series(20, 100, 1), canary: series(20, i === 0 ? 108 : 100, 1, 3) }]),
);
/** Errors unchanged, latency without a single point. */
const LATENCY_MISSING: Samples = {
  errors: { baseline: series(20, 100, 1), canary: series(20, 100, 1, 3) },
  latency: { baseline: [], canary: [] },
};

/**
 * One window judged as the promotion asks for it (a metric the samples lack
 * gets the errors' samples), reduced to what was decided: what only echoes the
 * policy back (its thresholds, its confidence level) is left out.
 */
const judgeOn = (samples: Samples) => (p: CanaryPolicy) => {
  const config = judgeConfigFromBlock(p.analysis.judge);
  const input = Object.fromEntries(
    config.metrics.map((m) => [m.name, samples[m.name] ?? samples['errors'] ?? { baseline: [], canary: [] }]),
  );
  const judgment = judgeSamples(config, input, {}, { look: 1, looks: 1 });
  const result = (judgment.detail as WindowDetail).result;
  return {
    verdict: judgment.verdict,
    score: judgment.score,
    reason: judgment.reason,
    groups: result?.groups.map((g) => [g.name, g.score]),
    metrics: result?.metrics.map((m) => [
      m.name,
      m.query,
      m.classification,
      m.criticalFailure,
      m.interval,
      m.effectSize,
      m.alpha,
    ]),
  };
};
const judgeConfig = judgeOn(UP_8);
/** The evidence of that window as the job summary shows it. */
const judgedEvidence = (p: CanaryPolicy) => {
  const config = judgeConfigFromBlock(p.analysis.judge);
  const judgment = judgeSamples(config, { errors: UP_8['errors']! }, {}, { look: 1, looks: 1 });
  const detail = judgment.detail as WindowDetail;
  return renderJudgmentMarkdown(detail.result!, detail);
};
/** Errors (up 8%) in group errors, latency (unchanged) in the group named. */
const GROUPED = (weights: string, latencyGroup: string) =>
  `analysis: { judge: { groups: { ${weights} }, metrics: [{ name: errors, ${Q}, direction: increase, group: errors }, { name: latency, ${Q}, direction: increase, group: ${latencyGroup} }] } }`;
const ERRORS_UP_LATENCY_FLAT: Samples = {
  errors: UP_8['errors']!,
  latency: { baseline: series(20, 200, 1), canary: series(20, 200, 1, 3) },
};
/** Errors judged on a fall. */
const DOWNWARD = (more: string) =>
  `analysis: { judge: { metrics: [{ name: errors, ${Q}, direction: decrease${more} }] } }`;
/** Errors and latency, with more on latency. */
const TWO = (more: string) =>
  `analysis: { judge: { metrics: [{ name: errors, ${Q}, direction: increase }, { name: latency, ${Q}, direction: increase${more} }] } }`;
const metric = (field: string) => ({ base: JUDGE, changed: judgeWith(field), run: judgeConfig });
/** An error ratio whose denominator names one of two request counts. */
const RATIO = (denominator: string) =>
  `analysis: { judge: { metrics: [{ name: errors, kind: ratio, query: 'errors{v="{{version}}"}', denominator: '${denominator}{v="{{version}}"}', direction: increase }] } }`;
/**
 * One window judged as the promotion reads it from a provider: 30 errors a
 * minute on the canary and 20 on the baseline, over 1,000 requests a minute
 * on each side (`requests`) or over 2,000 on the canary (`served`).
 */
const ratioWindow = async (p: CanaryPolicy) => {
  const provider = new ScriptedProvider((q) => {
    const canary = q.includes('"1.42.0"');
    const perMinute = q.startsWith('errors') ? (canary ? 30 : 20) : q.startsWith('served') && canary ? 2000 : 1000;
    return seriesAnswer(q, Array<number>(20).fill(perMinute), {}, Date.parse('2026-11-22T10:00:00Z') / 1000);
  });
  const judgment = await metricsJudge({
    config: judgeConfigFromBlock(p.analysis.judge),
    queries: metricQueries(p),
    metrics: provider,
    stepSeconds: 60,
  })({
    manifest: { ...STABLE, canary: { version: '1.42.0', weight: 5 } },
    start: new Date('2026-11-22T10:00:00Z'),
    end: new Date('2026-11-22T10:19:00Z'),
    look: 1,
    looks: 1,
  });
  return { verdict: judgment.verdict, reason: judgment.reason };
};
const judgeSetting = (field: string) => ({ base: JUDGE, changed: judgeWith('', field), run: judgeConfig });
const tierStages = (tier: string, stages: string) => ({
  base: `tier: ${tier}`,
  changed: `tier: ${tier}\ntiers: { ${tier}: { stages: ${stages} } }`,
  run: promotion,
});

/**
 * A stage's judgment with the health gates of its first stage, on a canary
 * whose latency p99 reads 0.3 and every other query 0.02, after a
 * comparison that passed.
 */
function gatesOfFirstStage(p: CanaryPolicy) {
  const answer = (query: string): QueryResult => ({
    ok: true,
    query,
    warnings: [],
    series: [{ labels: {}, points: [{ t: T0.getTime() / 1000, v: query.includes('latency') ? 0.3 : 0.02 }] }],
  });
  const gates = healthChecksFor(p, stagesFor(p)[0]).map((c) => ({ ...judgeCheck(c, answer(c.query)), query: c.query }));
  return withHealthGates({ verdict: 'Pass', score: 100, reason: 'the comparison passed' }, gates);
}

/** Probes of every field of one health check, written by `at` where the policy takes it. */
function gateProbes(prefix: string, at: (check: string) => string): Record<string, Probe> {
  const base = '{ name: latency, query: latency_p99, max: 0.5 }';
  const probe = (changed: string): Probe => ({ base: at(base), changed: at(changed), run: gatesOfFirstStage });
  return {
    [`${prefix}health.checks[].name`]: probe('{ name: p99, query: latency_p99, max: 0.5 }'),
    [`${prefix}health.checks[].query`]: probe('{ name: latency, query: errors_ratio, max: 0.5 }'),
    [`${prefix}health.checks[].max`]: probe('{ name: latency, query: latency_p99, max: 0.2 }'),
    [`${prefix}health.checks[].min`]: probe('{ name: latency, query: latency_p99, max: 0.5, min: 0.4 }'),
    [`${prefix}health.checks[].unit`]: probe('{ name: latency, query: latency_p99, max: 0.5, unit: s }'),
  };
}

/**
 * A tier's approvers, change approval and bake. Its 100% stage waits for an
 * approval (`required`, which bob gives) or a change approval (which carol
 * gives with a change record, not having started the release).
 */
function tierApprovalProbes(tier: string): [string, Probe][] {
  const waiting = (approval: string, more = '') => ({
    base: `tier: ${tier}\ntiers: { ${tier}: { stages: [{ weight: 10 }, { weight: 100, approval: ${approval} }] } }`,
    changed: `tier: ${tier}\ntiers: { ${tier}: { stages: [{ weight: 10 }, { weight: 100, approval: ${approval} }], ${more} } }`,
  });
  const byCarol = promotionApprovedBy('carol');
  return [
    [`tiers.${tier}.approvers.users`, { ...waiting('required', 'approvers: { users: [amy] }'), run: promotion }],
    [`tiers.${tier}.approvers.teams`, { ...waiting('required', 'approvers: { teams: [acme/sre] }'), run: promotion }],
    [
      `tiers.${tier}.change.approvers.users`,
      { ...waiting('change', 'change: { approvers: { users: [dave] } }'), run: byCarol },
    ],
    [
      `tiers.${tier}.change.approvers.teams`,
      { ...waiting('change', 'change: { approvers: { teams: [acme/cab] } }'), run: byCarol },
    ],
    [
      `tiers.${tier}.change.recordPattern`,
      { ...waiting('change', "change: { recordPattern: 'CHG[0-9]{9}' }"), run: byCarol },
    ],
    [
      `tiers.${tier}.bakeTime`,
      {
        // One stage, which waits for nobody, so that every tier reaches its promotion.
        base: `tier: ${tier}\ntiers: { ${tier}: { stages: [{ weight: 100 }] } }`,
        changed: `tier: ${tier}\ntiers: { ${tier}: { stages: [{ weight: 100 }], bakeTime: 3h } }`,
        run: promotion,
      },
    ],
  ];
}

const CANARY: Record<string, Probe> = {
  ...gateProbes('', (check) => `health: { checks: [${check}] }`),
  ...gateProbes('stages[].', (check) => `stages: [{ weight: 10, health: { checks: [${check}] } }, { weight: 100 }]`),
  ...Object.fromEntries(
    ['critical', 'standard', 'non-critical', 'infrastructure'].flatMap((tier) =>
      Object.entries(
        gateProbes(
          `tiers.${tier}.stages[].`,
          (check) =>
            `tier: ${tier}\ntiers: { ${tier}: { stages: [{ weight: 10, health: { checks: [${check}] } }, { weight: 100 }] } }`,
        ),
      ),
    ),
  ),
  services: {
    changed: 'services: [payments-*]',
    run: (p: CanaryPolicy) => policyFor([{ file: 'canary.yaml', policy: p }], 'canary', 'checkout').file,
  },
  tier: { changed: 'tier: critical', run: promotion },
  'stages[].weight': { changed: 'stages: [{ weight: 10 }, { weight: 100 }]', run: promotion },
  'stages[].soakTime': {
    base: 'stages: [{ weight: 10 }, { weight: 100 }]',
    changed: 'stages: [{ weight: 10, soakTime: 2h }, { weight: 100 }]',
    run: promotion,
  },
  'stages[].approval': {
    base: 'stages: [{ weight: 10 }, { weight: 100 }]',
    changed: 'stages: [{ weight: 10 }, { weight: 100, approval: required }]',
    run: promotion,
  },
  ...Object.fromEntries(
    ['critical', 'standard', 'non-critical', 'infrastructure'].flatMap((tier) => [
      ...tierApprovalProbes(tier),
      [`tiers.${tier}.stages[].weight`, tierStages(tier, '[{ weight: 10 }, { weight: 100 }]')],
      [
        `tiers.${tier}.stages[].soakTime`,
        {
          ...tierStages(tier, '[{ weight: 10, soakTime: 3h }, { weight: 100 }]'),
          base: `tier: ${tier}\ntiers: { ${tier}: { stages: [{ weight: 10 }, { weight: 100 }] } }`,
        },
      ],
      [
        `tiers.${tier}.stages[].approval`,
        {
          ...tierStages(tier, '[{ weight: 10, approval: required }, { weight: 100 }]'),
          base: `tier: ${tier}\ntiers: { ${tier}: { stages: [{ weight: 10 }, { weight: 100 }] } }`,
        },
      ],
    ]),
  ),
  'analysis.interval': { changed: 'analysis: { interval: 10m }', run: promotion },
  'analysis.lookback': { changed: 'analysis: { lookback: 5m }', run: promotion },
  'analysis.marginal': { changed: 'analysis: { marginal: fail }', run: promotion },
  'analysis.maxFailedIntervals': {
    base: 'analysis: { marginal: fail }',
    changed: 'analysis: { marginal: fail, maxFailedIntervals: 3 }',
    run: promotion,
  },
  'analysis.judge.profile': { ...judgeSetting('profile: kayenta'), run: judgeOn(NOISY_UP_10) },
  'analysis.judge.passThreshold': {
    base: `analysis: { judge: { metrics: [${FIVE.map((n) => `{ name: ${n}, ${Q}, direction: increase }`).join(', ')}] } }`,
    changed: `analysis: { judge: { passThreshold: 80, metrics: [${FIVE.map((n) => `{ name: ${n}, ${Q}, direction: increase }`).join(', ')}] } }`,
    run: judgeOn(FIVE_SAMPLES),
  },
  'analysis.judge.marginalThreshold': {
    base: `analysis: { judge: { metrics: [${FIVE.map((n) => `{ name: ${n}, ${Q}, direction: increase }`).join(', ')}] } }`,
    changed: `analysis: { judge: { marginalThreshold: 85, metrics: [${FIVE.map((n) => `{ name: ${n}, ${Q}, direction: increase }`).join(', ')}] } }`,
    run: judgeOn(FIVE_SAMPLES),
  },
  'analysis.judge.confidenceLevel': { ...judgeSetting('confidenceLevel: 0.8'), run: judgeOn(NOISY_UP_8) },
  'analysis.judge.minSamples': judgeSetting('minSamples: 30'),
  'analysis.judge.falseFailureRate': { ...judgeSetting('falseFailureRate: 0.2'), run: judgeOn(NOISY_UP_8) },
  'analysis.judge.minRelativeChange': judgeSetting('minRelativeChange: 10'),
  'analysis.judge.groups': {
    base: GROUPED('errors: 50, latency: 50', 'latency'),
    changed: GROUPED('errors: 20, latency: 80', 'latency'),
    run: judgeOn(ERRORS_UP_LATENCY_FLAT),
  },
  'analysis.judge.metrics[].name': {
    base: JUDGE,
    changed: `analysis: { judge: { metrics: [{ name: 5xx, ${Q}, direction: increase }] } }`,
    run: judgeConfig,
  },
  'analysis.judge.metrics[].query': {
    base: JUDGE,
    changed: `analysis: { judge: { metrics: [{ name: errors, query: 'sum(rate(errors[5m]))', direction: increase }] } }`,
    run: judgeConfig,
  },
  'analysis.judge.metrics[].direction': {
    base: JUDGE,
    changed: `analysis: { judge: { metrics: [{ name: errors, ${Q}, direction: decrease }] } }`,
    run: judgeConfig,
  },
  'analysis.judge.metrics[].critical': metric('critical: true'),
  // Judged on its totals by the rate-ratio test: another interval and reason, whatever the verdict.
  'analysis.judge.metrics[].kind': metric('kind: count'),
  // The same errors over other requests: 3% against 2% of requests, or 1.5% against 2%.
  'analysis.judge.metrics[].denominator': { base: RATIO('requests'), changed: RATIO('served'), run: ratioWindow },
  // Missing data holds the judgment either way; mustHaveData turns the metric's NoData into NoDataFail, and says so.
  'analysis.judge.metrics[].mustHaveData': {
    base: TWO(''),
    changed: TWO(', mustHaveData: true'),
    run: judgeOn(LATENCY_MISSING),
  },
  'analysis.judge.metrics[].group': {
    base: GROUPED('errors: 50, latency: 50', 'latency'),
    changed: GROUPED('errors: 50, latency: 50', 'errors'),
    run: judgeOn(ERRORS_UP_LATENCY_FLAT),
  },
  'analysis.judge.metrics[].allowedIncrease': metric('allowedIncrease: 10'),
  'analysis.judge.metrics[].allowedDecrease': {
    base: DOWNWARD(''),
    changed: DOWNWARD(', allowedDecrease: 10'),
    run: judgeOn(DOWN_8),
  },
  'analysis.judge.metrics[].criticalIncrease': {
    ...metric('critical: true, criticalIncrease: 50'),
    base: judgeWith('critical: true'),
  },
  'analysis.judge.metrics[].criticalDecrease': {
    base: DOWNWARD(', critical: true'),
    changed: DOWNWARD(', critical: true, criticalDecrease: 50'),
    run: judgeOn(DOWN_8),
  },
  'analysis.judge.metrics[].nanStrategy': metric('nanStrategy: replace'),
  'analysis.judge.metrics[].outliers': { ...metric('outliers: remove'), run: judgeOn(ONE_OUTLIER) },
  'analysis.judge.metrics[].muted': metric('muted: true'),
  'analysis.judge.metrics[].effectSize': metric('effectSize: cles'),
  // Changes no verdict: what users see is the values in the report, `108 ms` where they were `108`.
  'analysis.judge.metrics[].unit': { ...metric('unit: ms'), run: judgedEvidence },
  'approvers.users': { changed: 'approvers: { users: [alice] }', run: promotion },
  'approvers.teams': { changed: 'approvers: { teams: [acme/sre] }', run: promotion },
  'approvers.method': {
    base: 'stages: [{ weight: 10 }, { weight: 100, approval: required }]',
    changed: 'stages: [{ weight: 10 }, { weight: 100, approval: required }]\napprovers: { method: dispatch }',
    run: promotion,
  },
};

// ---------------------------------------------------------------- gates (the workflow gate)

const GATE_NOW = new Date('2026-06-15T12:00:00Z');
const WORKFLOW_FILE = '.github/workflows/ci.yml';
const WORKFLOW = [
  'on: push',
  'permissions: {}',
  'jobs:',
  '  build:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: someone/tool@v1',
  '      - uses: other/tool@v2',
  '      - run: npm install -g left-pad',
  '',
].join('\n');

/** The workflow gate's decision on one workflow with two unpinned actions and an unpinned tool install. */
function workflowGate(policy: GatesPolicy) {
  const audits = [
    auditSource(WORKFLOW_FILE, WORKFLOW, {
      pins: policy.pins,
      allow: policy.allow,
      deny: policy.deny,
      maxBytes: policy.maxFileBytes,
    }),
  ];
  const d = decideWorkflowGate({ audits, policy, now: GATE_NOW });
  return {
    verdict: d.verdict,
    findings: d.findings.map((f) => [f.ruleId, f.severity, f.line]),
    suppressed: d.suppressed.map((x) => [x.finding.ruleId, x.finding.line, x.by, x.reason]),
  };
}
/** The fingerprints of the two unpinned actions, in line order. */
const [FP_SOMEONE, FP_OTHER] = auditSource(WORKFLOW_FILE, WORKFLOW)
  .findings.filter((f) => f.ruleId === 'unpinned-uses')
  .map((f) => f.fingerprint);
const waiver = (fields: string) => `waivers: [{ ${fields} }]`;
const WAIVER =
  "rule: unpinned-uses, file: '.github/workflows/*.yml', reason: pinned next sprint, owner: '@platform', expires: 2030-01-01";

const GATES: Record<string, Probe> = {
  failOn: { changed: 'failOn: critical', run: workflowGate },
  'rules.<key>.severity': { changed: 'rules: { unpinned-uses: { severity: low } }', run: workflowGate },
  'rules.<key>.enabled': { changed: 'rules: { unpinned-uses: { enabled: false } }', run: workflowGate },
  'pins[].pattern': {
    base: "pins: [{ pattern: 'nobody/*', policy: any }, { pattern: '*', policy: hash-pin }]",
    changed: "pins: [{ pattern: 'someone/*', policy: any }, { pattern: '*', policy: hash-pin }]",
    run: workflowGate,
  },
  'pins[].policy': {
    base: "pins: [{ pattern: '*', policy: hash-pin }]",
    changed: "pins: [{ pattern: '*', policy: ref-pin }]",
    run: workflowGate,
  },
  allow: { changed: "allow: ['someone/*']", run: workflowGate },
  deny: { changed: "deny: ['someone/*']", run: workflowGate },
  'waivers[].rule': {
    base: waiver(WAIVER),
    changed: waiver(WAIVER.replace('rule: unpinned-uses', 'rule: unpinned-tool-install')),
    run: workflowGate,
  },
  'waivers[].file': {
    base: waiver(WAIVER),
    changed: waiver(WAIVER.replace('.github/workflows/*.yml', 'deploy/*.yml')),
    run: workflowGate,
  },
  'waivers[].fingerprint': {
    base: waiver(`fingerprint: ${FP_SOMEONE}, ${WAIVER.replace("file: '.github/workflows/*.yml', ", '')}`),
    changed: waiver(`fingerprint: ${FP_OTHER}, ${WAIVER.replace("file: '.github/workflows/*.yml', ", '')}`),
    run: workflowGate,
  },
  'waivers[].reason': {
    base: waiver(WAIVER),
    changed: waiver(WAIVER.replace('pinned next sprint', 'vendored fork')),
    run: workflowGate,
  },
  'waivers[].owner': {
    base: waiver(WAIVER),
    changed: waiver(WAIVER.replace('@platform', '@security')),
    run: workflowGate,
  },
  'waivers[].expires': {
    base: waiver(WAIVER),
    changed: waiver(WAIVER.replace('2030-01-01', '2026-01-01')),
    run: workflowGate,
  },
  maxFileBytes: { changed: 'maxFileBytes: 100', run: workflowGate },
};

// ---------------------------------------------------------------- gates (the secret gate)

// Fake credentials, built at test time so that the repository holds none.
const fake = new Fake(17);
const SECRET_FILES: Record<string, string> = {
  'src/config.ts': `export const token = "ghp_${fake.alnum(36)}";\nexport const api_key = "sandbox${fake.password(20)}";\n`,
  'package-lock.json': `{ "token": "ghp_${fake.alnum(36)}" }\n`,
};
/** The secret gate's decision on SECRET_FILES: a GitHub token and a generic key in source, a token in a lock file. */
function secretGate(policy: GatesPolicy) {
  const secrets = policy.secrets ?? DEFAULT_SECRETS_POLICY;
  const scans = Object.entries(SECRET_FILES).map(([path, text]) =>
    scanFileContent(path, new TextEncoder().encode(text), defaultRules(), secrets),
  );
  const d = decideSecrets(
    scans.flatMap((r) => r.findings),
    { policy: secrets, waiverLines: secrets.waivers.map(() => 1) },
    GATE_NOW,
  );
  return {
    verdict: d.verdict,
    blocking: d.blocking,
    findings: d.findings.map((f) => [f.ruleId, f.file, f.line]),
    suppressed: d.suppressed.map((x) => [x.finding.ruleId, x.by, x.reason]),
    expired: d.expiredWaivers.map((w) => w.rule),
    notices: scans.flatMap((r) => r.notices.map((n) => n.message)),
  };
}
const [FP_TOKEN, FP_KEY] = Object.entries(SECRET_FILES)
  .slice(0, 1)
  .flatMap(([path, text]) =>
    scanFileContent(path, new TextEncoder().encode(text), defaultRules(), DEFAULT_SECRETS_POLICY).findings.map(
      (f) => f.fingerprint,
    ),
  );
const SECRET_WAIVER =
  "rule: github-pat, file: 'src/*.ts', reason: rotated already, owner: '@security', expires: 2030-01-01";
const secretWaiver = (fields: string) => `secrets: { waivers: [{ ${fields} }] }`;

const SECRET_GATE: Record<string, Probe> = {
  'secrets.failOn': { changed: 'secrets: { failOn: critical }', run: secretGate },
  'secrets.disable': { changed: 'secrets: { disable: [github-pat] }', run: secretGate },
  'secrets.allow.paths': { changed: "secrets: { allow: { paths: ['src/**'] } }", run: secretGate },
  'secrets.allow.patterns': { changed: "secrets: { allow: { patterns: ['^ghp_'] } }", run: secretGate },
  'secrets.allow.fingerprints': { changed: `secrets: { allow: { fingerprints: [${FP_TOKEN}] } }`, run: secretGate },
  'secrets.allow.lockFiles': { changed: 'secrets: { allow: { lockFiles: false } }', run: secretGate },
  'secrets.stopWords': { changed: 'secrets: { stopWords: [sandbox] }', run: secretGate },
  'secrets.waivers[].rule': {
    base: secretWaiver(SECRET_WAIVER),
    changed: secretWaiver(SECRET_WAIVER.replace('rule: github-pat', 'rule: generic-secret')),
    run: secretGate,
  },
  'secrets.waivers[].file': {
    base: secretWaiver(SECRET_WAIVER),
    changed: secretWaiver(SECRET_WAIVER.replace("'src/*.ts'", "'test/*.ts'")),
    run: secretGate,
  },
  'secrets.waivers[].fingerprint': {
    base: secretWaiver(`fingerprint: ${FP_TOKEN}, ${SECRET_WAIVER.replace("file: 'src/*.ts', ", '')}`),
    changed: secretWaiver(`fingerprint: ${FP_KEY}, ${SECRET_WAIVER.replace("file: 'src/*.ts', ", '')}`),
    run: secretGate,
  },
  'secrets.waivers[].reason': {
    base: secretWaiver(SECRET_WAIVER),
    changed: secretWaiver(SECRET_WAIVER.replace('rotated already', 'revoked')),
    run: secretGate,
  },
  'secrets.waivers[].owner': {
    base: secretWaiver(SECRET_WAIVER),
    changed: secretWaiver(SECRET_WAIVER.replace('@security', '@platform')),
    run: secretGate,
  },
  'secrets.waivers[].expires': {
    base: secretWaiver(SECRET_WAIVER),
    changed: secretWaiver(SECRET_WAIVER.replace('2030-01-01', '2026-01-01')),
    run: secretGate,
  },
  'secrets.maxFileBytes': { changed: 'secrets: { maxFileBytes: 10 }', run: secretGate },
};

// ---------------------------------------------------------------- gates (the posture gate)

/** A well kept repository whose pull request adds two binaries (.bin and .dat) and changes a policy that CODEOWNERS covers. */
const POSTURE_SNAPSHOT: PostureSnapshot = {
  defaultBranch: 'main',
  branchProtection: {
    requiredStatusChecks: ['build'],
    requiredApprovingReviews: 1,
    requireCodeOwnerReviews: true,
    enforceAdmins: true,
    allowForcePushes: false,
    allowDeletions: false,
  },
  rulesets: 0,
  environments: [
    {
      name: 'production',
      protectionRules: [
        { type: 'required_reviewers', reviewers: ['alice'] },
        { type: 'wait_timer', waitTimerMinutes: 5 },
      ],
    },
    { name: 'staging', protectionRules: [] },
  ],
  files: { codeowners: '.github/CODEOWNERS', securityPolicy: 'SECURITY.md', dependabot: '.github/dependabot.yml' },
  codeownersText: '/policies/ @acme/sre\n',
  workflowPermissions: { defaultPermissions: 'read', canApprovePullRequestReviews: false },
  changedFiles: [
    { path: 'tools/helper.bin', status: 'added' },
    { path: 'tools/helper.dat', status: 'added' },
    { path: 'policies/gates.yml', status: 'modified' },
  ],
};
function postureGate(policy: GatesPolicy) {
  const posture = policy.posture ?? DEFAULT_DEPS_POLICY.posture;
  const d = decidePosture(
    POSTURE_SNAPSHOT,
    { ...DEFAULT_DEPS_POLICY, posture, postureWaiverLines: posture.waivers.map(() => 1) },
    GATE_NOW,
  );
  return {
    verdict: d.verdict,
    findings: d.findings.map((f) => [f.ruleId, f.subject, f.severity, f.blocking]),
    suppressed: d.suppressed.map((x) => [x.finding.ruleId, x.by, x.reason]),
  };
}
const POSTURE_WAIVER =
  "rule: posture-binary-added, subject: tools/helper.bin, reason: vendored tool, owner: '@platform', expires: 2030-01-01";
const postureWaiver = (fields: string) => `posture: { waivers: [{ ${fields} }] }`;
const envs = (list: string) => `posture: { environments: [${list}] }`;

const POSTURE_GATE: Record<string, Probe> = {
  'posture.failOn': { changed: 'posture: { failOn: medium }', run: postureGate },
  'posture.rules.<key>.severity': {
    changed: 'posture: { rules: { posture-binary-added: { severity: low } } }',
    run: postureGate,
  },
  'posture.rules.<key>.enabled': {
    changed: 'posture: { rules: { posture-binary-added: { enabled: false } } }',
    run: postureGate,
  },
  'posture.requiredStatusChecks': { changed: 'posture: { requiredStatusChecks: [build, test] }', run: postureGate },
  'posture.environments[].name': {
    base: envs('{ name: production }'),
    changed: envs('{ name: staging }'),
    run: postureGate,
  },
  'posture.environments[].reviewers': {
    base: envs('{ name: staging }'),
    changed: envs('{ name: staging, reviewers: false }'),
    run: postureGate,
  },
  'posture.environments[].minWaitMinutes': {
    base: envs('{ name: production }'),
    changed: envs('{ name: production, minWaitMinutes: 10 }'),
    run: postureGate,
  },
  'posture.sensitivePaths': { changed: "posture: { sensitivePaths: ['tools/**'] }", run: postureGate },
  'posture.binaryExtensions': { changed: "posture: { binaryExtensions: ['.dat'] }", run: postureGate },
  'posture.waivers[].rule': {
    base: postureWaiver(POSTURE_WAIVER),
    changed: postureWaiver(POSTURE_WAIVER.replace('posture-binary-added', 'posture-admins-bypass')),
    run: postureGate,
  },
  'posture.waivers[].subject': {
    base: postureWaiver(POSTURE_WAIVER),
    changed: postureWaiver(POSTURE_WAIVER.replace('tools/helper.bin', 'tools/helper.dat')),
    run: postureGate,
  },
  'posture.waivers[].reason': {
    base: postureWaiver(POSTURE_WAIVER),
    changed: postureWaiver(POSTURE_WAIVER.replace('vendored tool', 'built elsewhere')),
    run: postureGate,
  },
  'posture.waivers[].owner': {
    base: postureWaiver(POSTURE_WAIVER),
    changed: postureWaiver(POSTURE_WAIVER.replace('@platform', '@security')),
    run: postureGate,
  },
  'posture.waivers[].expires': {
    base: postureWaiver(POSTURE_WAIVER),
    changed: postureWaiver(POSTURE_WAIVER.replace('2030-01-01', '2026-01-01')),
    run: postureGate,
  },
};

// ---------------------------------------------------------------- gates (the dependency gate)

const GHSA_HIGH = 'GHSA-35jh-r3h4-6jhm';
const GHSA_MODERATE = 'GHSA-29mw-wpgm-hmr9';
const advisory = (severity: string, ghsa: string) => ({
  severity,
  advisoryGhsaId: ghsa,
  advisorySummary: `summary of ${ghsa}`,
  advisoryUrl: `https://github.com/advisories/${ghsa}`,
});
const added = (name: string, more: Partial<DependencyChange> = {}): DependencyChange => ({
  changeType: 'added',
  manifest: 'package-lock.json',
  ecosystem: 'npm',
  name,
  version: '1.0.0',
  packageUrl: `pkg:npm/${name}@1.0.0`,
  license: 'MIT',
  sourceRepositoryUrl: `https://github.com/acme/${name}`,
  scope: 'runtime',
  vulnerabilities: [],
  ...more,
});
/** A pull request adding a vulnerable package, a GPL one, a vulnerable development tool and one without a license. */
const DEPENDENCY_CHANGES: DependencyChange[] = [
  added('left-pad', { vulnerabilities: [advisory('high', GHSA_HIGH)] }),
  added('gpl-thing', { license: 'GPL-3.0-only' }),
  added('devtool', { scope: 'development', vulnerabilities: [advisory('moderate', GHSA_MODERATE)] }),
  added('nolicense', { license: null, sourceRepositoryUrl: null }),
];
/** OpenSSF Scorecard scores of the packages' repositories. */
const SCORECARDS = new Map<string, number | string>([
  ['github.com/acme/left-pad', 4],
  ['github.com/acme/gpl-thing', 8],
  ['github.com/acme/devtool', 8],
]);
function dependencyGate(policy: GatesPolicy) {
  const dependencies = policy.dependencies ?? DEFAULT_DEPS_POLICY.dependencies;
  const d = decideDependencies({
    changes: DEPENDENCY_CHANGES,
    policy: { ...DEFAULT_DEPS_POLICY, dependencies, dependencyWaiverLines: dependencies.waivers.map(() => 1) },
    scorecards: SCORECARDS,
    now: GATE_NOW,
  });
  return {
    verdict: d.verdict,
    findings: d.findings.map((f) => [f.ruleId, f.subject, f.severity, f.blocking]),
    suppressed: d.suppressed.map((x) => [x.finding.ruleId, x.by, x.reason]),
  };
}
const DEPENDENCY_WAIVER = `package: 'pkg:npm/left-pad', rule: dependency-vulnerable, reason: not reachable, owner: '@platform', expires: 2030-01-01`;
const dependencyWaiver = (fields: string) => `dependencies: { waivers: [{ ${fields} }] }`;
const DENY_GPL = 'dependencies: { licenses: { deny: [GPL-3.0-only] } }';

const DEPENDENCY_GATE: Record<string, Probe> = {
  'dependencies.failOnSeverity': { changed: 'dependencies: { failOnSeverity: critical }', run: dependencyGate },
  'dependencies.failOnScopes': {
    changed: 'dependencies: { failOnScopes: [runtime, unknown, development] }',
    run: dependencyGate,
  },
  'dependencies.vulnerabilities': { changed: 'dependencies: { vulnerabilities: false }', run: dependencyGate },
  'dependencies.licenses.check': {
    base: DENY_GPL,
    changed: 'dependencies: { licenses: { check: false, deny: [GPL-3.0-only] } }',
    run: dependencyGate,
  },
  'dependencies.licenses.allow': { changed: 'dependencies: { licenses: { allow: [MIT] } }', run: dependencyGate },
  'dependencies.licenses.deny': { changed: DENY_GPL, run: dependencyGate },
  'dependencies.licenses.unknown': { changed: 'dependencies: { licenses: { unknown: fail } }', run: dependencyGate },
  'dependencies.allow.advisories': {
    changed: `dependencies: { allow: { advisories: [${GHSA_HIGH}] } }`,
    run: dependencyGate,
  },
  'dependencies.allow.packages': {
    base: DENY_GPL,
    changed: "dependencies: { licenses: { deny: [GPL-3.0-only] }, allow: { packages: ['pkg:npm/gpl-thing'] } }",
    run: dependencyGate,
  },
  'dependencies.deny.packages': {
    changed: "dependencies: { deny: { packages: ['pkg:npm/gpl-thing'] } }",
    run: dependencyGate,
  },
  'dependencies.scorecard.minScore': {
    base: 'dependencies: { scorecard: { minScore: 3 } }',
    changed: 'dependencies: { scorecard: { minScore: 5 } }',
    run: dependencyGate,
  },
  'dependencies.scorecard.missing': {
    base: 'dependencies: { scorecard: { minScore: 3 } }',
    changed: 'dependencies: { scorecard: { minScore: 3, missing: fail } }',
    run: dependencyGate,
  },
  'dependencies.waivers[].package': {
    base: dependencyWaiver(DEPENDENCY_WAIVER),
    changed: dependencyWaiver(DEPENDENCY_WAIVER.replace('pkg:npm/left-pad', 'pkg:npm/devtool')),
    run: dependencyGate,
  },
  'dependencies.waivers[].advisory': {
    base: dependencyWaiver(`advisory: ${GHSA_HIGH}, reason: not reachable, owner: '@platform', expires: 2030-01-01`),
    changed: dependencyWaiver(
      `advisory: ${GHSA_MODERATE}, reason: not reachable, owner: '@platform', expires: 2030-01-01`,
    ),
    run: dependencyGate,
  },
  'dependencies.waivers[].rule': {
    base: dependencyWaiver(DEPENDENCY_WAIVER),
    changed: dependencyWaiver(DEPENDENCY_WAIVER.replace('dependency-vulnerable', 'dependency-denied')),
    run: dependencyGate,
  },
  'dependencies.waivers[].reason': {
    base: dependencyWaiver(DEPENDENCY_WAIVER),
    changed: dependencyWaiver(DEPENDENCY_WAIVER.replace('not reachable', 'patched in place')),
    run: dependencyGate,
  },
  'dependencies.waivers[].owner': {
    base: dependencyWaiver(DEPENDENCY_WAIVER),
    changed: dependencyWaiver(DEPENDENCY_WAIVER.replace('@platform', '@security')),
    run: dependencyGate,
  },
  'dependencies.waivers[].expires': {
    base: dependencyWaiver(DEPENDENCY_WAIVER),
    changed: dependencyWaiver(DEPENDENCY_WAIVER.replace('2030-01-01', '2026-01-01')),
    run: dependencyGate,
  },
};

// ---------------------------------------------------------------- notify

/** A stage event sent to a Slack target that takes everything: what was delivered. */
async function notifyStage(p: NotifyPolicy): Promise<number> {
  const event = {
    kind: 'stage',
    action: 'promoted',
    tone: 'good',
    headline: 'promoted',
    id: '1',
    time: '2026-11-22T09:30:00Z',
    repository: 'acme/shop',
    repositoryUrl: 'https://github.com/acme/shop',
    runUrl: 'https://github.com/acme/shop/actions/runs/1',
  } as const;
  const webhooks = { post: async () => ({ ok: true as const, status: 200 }) };
  const out = await notify(event, { slack: 'https://hooks.example/x' }, p, { webhooks, logger: new RecordingLogger() });
  return out.deliveries.length;
}

const NOTIFY: Record<string, Probe> = {
  services: {
    changed: 'services: [payments-*]',
    run: (p: NotifyPolicy) => policyFor([{ file: 'notify.yaml', policy: p }], 'notify', 'checkout').file,
  },
  on: { changed: 'on: [rollback]', run: notifyStage },
};

const PROBES: Record<string, Probe> = Object.fromEntries(
  Object.entries({
    postmortem: POSTMORTEM,
    rollback: ROLLBACK,
    freeze: FREEZE,
    waves: WAVES_PROBES,
    canary: CANARY,
    notify: NOTIFY,
    gates: { ...GATES, ...SECRET_GATE, ...POSTURE_GATE, ...DEPENDENCY_GATE },
  }).flatMap(([kind, probes]) => Object.entries(probes).map(([path, probe]) => [`${kind}: ${path}`, probe])),
);

/** Fields without a probe here, each with why. Keep it short: each one is a field whose effect this guard cannot see. */
const NOT_PROBED: Record<string, string> = {
  'freeze: breakGlass.requireReason': 'accepts only true: the gate always requires a reason',
  'freeze: metricsDeadline':
    'a wall-clock deadline, which a probe here would wait out; test/e2e/hanging-metrics.test.ts holds it',
  'waves: health.metricsDeadline':
    'a wall-clock deadline, which a probe here would wait out; test/waves/health-deadline.test.ts holds it',
  'waves: health.watch':
    'no behavioural probe yet: read by the waves runner (src/waves/run.ts) before it checks health; test/waves/run.test.ts holds it',
  'waves: health.provider':
    'no behavioural probe yet: picks the metrics provider in the waves runner (src/waves/run.ts)',
  'canary: analysis.metricsDeadline':
    'a wall-clock deadline, which a probe here would wait out; test/e2e/hanging-metrics.test.ts holds it',
  'canary: provider': 'no behavioural probe yet: picks the metrics provider in runCanary (src/canary/promotion/run.ts)',
  'gates: dependencies.fallback':
    "no behavioural probe yet: read by the dependency gate's runner (src/gates/deps/run.ts) when GitHub's dependency graph cannot answer",
};

const ALL = leafFields();

describe('every policy field changes a decision or an output', () => {
  it('enumerates the leaf fields of every kind', () => {
    expect(new Set(ALL.map((id) => id.split(':')[0]))).toEqual(new Set(Object.keys(policyKinds)));
  });

  it('has a probe for each field, or says why not', () => {
    const unprobed = ALL.filter((id) => !(id in PROBES) && !(id in NOT_PROBED));
    expect(unprobed).toEqual([]);
    // A probe or exception whose field is gone is stale.
    expect([...Object.keys(PROBES), ...Object.keys(NOT_PROBED)].filter((id) => !ALL.includes(id))).toEqual([]);
    expect(Object.keys(PROBES).filter((id) => id in NOT_PROBED)).toEqual([]);
  });

  for (const [id, probe] of Object.entries(PROBES)) {
    it(id, async () => {
      const kind = id.split(':')[0] ?? '';
      const text = (body: string) => `kind: ${kind}\n${body}\n`;
      const parse = (body: string) => parseAnyPolicy(text(body), `${kind}.yaml`) as never;
      const before = await probe.run(parse(probe.base ?? ''), text(probe.base ?? ''));
      const after = await probe.run(parse(probe.changed), text(probe.changed));
      expect(after).not.toEqual(before);
    });
  }
});
