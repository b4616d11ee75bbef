/**
 * What the freeze surfaces publish, decided from a budget report: the commit
 * status on the default branch, whether the one `deploy-freeze` issue is
 * opened, updated, reopened or closed, its text, the break-glass follow-up
 * issue and the action's outputs. Pure: `now` is an argument.
 */
import { CHANGE_TYPES } from '../policy/schemas/freeze-gate.js';
import type { ChangeType } from '../policy/schemas/freeze-gate.js';
import type { BreakGlassRecord } from './gate.js';
import type { BudgetReport } from './report.js';
import { escapeMarkdown } from '../report/markdown.js';

/** The commit status context the scheduled run writes. */
export const FREEZE_STATUS_CONTEXT = 'bellwether/error-budget';
/** The label of the one issue that tracks a freeze. */
export const FREEZE_ISSUE_LABEL = 'deploy-freeze';

/**
 * True when a rule blocks features, even where a break-glass or an exemption
 * lifted the block for this deployment. A tier that only asks for an
 * approved pull request does not freeze: reviewed features still ship.
 */
export function isFrozen(report: Pick<BudgetReport, 'reasons'>): boolean {
  return report.reasons.some((r) => r.rule !== 'budget-approval' && r.blocks.includes('feature'));
}

/** True when features ship only from an approved pull request, and nothing freezes them. */
export function needsApproval(report: Pick<BudgetReport, 'reasons'>): boolean {
  return !isFrozen(report) && report.reasons.some((r) => r.rule === 'budget-approval' && r.blocks.includes('feature'));
}

/**
 * The tiers in force, the strongest first: the team is told from the first
 * tier (`notify`) on, before anything is blocked.
 */
export function tiersInForce(report: Pick<BudgetReport, 'slos'>): { slo: string; action: string; threshold: number }[] {
  return report.slos
    .flatMap((s) => (s.tier ? [{ slo: s.name, action: s.tier.action, threshold: s.tier.threshold }] : []))
    .sort((a, b) => b.threshold - a.threshold || a.slo.localeCompare(b.slo));
}

/** The commit status for the report: success while features may ship (reviewed, at an approval tier), failure while they are frozen. */
export function freezeCommitStatus(report: Pick<BudgetReport, 'gate' | 'reasons'>): {
  state: 'success' | 'failure';
  description: string;
} {
  const frozen = isFrozen(report);
  const text = frozen
    ? `Features frozen: ${report.gate.feature.reason}`
    : needsApproval(report)
      ? `Features need an approved pull request: ${report.gate.feature.reason}`
      : `Features allowed: ${report.gate.feature.reason}`;
  // GitHub cuts a status description at 140 characters; say so instead of losing the end silently.
  return { state: frozen ? 'failure' : 'success', description: text.length > 140 ? `${text.slice(0, 139)}…` : text };
}

/** The key of the freeze issue's hidden marker: the service, else the SLOs' services, else their names. */
export function freezeIssueKey(
  service: string | undefined,
  slos: readonly { name: string; service?: string }[],
): string {
  const services = [...new Set(slos.map((s) => s.service).filter((s): s is string => Boolean(s)))].sort();
  const names = service ? [service] : services.length > 0 ? services : [...slos.map((s) => s.name)].sort();
  const key = names.map((n) => n.replace(/[^A-Za-z0-9._-]/g, '-')).join('.') || 'default';
  return `deploy-freeze/${key}`.slice(0, 200);
}

/** The freeze issue as it is on GitHub, when there is one. */
export interface ExistingIssue {
  readonly number: number;
  readonly state: 'open' | 'closed';
  readonly body: string;
}

/** What to do with the freeze issue. */
export type IssuePlan =
  | { readonly kind: 'open'; readonly title: string; readonly body: string }
  | { readonly kind: 'reopen' | 'update'; readonly number: number; readonly title: string; readonly body: string }
  | { readonly kind: 'close'; readonly number: number; readonly body: string }
  | { readonly kind: 'none'; readonly reason: string };

const SINCE = /^Frozen since (\S+)\.$/m;
const NOTICE_SINCE = /^Notice since (\S+)\.$/m;

/** When the freeze an issue body describes started, if it says. */
export function frozenSince(body: string): string | undefined {
  return SINCE.exec(body)?.[1];
}

