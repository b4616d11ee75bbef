/**
 * Bellwether policies: YAML files validated by schemas that hold the
 * defaults, with every problem named by file, line and field.
 */
export { checkPolicyText, loadAnyPolicyFile, parseAnyPolicy, policyKinds } from './kinds.js';
export type { AnyPolicy, PolicyCheck, PolicyKind, PolicyKindRegistry } from './kinds.js';
export { loadPolicyFile, parsePolicyText, readPolicyText } from './load.js';
export { formatFieldPath, PolicyProblem } from './problems.js';
export {
  calendarDate,
  duration,
  formatDuration,
  parseDuration,
  parseTimeOfDay,
  percent,
  timeOfDay,
  timeZone,
} from './fields.js';
export { canaryPolicySchema, stagesFor, TIERS } from './schemas/canary.js';
export type { CanaryMetric, CanaryPolicy, CanaryStage, Tier } from './schemas/canary.js';
export { wavesPolicySchema, WEEKDAYS } from './schemas/waves.js';
export type { Wave, WavesPolicy, Weekday } from './schemas/waves.js';
export { BUDGET_ACTIONS, freezePolicySchema } from './schemas/freeze.js';
export type { BudgetAction, BurnRateAlert, FreezePolicy } from './schemas/freeze.js';
export { rollbackPolicySchema } from './schemas/rollback.js';
export type { RollbackPolicy } from './schemas/rollback.js';
export { postmortemPolicySchema } from './schemas/postmortem.js';
export type { PostmortemPolicy } from './schemas/postmortem.js';
