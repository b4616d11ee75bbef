/**
 * Every Bellwether action, declared once. Inputs shared by several actions
 * are defined here once and spread into each spec.
 */
import { defineAction } from './spec.js';

const token = {
  type: 'string',
  description:
    'GitHub token used for the API. The default job token is enough when the workflow grants the permissions listed in the README; it is masked in every log.',
  default: '${{ github.token }}',
  secret: true,
} as const;

const policy = {
  type: 'string',
  description:
    'Path to a policy file or a folder of policy files, from the workspace. Empty means `.github/bellwether/` when the workspace has it, else the embedded defaults.',
  default: '',
} as const;

const service = {
  type: 'string',
  description: 'The service, as named in the release manifests and policies.',
  required: true,
} as const;
const environment = {
  type: 'string',
  description: 'The environment, for example `production`.',
  default: 'production',
} as const;
const manifests = {
  type: 'string',
  description: 'Folder of release manifests (`<service>/<environment>/<region>.yaml`).',
  default: 'deploy',
} as const;
const branch = {
  type: 'string',
  description: 'Branch holding the release manifests; empty means the branch the workflow runs on.',
  default: '',
} as const;
const metrics = {
  type: 'string',
  description:
    'YAML file naming the metrics providers (`providers:` with prometheus, datadog or replay), or a folder holding `metrics.yml`. Empty means `.github/bellwether/metrics.yml` when the workspace has it; with no providers, judgments hold for lack of data.',
  default: '',
} as const;

const DELIVERY =
  "Posted when the `notify` policy announces the event this step produced (every event by default); masked in every log and never written to a report. A post that fails is a warning with its HTTP status, and the step's decision stands.";

/** The notification targets: webhook addresses, which are credentials, so each is a secret. */
const notify = {
  'notify-slack-webhook': {
    type: 'string',
    description: `Slack incoming webhook URL (pass a secret: \`\${{ secrets.SLACK_WEBHOOK_URL }}\`) that gets a Block Kit message with the decision's headline and a link to the run. ${DELIVERY}`,
    default: '',
    secret: true,
  },
  'notify-teams-webhook': {
    type: 'string',
    description: `Microsoft Teams incoming webhook or Workflows webhook URL (pass a secret) that gets an Adaptive Card with the decision's headline and a link to the run. ${DELIVERY}`,
    default: '',
    secret: true,
  },
  'notify-webhook': {
    type: 'string',
    description: `URL (pass a secret) that gets each event as a CloudEvents 1.0 structured JSON event of type \`dev.bellwether.<event>.<what happened>\`, such as \`dev.bellwether.stage.promoted\`. ${DELIVERY}`,
    default: '',
    secret: true,
  },
} as const;

export const gateSpec = defineAction({
  name: 'gate',
  title: 'Bellwether security gate',
  description:
    'Audits workflows and actions in a pull request for injection, privileged triggers, unpinned actions and missing permissions; reports SARIF, a check run and one PR comment.',
  inputs: {
    token: {
      ...token,
      description: `${token.description} The workflow audit also reads, with it, the public repositories and advisories of the actions a workflow uses (impostor commits, version comments against tags, archived and vulnerable actions; at most 200 requests a run).`,
    },
    policy,
    paths: {
      type: 'list',
      description: 'Files or folders to audit, one a line.',
      default: '.github/workflows\n.github/actions\naction.yml\nactions',
    },
    mode: {
      type: 'enum',
      values: ['diff', 'full'],
      description:
        "`diff` counts only what the pull request introduces: workflow findings already on its base commit do not count (the checkout needs the base: `fetch-depth: 0`; without it, or outside a pull request, everything counts and the summary says so) and secrets are looked for in the lines it adds. `full` counts every finding of the audited files and scans every file the repository tracks for secrets. The dependency review covers the pull request's changes in both.",
      default: 'diff',
    },
    'sarif-file': {
      type: 'string',
      description: 'Where to write the SARIF report for code scanning.',
      default: 'bellwether-gate.sarif',
    },
    comment: {
      type: 'boolean',
      description: 'Keep one pull request comment with the findings, updated in place.',
      default: 'true',
    },
  },
  outputs: {
    verdict: { description: '`pass` or `fail`.' },
    findings: { description: 'Number of findings that count against the policy.' },
    examined: {
      description:
        'What each gate family read, as JSON: `{"workflows":{"files":3,"lines":120},"secrets":{"files":2,"lines":14},"dependencies":{"text":"…"}}`. A family that could not run is absent.',
    },
    'sarif-file': { description: 'Path of the SARIF report.' },
  },
  branding: { icon: 'shield', color: 'green' },
  usage:
    'Run it on `pull_request` with `contents: read`, `checks: write`, `pull-requests: write` and `security-events: write` when uploading SARIF.',
});