/**
 * The issue text while a tier is in force and nothing freezes features
 * (`notify`, `consider-freeze` by default): the team is told before the
 * budget runs out. Like the freeze text, it holds only what changes when a
 * tier changes.
 */
export function renderNoticeIssue(
  report: BudgetReport,
  key: string,
  since: string,
  runUrl?: string,
): { title: string; body: string } {
  const subject = key.slice('deploy-freeze/'.length);
  const tiers = tiersInForce(report);
  const strongest = tiers[0]?.action ?? 'none';
  const lines = [
    `The error budget policy of **${subject}** is in force at tier \`${strongest}\`: features are not frozen, and the team is told.`,
    '',
    `Notice since ${since}.`,
    '',
    '### Tiers in force',
    '',
  ];
  for (const t of tiers)
    lines.push(`- ${t.slo} in tier ${t.action} (at least ${t.threshold}% of the error budget spent)`);
  const review = report.reasons.filter((r) => r.rule === 'budget-approval');
  if (review.length > 0) {
    lines.push('', '### Deployed only from an approved pull request', '');
    for (const r of review) lines.push(`- ${r.summary}`);
  }
  lines.push('', '### The gate per change type', '', '| change type | gate |', '|---|---|');
  for (const t of CHANGE_TYPES)
    lines.push(
      `| ${t} | ${report.gate[t].verdict === 'allow' ? 'allow' : report.reasons.some((r) => r.rule === 'budget-approval' && (r.blocks as readonly string[]).includes(t)) ? 'approved pull request' : 'block'} |`,
    );
  lines.push(
    '',
    `The current budgets are on the \`${FREEZE_STATUS_CONTEXT}\` commit status of the default branch${runUrl ? ` and in the [scheduled run](${runUrl})` : ''}.`,
    '',
    'Bellwether closes this issue when every budget is back below the first tier, and retitles it if features freeze.',
  );
  return { title: `Error budget notice: ${subject} (${strongest})`, body: lines.join('\n') + '\n' };
}

/**
 * The issue text while frozen. It holds only what changes when the freeze
 * changes (which rules block, per change type), not the budget figures that
 * move every run, so a scheduled run edits it only when something happened.
 */
export function renderFreezeIssue(
  report: BudgetReport,
  key: string,
  since: string,
  runUrl?: string,
): { title: string; body: string } {
  const subject = key.slice('deploy-freeze/'.length);
  const lines = [
    `Feature deployments of **${subject}** are frozen by the error budget policy.`,
    '',
    `Frozen since ${since}.`,
    '',
    '### What blocks features',
    '',
  ];
  for (const r of report.reasons.filter((x) => x.blocks.includes('feature'))) lines.push(`- ${ruleLine(r)}`);
  lines.push('', '### The gate per change type', '', '| change type | gate |', '|---|---|');
  for (const t of CHANGE_TYPES) lines.push(`| ${t} | ${report.gate[t].verdict} |`);
  lines.push(
    '',
    `Rollbacks are never blocked. The current budgets, burn rates and alerts are on the \`${FREEZE_STATUS_CONTEXT}\` commit status of the default branch${runUrl ? ` and in the [scheduled run](${runUrl})` : ''}; a permitted user may break the glass with a justification and an expiry (the freeze action's \`break-glass\` and \`break-glass-expiry\` inputs).`,
    '',
    'Bellwether closes this issue when the freeze lifts.',
  );
  return { title: `Deploy freeze: ${subject}`, body: lines.join('\n') + '\n' };
}

/** A rule in words that stay the same while the rule holds (no figures that move each run). */
function ruleLine(r: BudgetReport['reasons'][number]): string {
  switch (r.rule) {
    case 'budget-tier':
      return `${r.summary.replace(/ \([^)]*% spent\)$/, '')} (at least ${r.threshold} of the error budget spent)`;
    case 'page-alert':
      return `${r.summary}`;
    case 'metrics-unavailable':
      return `${r.summary}: features are blocked while the budget cannot be measured`;
    case 'calendar-freeze':
      return `calendar freeze \`${r.threshold}\``;
    case 'budget-approval':
      return r.summary;
  }
}

