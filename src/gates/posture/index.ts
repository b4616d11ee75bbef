/**
 * Repository posture: pure checks of a snapshot of the repository's
 * settings and files, gathered through the GitHub port or read from JSON;
 * and the one verdict that combines every gate family for a pull request.
 */
export { changedFilesFromApi, effectiveProtection, workflowPermissionsFromApi } from './api-mappers.js';
export { checkPosture, DEFAULT_BINARY_EXTENSIONS } from './checks.js';
export { ownersOf, parseCodeowners } from './codeowners.js';
export type { CodeownersRule } from './codeowners.js';
export { combine, errorResult, GATE_FAMILIES, renderVerdictMarkdown, resultOf } from '../core/combine.js';
export type { CombinedVerdict, GateFamily, GateResult } from '../core/combine.js';
export { parsePostureSnapshot, runPostureGate } from './run.js';
export type { PostureGateDeps, PostureGateInputs } from './run.js';
export { decidePosture } from './decide.js';
export { gatherPosture } from './gather.js';
export type { GatherInputs } from './gather.js';
export { POSTURE_RULE_IDS, POSTURE_RULES } from './rules.js';
export { postureSnapshotSchema } from './snapshot.js';
export type { BranchProtection, ChangedFile, PostureSnapshot } from './snapshot.js';