export const canarySpec = defineAction({
  name: 'canary',
  title: 'Bellwether canary promotion',
  description:
    'Advances a staged canary (1% → 5% → 25% → 100%) through git, judging every stage against the baseline, and promotes, holds or rolls back.',
  inputs: {
    token,
    policy,
    service,
    environment,
    region: { type: 'string', description: 'Region to act on; empty for a service that is not regional.', default: '' },
    command: {
      type: 'enum',
      values: ['tick', 'start', 'promote', 'pause', 'resume', 'abort', 'rollback'],
      description: '`tick` advances whatever is due; the others are manual controls.',
      default: 'tick',
    },
    version: { type: 'string', description: 'Version to start as the canary (with `start`).', default: '' },
    irreversible: {
      type: 'boolean',
      description:
        "With `start`: the release cannot be undone by deploying an older one (a database migration). The manifest marks it, the mark stays through every stage and onto the stable version, and a failed judgment follows the rollback policy's `irreversible:` (`roll-forward`: paused where it is, handed to the rollback flow to fix forward; `rollback`: rolled back all the same).",
      default: 'false',
    },
    reason: {
      type: 'string',
      description:
        'Why, for `pause`, `abort`, `rollback` and `promote`; recorded in the manifest history and the commit message. Accepting a Marginal judgment with `promote` needs one; a Fail or NoData judgment is never promotable.',
      default: '',
    },
    'change-record': {
      type: 'string',
      description:
        "With `promote`: the change record (an identifier such as `CHG0031234`, or a link) that a stage with `approval: change` needs. It must match the tier's `change.recordPattern`, the approver must be one of the tier's change approvers and not the person who started the release, and it is recorded in the manifest history and the commit message.",
      default: '',
    },
    'break-glass': {
      type: 'string',
      description:
        "Justification for moving the canary through an error-budget freeze, judged as the freeze action's `break-glass` is: only users and teams of the freeze policy's `breakGlass` may, until `break-glass-expiry`. It applies to this run only, is recorded in the promotion's reason and opens the break-glass follow-up issue.",
      default: '',
    },
    'break-glass-expiry': {
      type: 'string',
      description:
        "When the break-glass ends: an RFC 3339 time or a duration from now such as `4h`, at most the freeze policy's `breakGlassMaxDuration`.",
      default: '',
    },
    manifests,
    branch,
    metrics,
    'max-wait-minutes': {
      type: 'number',
      min: 0,
      max: 300,
      description:
        'Keep judging inside this job while the next step is due within this many minutes (short soaks); longer waits end the job and a scheduled tick continues.',
      default: '0',
    },
    at: {
      type: 'string',
      description:
        'Run on a simulated clock that starts at this RFC 3339 time (waits advance it instead of sleeping). For backtests and tests; leave it empty in deploy workflows.',
      default: '',
    },
    ...notify,
  },
  outputs: {
    state: { description: 'State of the promotion after this run.' },
    stage: { description: 'Index of the current stage.' },
    weight: { description: 'Canary traffic weight after this run, 0 to 100.' },
    verdict: { description: 'Verdict of the last judgement: `pass`, `marginal`, `fail`, `nodata` or `none`.' },
    'keep-ready': {
      description:
        "The previous version a deploy step must keep deployable for a full rollback (the manifest's `keepReady`): set while the canary takes all the traffic and after its promotion until the tier's `bakeTime` has passed; empty otherwise.",
    },
    'keep-ready-until': {
      description:
        'When `keep-ready` may be scaled down (RFC 3339); empty while the promotion that keeps it ready is still in progress, or when nothing is kept ready.',
    },
    report: { description: 'Path of the JSON report of this run.' },
    'postmortem-issue': {
      description:
        'Number of the postmortem issue opened or refreshed after a failed or rolled-back canary, when the postmortem policy asks for one; empty otherwise.',
    },
  },
  branding: { icon: 'trending-up', color: 'yellow' },
  usage:
    'Drive it from `workflow_dispatch` for manual controls and from `schedule` for ticks, with a concurrency group per service and environment.',
});

