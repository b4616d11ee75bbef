/**
 * Audits of what particular `uses:` do: GitHub App tokens broader or longer
 * lived than the job, and owners one keystroke away from a well-known one.
 */
import { actionName, neverRuns, type AuditContext } from '../model.js';
import { entries, mapGet, mapPair, scalarText, spanOf } from '../source.js';

/** Runs the audits of particular actions over one file. */
export function auditActions(ctx: AuditContext): void {
  const { file } = ctx;
  const shellOf = (owner: unknown) => mapGet(file, mapGet(file, mapGet(file, owner, 'defaults'), 'run'), 'shell');
  if (ctx.kind === 'workflow') checkShell(ctx, shellOf(file.doc.contents), "the workflow's default shell");
  for (const job of ctx.jobs) {
    if (ctx.kind === 'workflow') checkShell(ctx, shellOf(job.node), `the default shell of ${job.label}`);
    for (const step of job.steps) {
      if (step.run)
        checkShell(ctx, mapGet(file, step.node, 'shell'), `the shell of step ${step.index + 1} of ${job.label}`);
      if (step.uses && actionName(step.uses.text) === 'actions/setup-python') {
        const pip = mapPair(file, step.with, 'pip-install');
        if (pip) {
          ctx.report({
            ruleId: 'misfeature',
            severity: 'low',
            confidence: 'high',
            span: spanOf(file, pip.key),
            message: `setup-python's pip-install in ${job.label} installs into the interpreter outside any lock or virtual environment; a later release of a package changes the build.`,
            snippet: `${job.id} ${step.index} pip-install`,
          });
        }
      }
    }
  }
  for (const job of ctx.jobs) {
    for (const step of job.steps) {
      if (!step.uses || neverRuns(step)) continue;
      const name = actionName(step.uses.text);
      if (name === undefined) continue;
      checkTyposquat(ctx, name, step.uses.node);
      if (name === 'actions/create-github-app-token' || name === 'tibdex/github-app-token')
        checkAppToken(ctx, step, job.label);
    }
  }
}

/** `shell: cmd`: cmd.exe expands %VAR% inside arguments and quotes unpredictably, so data becomes commands. */
function checkShell(ctx: AuditContext, node: unknown, where: string): void {
  if (scalarText(node)?.trim().toLowerCase() !== 'cmd') return;
  ctx.report({
    ruleId: 'misfeature',
    severity: 'low',
    confidence: 'high',
    span: spanOf(ctx.file, node),
    message: `${where} is cmd, whose quoting and %VAR% expansion turn data into commands; use pwsh or bash.`,
    snippet: `${where} cmd`,
  });
}

/** App permissions that reach no repository's content: granting only these needs no repository list. */
function organizationOnly(permission: string): boolean {
  return permission === 'members' || permission.startsWith('organization-');
}

function checkAppToken(ctx: AuditContext, step: AuditContext['jobs'][number]['steps'][number], where: string): void {
  const { file } = ctx;
  const uses = step.uses;
  if (!uses) return;
  const skip = mapGet(file, step.with, 'skip-token-revoke');
  const skipText = scalarText(skip)?.trim().toLowerCase();
  if (skip !== undefined && skipText !== undefined && skipText !== 'false' && skipText !== '') {
    ctx.report({
      ruleId: 'github-app-token',
      severity: 'high',
      confidence: skipText === 'true' ? 'high' : 'medium',
      span: spanOf(file, skip),
      message: `the GitHub App token made in ${where} is ${skipText === 'true' ? 'not' : 'possibly not'} revoked when the job ends (skip-token-revoke), so it stays usable for up to an hour by anything that read it.`,
      snippet: `${where} ${uses.text} skip-token-revoke`,
    });
  }
  const permissions = entries(file, step.with)
    .map(([k]) => k)
    .filter((k) => k.startsWith('permission-'))
    .map((k) => k.slice('permission-'.length));
  if (permissions.length === 0) {
    ctx.report({
      ruleId: 'github-app-token',
      severity: 'high',
      confidence: 'high',
      span: spanOf(file, uses.node),
      message: `the GitHub App token made in ${where} asks for no permission-* inputs, so it gets every permission of the App's installation.`,
      snippet: `${where} ${uses.text} permissions`,
    });
  }
  const owner = mapPair(file, step.with, 'owner');
  if (!owner || mapGet(file, step.with, 'repositories') !== undefined) return;
  if (permissions.length > 0 && permissions.every(organizationOnly)) return;
  ctx.report({
    ruleId: 'github-app-token',
    severity: 'high',
    confidence: 'high',
    span: spanOf(file, owner.key),
    message: `the GitHub App token made in ${where} names an owner but no repositories: its repository permissions apply to every repository of the installation.`,
    snippet: `${where} ${uses.text} owner`,
  });
}

