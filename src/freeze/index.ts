/**
 * Error-budget freezes: OpenSLO and Sloth SLOs, exact budgets and multiwindow burn
 * rates, the error budget policy and the deploy gate with audited
 * break-glass.
 */
export { evaluateBudget, parseAt, parseDeadline, type BudgetRequest } from './budget.js';
export { checkDeployGate, type DeployGateDeps, type DeployGateInputs, type DeployGateOutcome } from './deploy-gate.js';
export { evaluateSlo, statusOf, type EvaluateDeps, type SloEvaluation, type BurnDownPoint } from './evaluate.js';
export {
  isEvaluable,
  loadSlos,
  parseOpenSloText,
  resolveSlos,
  type EvaluableSlo,
  type SloDefinition,
  type SloWindow,
} from './openslo.js';
export { windowQuery } from './promql-window.js';
export { generateRules, rulesYaml, type GeneratedRules } from './rules.js';
export {
  BURN_WINDOWS,
  budgetState,
  burnRate,
  evaluateAlert,
  alertThreshold,
  maxBurnRate,
  scaledThreshold,
  type AlertEvaluation,
  type BudgetState,
  type WindowMeasure,
} from './burn.js';
export {
  decideGate,
  judgeBreakGlass,
  tierFor,
  type BreakGlassRecord,
  type BreakGlassRequest,
  type ChangeDecision,
  type GateDecision,
  type GateReason,
  type GateRequest,
  type SloStatus,
} from './gate.js';
export {
  CHANGE_TYPES,
  defaultFreezeGatePolicy,
  freezeGatePolicySchema,
  type ChangeType,
  type FreezeGatePolicy,
} from '../policy/schemas/freeze-gate.js';
export { activeCalendarFreezes, sloPeriodAt } from './calendar.js';
export { buildReport, renderText, type BudgetReport, type SloReport } from './report.js';
export { renderMarkdown, burnDownChart } from './markdown.js';
export { Rational } from './rational.js';