export const wavesSpec = defineAction({
  name: 'waves',
  title: 'Bellwether region waves',
  description:
    'Plans and runs region-staggered deploys in waves with bake time and time windows, and emits a matrix of one job per region.',
  inputs: {
    token,
    policy,
    service,
    environment,
    version: { type: 'string', description: 'Version to roll out.', required: true },
    command: {
      type: 'enum',
      values: ['plan', 'advance', 'start-region'],
      description:
        "`plan` emits the matrix of a fresh plan. `advance` runs one reconcile of the rollout: refreshes each region in flight from its release manifest and, for regions deployed without canary stages, from its health checks on `metrics`; rolls back failed regions; records the state in `rollout.yaml` beside the manifests; and emits the regions now due as the matrix without moving their traffic. `start-region`, in the region's own job (its GitHub environment, so that its reviewers and wait timers come first), starts `region` when the rollout still says it is due (the canary in canary waves, the stable version otherwise), compare-and-swap; a region already started is left alone, and one not due fails the step and moves nothing.",
      default: 'plan',
    },
    region: {
      type: 'string',
      description: "The region to start, with `start-region` (the matrix's `region`).",
      default: '',
    },
    manifests,
    branch,
    metrics,
    'notify-issue': {
      type: 'number',
      min: 0,
      description:
        'Issue or pull request (the release one) that keeps one comment, updated in place, saying which regions were scheduled and which completed; 0 for none.',
      default: '0',
    },
    ...notify,
  },
  outputs: {
    matrix: { description: 'JSON matrix of the regions due now, each with its GitHub environment.' },
    wave: { description: 'Index of the wave due now.' },
    'next-start': { description: 'Earliest start of the next wave, RFC 3339.' },
    'region-state': {
      description:
        "With `start-region`: the region's rollout state after this run (`deploying` once started, `pending` when it was not due).",
    },
    'postmortem-issue': {
      description:
        'With `advance`: the number of the postmortem issue opened or refreshed when this run halted the rollout on a failed region and the postmortem policy asks for one; empty otherwise.',
    },
  },
  branding: { icon: 'globe', color: 'blue' },
  usage:
    "Run `advance` on a schedule and feed `matrix` to a region job with `strategy.matrix` and `environment: ${{ matrix.environment }}` that runs `start-region` with `region: ${{ matrix.region }}`: traffic moves only in that job, after the environment's protection rules. The next `advance` checks the region's health (after the policy's `health.watch`, on the providers of `metrics`) and its wave's bake time. `.github/workflows/bellwether-waves.yml` does all of this.",
});