/**
 * Whether to open, update, reopen or close the freeze issue. There is at
 * most one issue per key: a closed one is reopened rather than doubled. It
 * is open while any tier is in force (a notice from `notify` on) or
 * features are frozen.
 */
export function planFreezeIssue(
  report: BudgetReport,
  key: string,
  existing: ExistingIssue | null,
  now: Date,
  runUrl?: string,
): IssuePlan {
  const frozen = isFrozen(report);
  if (frozen || tiersInForce(report).length > 0) {
    const ongoing =
      existing?.state === 'open'
        ? frozen
          ? frozenSince(existing.body)
          : NOTICE_SINCE.exec(existing.body)?.[1]
        : undefined;
    const { title, body } = (frozen ? renderFreezeIssue : renderNoticeIssue)(
      report,
      key,
      ongoing ?? now.toISOString(),
      runUrl,
    );
    if (!existing) return { kind: 'open', title, body };
    if (existing.state === 'closed') return { kind: 'reopen', number: existing.number, title, body };
    if (sameText(existing.body, body)) return { kind: 'none', reason: `issue #${existing.number} already says this` };
    return { kind: 'update', number: existing.number, title, body };
  }
  if (existing?.state === 'open') {
    const what = frozenSince(existing.body) ? 'The freeze lifted' : 'Every error budget fell back below the first tier';
    const note = `\n---\n\n${what} at ${now.toISOString()}: ${report.gate.feature.reason}.\n`;
    return { kind: 'close', number: existing.number, body: stripMarker(existing.body) + note };
  }
  return {
    kind: 'none',
    reason: existing ? `no freeze; issue #${existing.number} is already closed` : 'no freeze and no freeze issue',
  };
}

/** Bodies compared without Bellwether's hidden marker line, which GitHub keeps but we do not render. */
function sameText(a: string, b: string): boolean {
  return stripMarker(a).trimEnd() === stripMarker(b).trimEnd();
}

function stripMarker(body: string): string {
  return body.replace(/\r\n/g, '\n').replace(/<!-- bellwether:[^>]* -->\n?/g, '');
}

/** The follow-up issue of an accepted break-glass: who, when, why, until when. */
export function breakGlassIssue(
  record: BreakGlassRecord,
  context: { key: string; changeType: ChangeType; at: Date; lifted: string; runUrl?: string },
): { title: string; body: string; labels: string[] } {
  const subject = context.key.slice('deploy-freeze/'.length);
  const body = [
    `@${record.user} broke the glass to deploy a ${context.changeType} of **${subject}** through the error budget gate.`,
    '',
    '| | |',
    '|---|---|',
    `| who | @${record.user} |`,
    `| when | ${context.at.toISOString()} |`,
    `| why | ${escapeMarkdown(record.justification)} |`,
    `| until | ${record.expiresAt} |`,
    `| what it lifted | ${escapeMarkdown(context.lifted)} |`,
    ...(context.runUrl ? [`| run | ${context.runUrl} |`] : []),
    '',
    'Follow up: confirm the deployment was needed, that it did not burn more of the budget, and record what is learned.',
  ].join('\n');
  return {
    title: `Break-glass: ${context.changeType} of ${subject} by @${record.user}`,
    body: body + '\n',
    labels: [record.audit.label],
  };
}

/** The action's outputs for a change type. */
export function freezeOutputs(
  report: BudgetReport,
  changeType: ChangeType,
): Record<'frozen' | 'budget-remaining' | 'tier' | 'gate', string> {
  const remaining = report.slos.map((s) => s.budget?.remaining).filter((r): r is number => r !== undefined);
  const tiers = report.slos.map((s) => s.tier).filter((t): t is NonNullable<typeof t> => t !== null);
  // The strongest tier in force: the highest threshold reached by any SLO.
  const tier = tiers.reduce<(typeof tiers)[number] | undefined>(
    (best, t) => (best && best.threshold >= t.threshold ? best : t),
    undefined,
  );
  return {
    frozen: String(isFrozen(report)),
    'budget-remaining':
      remaining.length === report.slos.length && remaining.length > 0 ? String(Math.min(...remaining)) : '',
    tier: tier?.action ?? 'none',
    gate: report.gate[changeType].verdict,
  };
}