/** Owners of widely used actions, lower case: a `uses:` one edit away from one of these is likely a typosquat. */
const WELL_KNOWN_OWNERS = [
  'actions',
  'github',
  'docker',
  'aws-actions',
  'azure',
  'google-github-actions',
  'hashicorp',
  'pypa',
  'astral-sh',
  'softprops',
  'peter-evans',
  'codecov',
  'dtolnay',
  'swatinem',
  'actions-rs',
  'ruby',
  'gradle',
  'golangci',
  'sigstore',
  'slsa-framework',
  'step-security',
  'ossf',
  'jamesives',
  'peaceiris',
  'stefanzweifel',
  'endbug',
  'dorny',
  'reviewdog',
  'crazy-max',
  'pnpm',
  'oven-sh',
  'denoland',
  'bufbuild',
  'cachix',
  'determinatesystems',
  'goreleaser',
  'ncipollo',
  'anchore',
  'aquasecurity',
  '1password',
  'microsoft',
  'pulumi',
  'cloudflare',
  'vercel',
  'netlify',
  'conda-incubator',
  'mamba-org',
  'r-lib',
  'julia-actions',
  'haskell-actions',
  'erlef',
  'jdx',
  'homebrew',
  'dependabot',
  'renovatebot',
  'release-drafter',
  'googleapis',
  'jreleaser',
  'rubygems',
  'mozilla-actions',
  'pyo3',
  'gitleaks',
  'trufflesecurity',
  'super-linter',
  'marocchino',
  'nick-fields',
  'tibdex',
  'shivammathur',
  'subosito',
  'bahmutov',
  'cypress-io',
];
const KNOWN = new Set(WELL_KNOWN_OWNERS);

/** Characters that look alike in a monospace font. */
function unconfuse(s: string): string {
  return s.replace(/0/g, 'o').replace(/1/g, 'l').replace(/5/g, 's').replace(/rn/g, 'm');
}

/** Optimal string alignment distance (one insertion, deletion, substitution or adjacent swap per step), capped at 2. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 1) return 2;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((d[i - 1]?.[j] ?? 0) + 1, (d[i]?.[j - 1] ?? 0) + 1, (d[i - 1]?.[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, (d[i - 2]?.[j - 2] ?? 0) + 1);
      (d[i] as number[])[j] = v;
    }
  }
  return Math.min(2, d[a.length]?.[b.length] ?? 2);
}

const IMITATED = new Map<string, string | undefined>();

/** The well-known owner an owner imitates, if any; remembered, as the same owners recur in every file. */
export function imitatedOwner(owner: string): string | undefined {
  const o = owner.toLowerCase();
  if (IMITATED.has(o)) return IMITATED.get(o);
  const found = imitated(o);
  if (IMITATED.size < 10_000) IMITATED.set(o, found);
  return found;
}

function imitated(o: string): string | undefined {
  if (KNOWN.has(o) || o.length < 4) return undefined;
  const plain = unconfuse(o);
  return WELL_KNOWN_OWNERS.find((k) => k.length >= 4 && (plain === k || distance(o, k) === 1));
}

function checkTyposquat(ctx: AuditContext, name: string, node: unknown): void {
  const owner = name.split('/')[0] ?? '';
  const target = imitatedOwner(owner);
  if (target === undefined) return;
  ctx.report({
    ruleId: 'typosquat-uses',
    severity: 'high',
    confidence: 'medium',
    span: spanOf(ctx.file, node),
    message: `'${owner}' is one keystroke or look-alike character away from '${target}', the owner of widely used actions; a typo here runs a stranger's code.`,
    snippet: name,
  });
}