export const rollbackSpec = defineAction({
  name: 'rollback',
  title: 'Bellwether rollback',
  description:
    'Restores the last known good version at once and opens a reviewable rollback pull request with the evidence; quarantines the bad version.',
  inputs: {
    token,
    policy,
    service: {
      type: 'string',
      description:
        'The service; empty means the one named by the event (repository_dispatch client_payload or the deployment payload).',
      default: '',
    },
    environment,
    region: {
      type: 'string',
      description: 'Region to roll back, or `all` (every region of the waves policy).',
      default: 'all',
    },
    version: {
      type: 'string',
      description:
        'The bad version; empty means the canary in progress, else the stable version, else the one the event names.',
      default: '',
    },
    'target-version': {
      type: 'string',
      description: 'Version to return to; empty means the last known good one.',
      default: '',
    },
    reason: {
      type: 'string',
      description: 'Why, in words; recorded in the pull request and the quarantine.',
      default: '',
    },
    evidence: {
      type: 'string',
      description: 'Markdown evidence for the pull request (the verdict and metrics table); a path to a file is read.',
      default: '',
    },
    manifests,
    ...notify,
  },
  outputs: {
    'pull-request': { description: 'Number of the rollback pull request.' },
    'pull-request-url': { description: 'Address of the rollback pull request.' },
    version: { description: 'Version rolled back to.' },
    'bad-version': { description: 'Version rolled back and quarantined.' },
  },
  branding: { icon: 'rotate-ccw', color: 'red' },
  usage:
    'Triggered by a failed verdict, a failed `deployment_status`, an alert through `repository_dispatch` (`client_payload`: service, environment, region, version, reason), or by hand. Needs `contents: write`, `pull-requests: write` and `deployments: read`.',
});

export const freezeSpec = defineAction({
  name: 'freeze',
  title: 'Bellwether error-budget freeze gate',
  description:
    'Computes SLO error budgets and multiwindow burn rates and blocks deploys when the budget policy says so, with an audited break-glass.',
  inputs: {
    token,
    policy,
    slo: {
      type: 'list',
      description:
        'SLO files (OpenSLO or Sloth) or folders, one a line or comma-separated, from the repository root. Empty means the `slos` of the freeze policy.',
      default: '',
    },
    service: {
      type: 'string',
      description:
        'The service: picks the freeze policy whose `services` match and names the freeze issue. Empty means the services of the SLOs.',
      default: '',
    },
    metrics,
    provider: {
      type: 'string',
      description:
        'Name of the metrics provider in the `metrics` file the SLOs are measured with. Empty means the only one configured, or the one named `prometheus`.',
      default: '',
    },
    'change-type': {
      type: 'enum',
      values: ['feature', 'security-fix', 'hotfix', 'rollback'],
      description:
        "What this deployment is. Rollbacks are never blocked; what a freeze blocks otherwise is the policy's.",
      default: 'feature',
    },
    'break-glass': {
      type: 'string',
      description:
        "Justification for deploying through a freeze. Only users and teams listed in the policy's `breakGlass` may; it opens a follow-up issue and shows on the summary.",
      default: '',
    },
    'break-glass-expiry': {
      type: 'string',
      description:
        "When the break-glass ends: an RFC 3339 time or a duration from now such as `4h`, at most the policy's `breakGlassMaxDuration`.",
      default: '',
    },
    at: {
      type: 'string',
      description:
        'Evaluate at this RFC 3339 time instead of now. For backtests and tests; leave it empty in deploy workflows.',
      default: '',
    },
    ...notify,
  },
  outputs: {
    frozen: {
      description:
        '`true` when a rule blocks features (even when a break-glass or an exemption lets this deployment through), `false` otherwise, including at a tier that only asks for an approved pull request; empty for a rollback, which measures nothing.',
    },
    'budget-remaining': {
      description:
        'Error budget remaining of the SLO with the least left, as a fraction (may be negative; empty when unknown or for a rollback).',
    },
    tier: { description: 'The strongest error budget policy tier in force, or `none` (empty for a rollback).' },
    gate: { description: '`allow` or `block` for the change type.' },
    'postmortem-issue': {
      description:
        "On `schedule`, while features are frozen: the number of the freeze's postmortem issue, opened (or found, open or closed, from the freeze's first run) when the postmortem policy asks for one (a budget spent beyond its `budgetPercentNeedingP0` always does); empty otherwise.",
    },
  },
  branding: { icon: 'pause-circle', color: 'orange' },
  usage:
    "As a step before every deployment (any event): it evaluates the SLOs at the moment the step runs, sets `gate`, and fails the step when the change type is blocked; the job summary shows the budget burn-down chart and the alert table. Each tier of the policy's `budgetPolicy` does what it says: by default, from 25% of the budget spent (`notify`) nothing is blocked; from 50% (`consider-freeze`) a feature passes only on a `pull_request` event whose pull request is approved (the step then reads its reviews: `pull-requests: read`) or carries an exemption label; from 75% (`all-hands`) features are blocked and fixes pass; from 100% (`freeze`) `frozenChangeTypes` are blocked. On `schedule` it publishes the state instead: a `bellwether/error-budget` commit status on the commit it runs on (success while features may ship, reviewed or not, failure while frozen) and one `deploy-freeze` issue, opened as a notice from the first tier, retitled when features freeze, and closed when every budget is back below the first tier; while features are frozen, it also opens the freeze's postmortem issue (one per freeze; later runs find it and leave it to its authors) when the postmortem policy asks for one. When metrics are unavailable, or have not all answered within the policy's `metricsDeadline` (60 s by default; the summary then says the deadline passed), features are blocked unless the policy says otherwise; rollbacks never are, and are answered without asking the metrics server. Needs `statuses: write` and `issues: write`.",
});

