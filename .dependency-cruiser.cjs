/**
 * Imports go only downward, and never in a circle. `npm run deps:check`
 * checks it, and so does CI.
 *
 * The floors, from the ground up:
 *
 *   runtime/                         clock, logger, errors, inputs: imports nothing of ours
 *   github/ metrics/                 adapters over one outside system each
 *   policy/                          schemas and loading (metric query templates from metrics/)
 *   gitops/                          release manifests in git, over github/ and policy/
 *   deps/                            the Deps seam: the type every effect goes through, and its one builder
 *   canary/ waves/ freeze/ rollback/ postmortem/ gates/ report/ flow/ example/
 *                                    the domains: pure decisions, orchestration over Deps, rendering
 *   cli/ actions/ index.ts           the entrypoints: nothing imports them but each other
 *
 * Pure decisions (the judge, the promotion and wave decisions, burn rates,
 * the freeze evaluation, the rollback plan) take values and return values:
 * they import no adapter, no Deps and no file system.
 */

/** The domains: they may use the floors below, never an entrypoint. */
const DOMAINS = '^src/(canary|waves|freeze|rollback|postmortem|gates|report|flow|example|dora|backtest)/';
/** The entrypoints: the only modules that turn values into text, exit codes and action outputs. */
const ENTRYPOINTS = '^src/(cli|actions)/|^src/index[.]ts$';
/** The adapters and the seam: what a domain reaches the world through. */
const EFFECTS = '^src/(github|gitops|metrics|deps)/';
/** Modules that decide: values in, values out. */
const DECISIONS = [
  '^src/canary/judge/(?!input-file[.]ts$)',
  '^src/canary/promotion/(decide|model|intent|state)[.]ts$',
  '^src/waves/(decide|planner|constraints|matrix)[.]ts$',
  '^src/freeze/(burn|rational|calendar|gate|rules)[.]ts$',
  '^src/rollback/plan[.]ts$',
  '^src/dora/(releases|figures)[.]ts$',
];

/**
 * The one known exception: the policy kinds registry (policy/kinds.ts) lists
 * the gates' policy schema, which is built from the gate rules and so lives in
 * gates/core/. Nothing may be added here.
 */
const POLICY_KINDS_READ_GATES_SCHEMA = '^src/gates/core/policy-schema[.]ts$';

/**
 * Modules below the entrypoints that still touch the file system, each for a
 * reason the file port (runtime/files.ts, read-only) does not cover. Nothing
 * that reads a policy, an SLO or another input may be added here: read it
 * through Deps.files.
 */
const FILE_SYSTEM_EXCEPTIONS = [
  // Writers: the local rollback pull request, the postmortem draft, the example's and the backtest's GitOps repositories.
  '^src/rollback/publish[.]ts$',
  '^src/flow/postmortem[.]ts$',
  '^src/example/run-example[.]ts$',
  '^src/backtest/run[.]ts$',
  // The gates' own seam over the work tree (GateFs) and the streamed scan of a diff file.
  '^src/gates/core/fs[.]ts$',
  '^src/gates/secrets/diff-stream[.]ts$',
  // Where the entrypoints look for policies before any Deps is built.
  '^src/policy/locate[.]ts$',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A circle of imports has no floor: break it by moving the shared part down.',
      from: {},
      to: {
        circular: true,
      },
    },
    {
      name: 'runtime-is-the-ground-floor',
      severity: 'error',
      comment: 'runtime/ (clock, logger, errors, inputs) imports nothing of ours: everything stands on it.',
      from: { path: '^src/runtime/' },
      to: { path: '^src/', pathNot: '^src/runtime/' },
    },
    {
      name: 'adapters-stand-on-runtime',
      severity: 'error',
      comment: 'github/ and metrics/ each wrap one outside system and stand on runtime/ alone.',
      from: { path: '^src/(github|metrics)/' },
      to: { path: '^src/', pathNot: '^src/(runtime|$1)/' },
    },
    {
      name: 'policy-below-gitops-and-domains',
      severity: 'error',
      comment: 'policy/ holds schemas and loading; it reads metric query templates from metrics/ and nothing higher.',
      from: { path: '^src/policy/' },
      to: { path: '^src/', pathNot: [`^src/(runtime|metrics|policy)/`, POLICY_KINDS_READ_GATES_SCHEMA] },
    },
    {
      name: 'gitops-below-domains',
      severity: 'error',
      comment: 'gitops/ stores release manifests; what a manifest holds is defined here or below, never in a domain.',
      from: { path: '^src/gitops/' },
      to: { path: '^src/', pathNot: '^src/(runtime|github|metrics|policy|gitops)/' },
    },
    {
      name: 'deps-below-domains',
      severity: 'error',
      comment: 'deps/ is the seam: it names the adapters a domain reaches, and knows no domain.',
      from: { path: '^src/deps/' },
      to: { path: '^src/', pathNot: '^src/(runtime|github|metrics|policy|gitops|deps)/' },
    },
    {
      name: 'domains-return-values',
      severity: 'error',
      comment:
        'A domain returns values; only cli/ and actions/ turn them into text, exit codes and outputs. Move the verb to src/cli/.',
      from: { path: DOMAINS },
      to: { path: ENTRYPOINTS },
    },
    {
      name: 'deps-built-in-entrypoints',
      severity: 'error',
      comment: 'Deps is built once, in an entrypoint; domain code receives it.',
      from: { path: '^src/', pathNot: [ENTRYPOINTS, '^src/deps/'] },
      to: { path: '^src/deps/build-deps[.]ts$' },
    },
    {
      name: 'files-through-deps',
      severity: 'error',
      comment:
        'Policies, SLOs and other inputs are read through Deps.files, so that tests may hold them in memory: take `files` from Deps instead of importing node:fs.',
      from: { path: ['^src/policy/', DOMAINS], pathNot: FILE_SYSTEM_EXCEPTIONS },
      to: { path: '^(node:)?(fs|fs/promises)$' },
    },
    {
      name: 'entrypoints-are-the-top',
      severity: 'error',
      comment: 'Nothing below cli/ and actions/ imports them.',
      from: { path: '^src/', pathNot: ENTRYPOINTS },
      to: { path: ENTRYPOINTS },
    },
    {
      name: 'decisions-are-pure',
      severity: 'error',
      comment: 'A decision takes values and returns values: no adapter, no Deps, no file system, no process.',
      from: { path: DECISIONS },
      to: {
        // The types of the values a decision takes may come from any floor below.
        dependencyTypesNot: ['type-only'],
        pathNot: '^src/gitops/promotion-state[.]ts$',
        path: [EFFECTS, ENTRYPOINTS, '^src/flow/', '^(node:)?(fs|fs/promises|child_process|http|https|net)$'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.json'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
