/**
 * Caches restored where artifacts are published. GitHub's cache is shared by
 * every branch of a repository, so a workflow that builds a release (release
 * event, tag push, push to a release branch, or a job with a publishing step)
 * and restores a cache can ship whatever a pull request's run wrote into it.
 */
import { isScalar } from 'yaml';
import { actionName, neverRuns, type AuditContext, type Job, type Step } from '../model.js';
import { mapGet, mapPair, scalarText, spanOf } from '../source.js';

/** One input that turns an action's cache on (opt-in) or off (opt-out). */
interface Control {
  readonly input: string;
  readonly toggle: 'opt-in' | 'opt-out';
  /** How the value is read: a boolean, any non-empty text, or one of these words. */
  readonly type: 'bool' | 'text' | readonly string[];
  /** Whether the cache is on when the input is not given. */
  readonly onByDefault: boolean;
  /** The first major version that has the input; older ones ignore it (unknown versions are taken as new). */
  readonly sinceMajor?: number;
  /** The first major version whose default is on; older ones default to off. */
  readonly onByDefaultFrom?: number;
}

interface CacheAction {
  /** Matches `owner/repo` or `owner/repo/path`, lower case. */
  readonly name: string;
  /** Caching is on when any of these is on; `all` requires every one. */
  readonly any?: readonly Control[];
  readonly all?: readonly Control[];
  /** Major versions from which `onByDefault` no longer holds (setup-uv 10 stopped caching by default). */
  readonly defaultOffFrom?: number;
}

const bool = (input: string, toggle: Control['toggle'], onByDefault: boolean): Control => ({
  input,
  toggle,
  type: 'bool',
  onByDefault,
});

/** Actions that restore a cache, and the inputs that decide it. */
const CACHE_ACTIONS: readonly CacheAction[] = [
  { name: 'actions/cache', any: [bool('lookup-only', 'opt-out', true)] },
  { name: 'actions/cache/restore', any: [bool('lookup-only', 'opt-out', true)] },
  { name: 'actions/setup-java', any: [{ input: 'cache', toggle: 'opt-in', type: 'text', onByDefault: false }] },
  { name: 'actions/setup-go', any: [{ ...bool('cache', 'opt-in', true), onByDefaultFrom: 4 }] },
  {
    name: 'actions/setup-node',
    any: [
      { input: 'cache', toggle: 'opt-in', type: ['npm', 'yarn', 'pnpm'], onByDefault: false },
      { ...bool('package-manager-cache', 'opt-in', true), sinceMajor: 5 },
    ],
  },
  { name: 'actions/setup-python', any: [{ input: 'cache', toggle: 'opt-in', type: 'text', onByDefault: false }] },
  { name: 'actions/setup-dotnet', any: [bool('cache', 'opt-in', false)] },
  {
    name: 'astral-sh/setup-uv',
    any: [{ input: 'enable-cache', toggle: 'opt-in', type: ['true', 'auto'], onByDefault: true }],
    defaultOffFrom: 10,
  },
  { name: 'swatinem/rust-cache', any: [bool('lookup-only', 'opt-out', true)] },
  { name: 'ruby/setup-ruby', any: [bool('bundler-cache', 'opt-in', false)] },
  { name: 'pyo3/maturin-action', any: [bool('sccache', 'opt-in', false)] },
  { name: 'mlugg/setup-zig', any: [bool('use-cache', 'opt-in', true)] },
  { name: 'oven-sh/setup-bun', any: [bool('no-cache', 'opt-out', true)] },
  { name: 'determinatesystems/magic-nix-cache-action', any: [bool('use-gha-cache', 'opt-in', true)] },
  { name: 'graalvm/setup-graalvm', any: [{ input: 'cache', toggle: 'opt-in', type: 'text', onByDefault: false }] },
  { name: 'gradle/actions/setup-gradle', any: [bool('cache-disabled', 'opt-out', true)] },
  {
    name: 'docker/setup-buildx-action',
    all: [
      bool('cache-binary', 'opt-in', true),
      { input: 'version', toggle: 'opt-in', type: 'text', onByDefault: false },
    ],
  },
  { name: 'actions-rust-lang/setup-rust-toolchain', any: [bool('cache', 'opt-in', true)] },
  { name: 'jdx/mise-action', any: [bool('cache', 'opt-in', true)] },
  {
    name: 'ramsey/composer-install',
    any: [{ input: 'ignore-cache', toggle: 'opt-out', type: ['yes', 'true', '1'], onByDefault: true }],
  },
  { name: 'mozilla-actions/sccache-action' },
  { name: 'nix-community/cache-nix-action' },
  { name: 'awalsh128/cache-apt-pkgs-action' },
];

