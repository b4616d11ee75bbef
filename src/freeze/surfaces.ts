/**
 * What the freeze surfaces publish, decided from a budget report: the commit
 * status on the default branch, whether the one `deploy-freeze` issue is
 * opened, updated, reopened or closed, its text, the break-glass follow-up
 * issue and the action's outputs. Pure: `now` is an argument.
 */
import { CHANGE_TYPES } from './gate-policy.js';
import type { ChangeType } from './gate-policy.js';
import type { BreakGlassRecord } from './gate.js';
import type { BudgetReport } from './report.js';

/** The commit status context the scheduled run writes. */
export const FREEZE_STATUS_CONTEXT = 'bellwether/error-budget';
/** The label of the one issue that tracks a freeze. */
export const FREEZE_ISSUE_LABEL = 'deploy-freeze';

/** True when the policy blocks features, even where a break-glass or an exemption lifted the block for this deployment. */
export function isFrozen(report: Pick<BudgetReport, 'gate'>): boolean {
  return report.gate.feature.verdict === 'block' || report.gate.feature.via !== undefined;
}

/** The commit status for the report: success while features may ship, failure while they are frozen. */
export function freezeCommitStatus(report: Pick<BudgetReport, 'gate'>): { state: 'success' | 'failure'; description: string } {
  const frozen = isFrozen(report);
  const text = frozen ? `Features frozen: ${report.gate.feature.reason}` : `Features allowed: ${report.gate.feature.reason}`;
  // GitHub cuts a status description at 140 characters; say so instead of losing the end silently.
  return { state: frozen ? 'failure' : 'success', description: text.length > 140 ? `${text.slice(0, 139)}…` : text };
}

/** The key of the freeze issue's hidden marker: the service, else the SLOs' services, else their names. */
export function freezeIssueKey(service: string | undefined, slos: readonly { name: string; service?: string }[]): string {
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

/** When the freeze an issue body describes started, if it says. */
export function frozenSince(body: string): string | undefined {
  return SINCE.exec(body)?.[1];
}

/**
 * The issue text while frozen. It holds only what changes when the freeze
 * changes (which rules block, per change type), not the budget figures that
 * move every run, so a scheduled run edits it only when something happened.
 */
export function renderFreezeIssue(report: BudgetReport, key: string, since: string, runUrl?: string): { title: string; body: string } {
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
  }
}

/**
 * Whether to open, update, reopen or close the freeze issue. There is at
 * most one issue per key: a closed one is reopened rather than doubled.
 */
export function planFreezeIssue(report: BudgetReport, key: string, existing: ExistingIssue | null, now: Date, runUrl?: string): IssuePlan {
  if (isFrozen(report)) {
    const ongoing = existing?.state === 'open' ? frozenSince(existing.body) : undefined;
    const { title, body } = renderFreezeIssue(report, key, ongoing ?? now.toISOString(), runUrl);
    if (!existing) return { kind: 'open', title, body };
    if (existing.state === 'closed') return { kind: 'reopen', number: existing.number, title, body };
    if (sameText(existing.body, body)) return { kind: 'none', reason: `issue #${existing.number} already says this` };
    return { kind: 'update', number: existing.number, title, body };
  }
  if (existing?.state === 'open') {
    const note = `\n---\n\nThe freeze lifted at ${now.toISOString()}: ${report.gate.feature.reason}.\n`;
    return { kind: 'close', number: existing.number, body: stripMarker(existing.body) + note };
  }
  return { kind: 'none', reason: existing ? `no freeze; issue #${existing.number} is already closed` : 'no freeze and no freeze issue' };
}

/** Bodies compared without Bellwether's hidden marker line, which GitHub keeps but we do not render. */
function sameText(a: string, b: string): boolean {
  return stripMarker(a).trimEnd() === stripMarker(b).trimEnd();
}

function stripMarker(body: string): string {
  return body.replace(/\r\n/g, '\n').replace(/<!-- bellwether:[^>]* -->\n?/g, '');
}

/** The follow-up issue of an accepted break-glass: who, when, why, until when. */
export function breakGlassIssue(record: BreakGlassRecord, context: { key: string; changeType: ChangeType; at: Date; lifted: string; runUrl?: string }): { title: string; body: string; labels: string[] } {
  const subject = context.key.slice('deploy-freeze/'.length);
  const body = [
    `@${record.user} broke the glass to deploy a ${context.changeType} of **${subject}** through the error budget gate.`,
    '',
    '| | |',
    '|---|---|',
    `| who | @${record.user} |`,
    `| when | ${context.at.toISOString()} |`,
    `| why | ${record.justification.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')} |`,
    `| until | ${record.expiresAt} |`,
    `| what it lifted | ${context.lifted.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')} |`,
    ...(context.runUrl ? [`| run | ${context.runUrl} |`] : []),
    '',
    'Follow up: confirm the deployment was needed, that it did not burn more of the budget, and record what is learned.',
  ].join('\n');
  return { title: `Break-glass: ${context.changeType} of ${subject} by @${record.user}`, body: body + '\n', labels: [record.audit.label] };
}

/** The action's outputs for a change type. */
export function freezeOutputs(report: BudgetReport, changeType: ChangeType): Record<'frozen' | 'budget-remaining' | 'tier' | 'gate', string> {
  const remaining = report.slos.map((s) => s.budget?.remaining).filter((r): r is number => r !== undefined);
  const tiers = report.slos.map((s) => s.tier).filter((t): t is NonNullable<typeof t> => t !== null);
  // The strongest tier in force: the highest threshold reached by any SLO.
  const tier = tiers.reduce<(typeof tiers)[number] | undefined>((best, t) => (best && best.threshold >= t.threshold ? best : t), undefined);
  return {
    frozen: String(isFrozen(report)),
    'budget-remaining': remaining.length === report.slos.length && remaining.length > 0 ? String(Math.min(...remaining)) : '',
    tier: tier?.action ?? 'none',
    gate: report.gate[changeType].verdict,
  };
}