export const postmortemSpec = defineAction({
  name: 'postmortem',
  title: 'Bellwether postmortem',
  description:
    'Opens or updates a postmortem issue with the timeline filled in after a rollback, a freeze or a severe incident, and keeps its action items from being forgotten.',
  inputs: {
    token,
    policy,
    incident: {
      type: 'string',
      description:
        'Incident key; re-running with the same key updates the same issue. Empty: taken from the event (the incident issue).',
      default: '',
    },
    severity: {
      type: 'enum',
      values: ['sev1', 'sev2', 'sev3', 'sev4'],
      description: 'Incident severity, when not taken from an incident label.',
      default: 'sev2',
    },
    trigger: {
      type: 'enum',
      values: ['rollback', 'freeze', 'label', 'manual'],
      description: 'What opened the incident.',
      default: 'manual',
    },
    title: { type: 'string', description: 'One line naming the incident.', default: '' },
    summary: { type: 'string', description: 'What happened, in a sentence or two.', default: '' },
    service: { type: 'string', description: 'The service, for its deployments on the timeline.', default: '' },
    environment: {
      type: 'string',
      description: 'The GitHub environment whose deployments go on the timeline.',
      default: '',
    },
    'started-at': {
      type: 'string',
      description: 'When the incident started (RFC 3339); empty means now.',
      default: '',
    },
    'resolved-at': { type: 'string', description: 'When the impact ended (RFC 3339), if it has.', default: '' },
    'budget-consumed': {
      type: 'string',
      description: 'Percent of the error budget the incident used, if measured.',
      default: '',
    },
    evidence: {
      type: 'string',
      description: 'Markdown evidence (the canary verdict), or a path to a file holding it.',
      default: '',
    },
    ...notify,
  },
  outputs: {
    issue: { description: 'Number of the postmortem issue.' },
    'issue-url': { description: 'Address of the postmortem issue.' },
    status: { description: '`created`, `updated`, `unchanged`, `skipped` (not required by the policy) or `reviewed`.' },
  },
  branding: { icon: 'file-text', color: 'purple' },
  usage:
    'Runs after rollbacks and freezes (`workflow_call` or `workflow_dispatch` with the incident); on `issues` events, where an incident label of a severity the policy names opens a postmortem, and editing or closing a postmortem issue reviews it (closing one with open P0 action items reopens it); on `issue_comment`, reviewing the postmortem commented on; and on `schedule`, reminding open postmortems whose draft is late or whose action items are overdue. Needs `issues: write` and `deployments: read`.',
});

/** Every action, in the order the README lists them. */
export const actionSpecs = [gateSpec, canarySpec, wavesSpec, rollbackSpec, freezeSpec, postmortemSpec] as const;
