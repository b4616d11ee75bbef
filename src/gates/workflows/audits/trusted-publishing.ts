/**
 * `use-trusted-publishing`: a package published to a registry that offers
 * trusted publishing (PyPI, npm, crates.io, RubyGems, nuget.org) with a
 * long-lived token. A stored token works from anywhere until someone revokes
 * it; a trusted publisher trades the job's OIDC identity for a token that
 * lives minutes and only works for this repository and workflow.
 *
 * Publishing actions are judged by their inputs (a password or API token
 * given, for the registry's own index). Publish commands in scripts are
 * judged by the job: without `id-token: write` the command can only be
 * using a stored credential.
 */
import { isScalar } from 'yaml';
import type { AuditContext, Job } from '../model.js';
import { actionName, withInput } from '../model.js';
import { deref, entries, mapGet, scalarText, spanOf } from '../source.js';
import { operands, programName, stepCommands } from './script-commands.js';

/** Registries that offer trusted publishing, by what their URLs start with. */
const PYPI = /^https:\/\/(upload\.pypi\.org|test\.pypi\.org)\/legacy\/?$/;
const RUBYGEMS = /^https:\/\/rubygems\.org\/?$/;
const NPMJS = /^https:\/\/registry\.npmjs\.org\/?$/;

/** The registry a publish command uploads to, when it is one that offers trusted publishing. */
export function publishCommand(words: readonly string[]): string | undefined {
  let ws = words;
  const first = programName(ws[0] ?? '');
  if (/^python[\d.]*$|^py$/.test(first) && ws[1] === '-m') ws = ws.slice(2);
  else if (['bunx', 'npx', 'pipx', 'uvx'].includes(first)) ws = ws.slice(ws[1] === 'run' ? 2 : 1);
  else if (first === 'bundle' && ws[1] === 'exec') ws = ws.slice(2);
  const tool = programName(ws[0] ?? '').replace(/[=@].*$/, '');
  const rest = ws.slice(1);
  // `cargo +nightly publish`: the toolchain comes before the subcommand.
  const sub = operands(rest.filter((w) => !w.startsWith('+')))[0];
  const dry = rest.some((w) => w === '--dry-run' || w === '-n' || w === '--dry_run');
  if (dry) return undefined;
  // An upload to another index or registry (a private one) is not this audit's business.
  const official =
    /^https:\/\/((upload|test)\.pypi\.org|registry\.npmjs\.org|rubygems\.org|api\.nuget\.org|crates\.io)(\/|$)/;
  if (
    rest.some((w) => /^[a-z+]+:\/\//.test(w.replace(/^--?[\w-]+=/, '')) && !official.test(w.replace(/^--?[\w-]+=/, '')))
  )
    return undefined;
  if (tool === 'cargo' && rest.some((w) => w === '--registry' || w.startsWith('--registry=') || w === '--index'))
    return undefined;
  if (tool === 'cargo' && sub === 'publish') return 'crates.io';
  if (['npm', 'pnpm', 'bun'].includes(tool) && sub === 'publish') return 'npm';
  if (tool === 'yarn' && ((sub === 'npm' && operands(rest)[1] === 'publish') || sub === 'publish')) return 'npm';
  if (tool === 'gem' && sub === 'push') return 'RubyGems';
  if (tool === 'twine' && sub === 'upload') return 'PyPI';
  if (['uv', 'poetry', 'hatch', 'flit', 'pdm'].includes(tool) && sub === 'publish') return 'PyPI';
  if (tool === 'nuget' && sub === 'push') return 'nuget.org';
  if (tool === 'dotnet' && sub === 'nuget' && operands(rest)[1] === 'push') return 'nuget.org';
  return undefined;
}

/** Whether `id-token: write` is granted to the job (at job or workflow level). */
function hasIdToken(ctx: AuditContext, job: Job): boolean {
  const jobPerms = mapGet(ctx.file, job.node, 'permissions');
  const perms = jobPerms !== undefined ? jobPerms : mapGet(ctx.file, ctx.file.doc.contents, 'permissions');
  if (scalarText(perms) === 'write-all') return true;
  return scalarText(mapGet(ctx.file, perms, 'id-token')) === 'write';
}

/** Reports publishing with a long-lived credential where a trusted publisher could be used. */
export function auditTrustedPublishing(ctx: AuditContext): void {
  for (const job of ctx.jobs) {
    for (const step of job.steps) {
      if (!step.uses) continue;
      const name = actionName(step.uses.text);
      const input = (k: string) => withInput(ctx.file, step, k)?.text.trim();
      const hasInput = (k: string) => isScalar(deref(ctx.file, mapGet(ctx.file, step.with, k)));
      let registry: string | undefined;
      let how = '';
      if (name === 'pypa/gh-action-pypi-publish' && hasInput('password')) {
        const url = input('repository-url') ?? input('repository_url');
        if (url === undefined || PYPI.test(url)) [registry, how] = ['PyPI', 'a password (an API token)'];
      } else if (name === 'rubygems/release-gem' && input('setup-trusted-publisher') === 'false') {
        [registry, how] = ['RubyGems', 'setup-trusted-publisher: false'];
      } else if (name === 'rubygems/configure-rubygems-credentials' && hasInput('api-token')) {
        const server = input('gem-server');
        if (server === undefined || RUBYGEMS.test(server)) [registry, how] = ['RubyGems', 'an api-token'];
      } else if (name === 'actions/setup-node') {
        const url = input('registry-url');
        if (url !== undefined && NPMJS.test(url) && input('always-auth') === 'true')
          [registry, how] = ['npm', 'always-auth with a token'];
      } else if (name === 'katyo/publish-crates' && hasInput('registry-token')) {
        [registry, how] = ['crates.io', 'a registry-token'];
      } else if (name === 'js-devtools/npm-publish' && hasInput('token')) {
        [registry, how] = ['npm', 'a token'];
      }
      if (!registry) continue;
      ctx.report({
        ruleId: 'use-trusted-publishing',
        severity: 'low',
        confidence: 'high',
        span: spanOf(ctx.file, step.uses.node),
        message: `${job.label} publishes to ${registry} with ${how}, a long-lived credential; ${registry} offers trusted publishing, which needs no stored token.`,
        snippet: `${job.id} ${step.uses.text} ${registry}`,
      });
    }
  }
  for (const { job, step, command } of stepCommands(ctx)) {
    const registry = publishCommand(command.words);
    if (!registry) continue;
    // With an OIDC token available the command may be using it; a composite action's caller decides.
    if (ctx.kind === 'workflow' && hasIdToken(ctx, job)) continue;
    const tokenEnv = entries(ctx.file, step.env)
      .map(([k]) => k)
      .filter((k) => /TOKEN|PASSWORD|API_KEY|AUTH/i.test(k));
    // In a composite action only a token handed to the step says which credential it uses.
    if (ctx.kind !== 'workflow' && tokenEnv.length === 0) continue;
    const why = ctx.kind === 'workflow' ? ' without id-token: write' : '';
    const env = tokenEnv.length > 0 ? ` with ${tokenEnv.join(', ')} set` : '';
    ctx.report({
      ruleId: 'use-trusted-publishing',
      severity: 'low',
      confidence: 'medium',
      span: command.span,
      message: `${job.label} runs '${command.words.slice(0, 3).join(' ')}'${why}${env}, so it publishes to ${registry} with a long-lived credential; ${registry} offers trusted publishing, which needs no stored token.`,
      snippet: `${job.id} ${command.words.join(' ')}`,
    });
  }
}
