/**
 * `adhoc-packages`: packages installed by name in a `run:` script (`gem
 * install rake`, `npm install lodash`, `pip install requests==2.32.3`,
 * `apt-get install jq`) rather than from a manifest with a committed
 * lockfile. Even with a version named, what the package depends on is
 * resolved afresh on every run, so a compromised release of any of them runs
 * in the job. Low severity: it is hygiene, like zizmor's pedantic findings,
 * and distro packages (signed, from the runner image's release) are info.
 */
import type { Severity } from '../../core/finding.js';
import type { AuditContext } from '../model.js';
import { operands, programName, stepCommands, type ScriptCommand } from './script-commands.js';
import { unpinnedInstalls } from './scripts.js';

interface Install {
  readonly tool: string;
  readonly packages: readonly string[];
  readonly severity: Severity;
  /** What to do instead. */
  readonly instead: string;
}

const NPM_VALUED = new Set(['--prefix', '--registry', '--tag', '-w', '--workspace', '--cache', '--userconfig']);
const GEM_VALUED = new Set([
  '-v',
  '--version',
  '-i',
  '--install-dir',
  '-n',
  '--bindir',
  '-s',
  '--source',
  '--platform',
]);
const PIP_VALUED = new Set([
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '-t',
  '--target',
  '--prefix',
  '--root',
  '--python',
  '--platform',
  '--python-version',
  '--implementation',
  '--abi',
  '--cache-dir',
  '--trusted-host',
  '--progress-bar',
]);
const APT_VALUED = new Set(['-o', '--option', '-t', '--target-release', '-c', '--config-file']);

/** Operands that name a registry package: not a path, an archive, a URL or a shell variable. */
function named(ops: readonly string[]): string[] {
  return ops.filter(
    (p) =>
      !p.startsWith('.') &&
      !p.startsWith('/') &&
      !p.startsWith('~') &&
      !p.startsWith('$') &&
      !/^(file|git\+|https?|link|workspace):/.test(p) &&
      !/\.(tgz|tar\.gz|gem|whl|deb|zip)$/.test(p),
  );
}

/** The ad-hoc install a command performs, if any. */
export function adhocInstall(words: readonly string[]): Install | undefined {
  let ws = words;
  // `python -m pip install`, `uv pip install`, `bundle exec gem install`, `bunx npm install`.
  const first = programName(ws[0] ?? '');
  if (/^python[\d.]*$|^py$/.test(first) && ws[1] === '-m') ws = ws.slice(2);
  else if (first === 'uv' && ws[1] === 'pip') ws = ws.slice(1);
  else if (first === 'bundle' && ws[1] === 'exec') ws = ws.slice(2);
  else if (first === 'bunx' || first === 'npx') ws = ws.slice(1);
  const tool = programName(ws[0] ?? '');
  const sub = ws[1] ?? '';
  const args = ws.slice(2);
  if (args.includes('--help') || args.includes('-h')) return undefined;
  const lockfile = (manifest: string, command: string) =>
    `add it to ${manifest}, commit the lockfile and run ${command}`;
  if (tool === 'gem' && (sub === 'install' || sub === 'i')) {
    if (args.some((a) => a === '-g' || a === '--file' || a.startsWith('--file='))) return undefined;
    return {
      tool: 'gem',
      packages: named(operands(args, GEM_VALUED)),
      severity: 'low',
      instead: lockfile('the Gemfile', 'bundle install'),
    };
  }
  if (tool === 'bundle' && sub === 'add') {
    return {
      tool: 'bundle add',
      packages: named(operands(args, GEM_VALUED)),
      severity: 'low',
      instead: 'add it to the Gemfile and commit Gemfile.lock',
    };
  }
  if ((tool === 'npm' || tool === 'bun') && ['install', 'i', 'add', 'isntall', 'in'].includes(sub)) {
    return {
      tool,
      packages: named(operands(args, NPM_VALUED)),
      severity: 'low',
      instead: args.some((a) => a === '-g' || a === '--global')
        ? 'make it a devDependency so the lockfile pins it and its dependencies, and run it with npx'
        : lockfile('package.json', tool === 'npm' ? 'npm ci' : 'bun install --frozen-lockfile'),
    };
  }
  if (tool === 'yarn' && (sub === 'add' || (sub === 'global' && ws[2] === 'add'))) {
    return {
      tool: 'yarn',
      packages: named(operands(sub === 'global' ? args.slice(1) : args, NPM_VALUED)),
      severity: 'low',
      instead: lockfile('package.json', 'yarn install --immutable'),
    };
  }
  if (tool === 'pnpm' && ['add', 'install', 'i'].includes(sub)) {
    return {
      tool: 'pnpm',
      packages: named(operands(args, NPM_VALUED)),
      severity: 'low',
      instead: lockfile('package.json', 'pnpm install --frozen-lockfile'),
    };
  }
  if (/^pip[\d.]*$/.test(tool) && sub === 'install') {
    // A requirements or constraints file is a manifest; packages named beside one are still ad hoc.
    const ops = operands(
      args,
      new Set([...PIP_VALUED, '-r', '--requirement', '-c', '--constraint', '-e', '--editable']),
    );
    return {
      tool: 'pip',
      packages: named(ops),
      severity: 'low',
      instead:
        'list it in a requirements file with hashes (pip-compile --generate-hashes) and install with pip install --require-hashes -r',
    };
  }
  if ((tool === 'apt-get' || tool === 'apt') && sub === 'install') {
    const pkgs = named(operands(args, APT_VALUED)).filter((p) => !p.includes('='));
    return {
      tool,
      packages: pkgs,
      severity: 'info',
      instead: 'pin the version (pkg=1.2.3-1) or use a container image that has it',
    };
  }
  return undefined;
}

/** Reports every ad-hoc install of named packages in the run scripts of a file. */
export function auditAdhocPackages(ctx: AuditContext): void {
  for (const { job, command } of stepCommands(ctx)) report(ctx, job.label, job.id, command);
}

function report(ctx: AuditContext, label: string, jobId: string, command: ScriptCommand): void {
  const install = adhocInstall(command.words);
  if (!install || install.packages.length === 0) return;
  // An install with no version at all is already an unpinned-tool-install finding, which asks for more.
  if (unpinnedInstalls(command.line).includes(install.tool)) return;
  const list = install.packages.slice(0, 4).join(', ') + (install.packages.length > 4 ? ', …' : '');
  ctx.report({
    ruleId: 'adhoc-packages',
    severity: install.severity,
    confidence: 'high',
    span: command.span,
    message: `${label} installs ${list} with ${install.tool} outside a lockfile: whatever versions of ${install.packages.length === 1 ? 'it' : 'them'} and ${install.packages.length === 1 ? 'its' : 'their'} dependencies are newest when the job runs are what it gets; ${install.instead}.`,
    snippet: `${jobId} ${command.words.join(' ')}`,
  });
}