/** Steps that publish what the job built. */
const PUBLISHERS = new Set([
  'pypa/gh-action-pypi-publish',
  'rubygems/release-gem',
  'jreleaser/release-action',
  'goreleaser/goreleaser-action',
  'softprops/action-gh-release',
  'release-drafter/release-drafter',
  'googleapis/release-please-action',
  'redhat-actions/push-to-registry',
  'aws-actions/amazon-ecs-deploy-task-definition',
  'aws-actions/aws-cloudformation-github-deploy',
  'azure/aci-deploy',
  'azure/container-apps-deploy-action',
  'azure/functions-action',
  'azure/sql-action',
  'cloudflare/wrangler-action',
  'google-github-actions/deploy-appengine',
  'google-github-actions/deploy-cloudrun',
  'google-github-actions/deploy-cloud-functions',
]);

type ReleaseTrigger = 'release' | 'tag-push' | 'release-branch';

/** The `owner/repo[/path]` of a `uses:`, lower case. */
function fullName(uses: string): string {
  const at = uses.indexOf('@');
  return (at < 0 ? uses : uses.slice(0, at)).toLowerCase();
}

function releaseTriggers(ctx: AuditContext): ReleaseTrigger[] {
  const out: ReleaseTrigger[] = [];
  if (ctx.triggers.has('release')) out.push('release');
  const push = ctx.triggers.get('push');
  if (push) {
    if (mapGet(ctx.file, push.config, 'tags') !== undefined) out.push('tag-push');
    const branches = mapGet(ctx.file, push.config, 'branches');
    const names = isScalar(branches)
      ? [scalarText(branches) ?? '']
      : ((branches as { items?: unknown[] } | undefined)?.items?.map((b) => scalarText(b) ?? '') ?? []);
    if (names.some((b) => b.toLowerCase().includes('release'))) out.push('release-branch');
  }
  return out;
}

function isPublisher(ctx: AuditContext, step: Step): boolean {
  if (!step.uses) return false;
  const name = fullName(step.uses.text);
  if (name === 'docker/build-push-action') {
    // Counted as publishing unless told not to push: a build that loads locally is rarer than one that pushes.
    return (
      scalarText(mapGet(ctx.file, step.with, 'push'))
        ?.trim()
        .toLowerCase() !== 'false'
    );
  }
  return PUBLISHERS.has(name) || PUBLISHERS.has(actionName(step.uses.text) ?? '');
}

/** The major version a `uses:` names, by its ref or its version comment; undefined when neither says. */
function majorVersion(ctx: AuditContext, step: Step): number | undefined {
  const uses = step.uses;
  if (!uses) return undefined;
  const ref = uses.text.slice(uses.text.indexOf('@') + 1);
  const fromRef = /^v?(\d+)(\.|$)/.exec(ref);
  if (fromRef) return Number(fromRef[1]);
  const end = uses.node.range?.[1];
  if (end === undefined) return undefined;
  const lineEnd = ctx.file.text.indexOf('\n', end);
  const comment = /^\s*#\s*v?(\d+)[.\s]/.exec(`${ctx.file.text.slice(end, lineEnd < 0 ? undefined : lineEnd)} `);
  return comment ? Number(comment[1]) : undefined;
}

type State = 'on' | 'off' | 'maybe';

/** What an expression says on a tag push, when it is one of the common tag guards. */
function onTagPush(text: string): boolean | undefined {
  const m = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(text);
  if (!m) return undefined;
  let e = (m[1] ?? '').replace(/\s+/g, '');
  let negate = false;
  for (;;) {
    if (e.startsWith('!')) {
      negate = !negate;
      e = e.slice(1);
    } else if (e.startsWith('(') && e.endsWith(')')) e = e.slice(1, -1);
    else break;
  }
  const guards = [
    /^startsWith\(github\.ref,'refs\/tags\/'\)$/i,
    /^github\.event_name=='push'&&github\.ref_type=='tag'$/,
    /^github\.ref_type=='tag'&&github\.event_name=='push'$/,
    /^github\.ref_type=='tag'$/,
  ];
  if (guards.some((g) => g.test(e))) return !negate;
  if (/^(true|false)$/.test(e)) return (e === 'true') !== negate;
  return undefined;
}

function controlState(ctx: AuditContext, step: Step, c: Control, tagOnly: boolean, defaultOn: boolean): State {
  const pair = mapPair(ctx.file, step.with, c.input);
  if (!pair) return c.toggle === 'opt-out' ? 'on' : defaultOn ? 'on' : 'off';
  const raw = scalarText(pair.value) ?? '';
  const value = raw.trim().toLowerCase();
  let set: boolean | 'maybe';
  if (value.includes('${{')) {
    const tag = tagOnly ? onTagPush(raw) : undefined;
    set = tag === undefined ? 'maybe' : tag;
  } else if (c.type === 'bool') set = value === 'true' ? true : value === 'false' || value === '' ? false : 'maybe';
  else if (c.type === 'text') set = value !== '' && value !== 'false';
  else set = c.type.includes(value);
  if (set === 'maybe') return 'maybe';
  return (c.toggle === 'opt-in') === set ? 'on' : 'off';
}

function cacheState(ctx: AuditContext, step: Step, action: CacheAction, tagOnly: boolean): State {
  if (!action.any && !action.all) return 'on';
  const major = majorVersion(ctx, step);
  const defaultOn = (c: Control): boolean =>
    c.onByDefault &&
    !(action.defaultOffFrom !== undefined && major !== undefined && major >= action.defaultOffFrom) &&
    !(c.onByDefaultFrom !== undefined && major !== undefined && major < c.onByDefaultFrom);
  const controls = (action.any ?? action.all ?? []).filter(
    (c) => c.sinceMajor === undefined || major === undefined || major >= c.sinceMajor,
  );
  if (controls.length === 0) return 'off';
  const states = controls.map((c) => {
    // From the version that stopped caching by default, only an explicit `true` turns it on.
    if (action.defaultOffFrom !== undefined && !defaultOn(c) && Array.isArray(c.type))
      return controlState(ctx, step, { ...c, type: ['true'], onByDefault: false }, tagOnly, false);
    return controlState(ctx, step, c, tagOnly, defaultOn(c));
  });
  if (action.all) return states.every((s) => s === 'on') ? 'on' : states.some((s) => s === 'off') ? 'off' : 'maybe';
  return states.includes('on') ? 'on' : states.includes('maybe') ? 'maybe' : 'off';
}

function cacheAction(step: Step): CacheAction | undefined {
  if (!step.uses) return undefined;
  const name = fullName(step.uses.text);
  return CACHE_ACTIONS.find((a) => a.name === name);
}

/** Runs the cache audit over one workflow's jobs. */
export function auditCache(ctx: AuditContext): void {
  if (ctx.kind !== 'workflow') return;
  const triggers = releaseTriggers(ctx);
  const tagOnly = triggers.length > 0 && triggers.every((t) => t === 'tag-push' || t === 'release');
  for (const job of ctx.jobs) checkJob(ctx, job, triggers, tagOnly);
}

function checkJob(ctx: AuditContext, job: Job, triggers: readonly ReleaseTrigger[], tagOnly: boolean): void {
  const publisher = triggers.length === 0 ? job.steps.find((s) => isPublisher(ctx, s)) : undefined;
  if (triggers.length === 0 && !publisher) return;
  const why =
    triggers.length > 0
      ? `a workflow run on ${triggers.map((t) => (t === 'release' ? 'releases' : t === 'tag-push' ? 'tag pushes' : 'pushes to release branches')).join(' and ')}`
      : `a job that publishes (${publisher?.uses?.text.split('@')[0] ?? ''})`;
  for (const step of job.steps) {
    const action = cacheAction(step);
    if (!action || !step.uses || neverRuns(step)) continue;
    const state = cacheState(ctx, step, action, tagOnly);
    if (state === 'off') continue;
    ctx.report({
      ruleId: 'cache-in-release',
      severity: 'medium',
      confidence: state === 'on' ? 'medium' : 'low',
      span: spanOf(ctx.file, step.uses.node),
      message: `${job.label} restores a cache with ${fullName(step.uses.text)} (${state === 'on' ? 'on as configured' : 'possibly, depending on an expression'}) in ${why}; an entry written by any branch's run, a pull request's included, can end up inside what is published.`,
      snippet: `${job.id} ${step.index} ${step.uses.text}`,
    });
  }
}
