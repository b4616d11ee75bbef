/**
 * Audits of `run:` scripts: downloads piped into a shell, tools installed
 * without a version, and deprecated or insecure workflow commands.
 */
import { isScalar } from 'yaml';
import type { Severity } from '../../core/finding.js';
import type { AuditContext, Job, Step } from '../model.js';
import { entries, locateInScalar, mapGet, spanOf } from '../source.js';

const PIPE_TO_SHELL =
  /\b(curl|wget)\b[^|;&\n]*\|\s*(sudo\s+(-\S+\s+)*)?(env\s+\S+=\S+\s+)*(ba|z|da|k|fi)?sh\b|\b(curl|wget)\b[^|;&\n]*\|\s*(sudo\s+)?(python3?|node|perl|ruby|pwsh|iex)\b|\b(ba|z)?sh\s+(-c\s+)?["']?(<\(|\$\()\s*(curl|wget)\b/;

interface Install {
  readonly re: RegExp;
  readonly pinned: (args: string) => boolean;
  readonly tool: string;
}

/** Options of pip and npm whose value is the next word (an index, a registry, a folder), not a package. */
const VALUED =
  /\s(?:-i|--index-url|--extra-index-url|-f|--find-links|-t|--target|--prefix|--root|--cache-dir|--trusted-host|--registry|--userconfig|--cache)\s+\S+/g;

/** Package arguments of an install command, options and their values removed. */
function packages(args: string): string[] {
  return ` ${args}`
    .replace(VALUED, ' ')
    .replace(/\s(-[-\w]+)(=\S+)?/g, ' ')
    .split(/\s+/)
    .filter((a) => a !== '' && !a.startsWith('$') && !/^[<>|&;]/.test(a));
}

const INSTALLS: readonly Install[] = [
  {
    tool: 'npm',
    re: /\bnpm\s+(?:install|i|add)\s+(?:[^\n|;&]*\s)?(?:-g|--global)\b([^\n|;&]*)/,
    pinned: (a) => packages(a).every((p) => /.@[\w^~<>=.*-]*\d/.test(p) || p.startsWith('.') || p.startsWith('/')),
  },
  {
    tool: 'pip',
    re: /\bpip3?\s+install\s+([^\n|;&]*)/,
    pinned: (a) =>
      /\s-r\s|\s--requirement\b|^-r\s/.test(` ${a}`) ||
      packages(a).every((p) => /[=<>~]=|@/.test(p) || p.startsWith('.') || p.startsWith('/') || p.endsWith('.whl')),
  },
  {
    tool: 'go',
    re: /\bgo\s+install\s+([^\n|;&]*)/,
    pinned: (a) => packages(a).every((p) => /@v?\d/.test(p) || /@[0-9a-f]{12,}$/.test(p) || p.startsWith('./')),
  },
  {
    tool: 'gem',
    re: /\bgem\s+install\s+([^\n|;&]*)/,
    pinned: (a) => /(\s|^)(-v|--version)[\s=]/.test(` ${a}`) || /:\d/.test(a),
  },
  {
    tool: 'cargo',
    re: /\bcargo\s+install\s+([^\n|;&]*)/,
    pinned: (a) =>
      /(--version|--vers|--tag|--rev)\b/.test(a) || packages(a).every((p) => /@\d/.test(p)) || /--path\b/.test(a),
  },
];

/** The tools a script line installs without a pinned version (what `unpinned-tool-install` reports). */
export function unpinnedInstalls(line: string): string[] {
  return INSTALLS.filter((install) => {
    const m = install.re.exec(line);
    return m !== null && !install.pinned(m[1] ?? '');
  }).map((install) => install.tool);
}

/** Runs every script audit over one file. */
export function auditScripts(ctx: AuditContext): void {
  checkUnsecureCommandsEnv(ctx, ctx.file.doc.contents, 'the workflow');
  for (const job of ctx.jobs) {
    checkUnsecureCommandsEnv(ctx, job.node, job.label);
    for (const step of job.steps) {
      checkUnsecureCommandsEnv(ctx, step.node, `step ${step.index + 1} of ${job.label}`);
      if (step.run) checkRun(ctx, job, step);
    }
  }
}

function checkUnsecureCommandsEnv(ctx: AuditContext, owner: unknown, where: string): void {
  for (const [name, , value] of entries(ctx.file, mapGet(ctx.file, owner, 'env'))) {
    if (name !== 'ACTIONS_ALLOW_UNSECURE_COMMANDS') continue;
    if (!isScalar(value) || !(value.value === true || String(value.value).toLowerCase() === 'true')) continue;
    ctx.report({
      ruleId: 'deprecated-command',
      severity: 'high',
      confidence: 'high',
      span: spanOf(ctx.file, value),
      message: `${where} sets ACTIONS_ALLOW_UNSECURE_COMMANDS, which lets anything printed to the log (including untrusted text) set environment variables and PATH.`,
      snippet: `${where} ACTIONS_ALLOW_UNSECURE_COMMANDS`,
    });
  }
}

function checkRun(ctx: AuditContext, job: Job, step: Step): void {
  if (!step.run) return;
  const node = step.run.node;
  const seen = new Map<string, number>();
  for (const rawLine of step.run.text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const occurrence = seen.get(line) ?? 0;
    seen.set(line, occurrence + 1);
    const report = (ruleId: string, severity: Severity, message: string): void =>
      ctx.report({
        ruleId,
        severity,
        confidence: 'high',
        span: locateInScalar(ctx.file, node, line, occurrence),
        message,
        snippet: `${job.id} ${line}`,
      });
    if (PIPE_TO_SHELL.test(line)) {
      report(
        'curl-pipe-shell',
        'medium',
        `${job.label} downloads a script and runs it without checking a checksum or signature; whoever controls the URL (or its DNS, or a proxy) controls the job.`,
      );
    }
    for (const install of INSTALLS) {
      const m = install.re.exec(line);
      if (m && !install.pinned(m[1] ?? '')) {
        report(
          'unpinned-tool-install',
          'low',
          `${job.label} installs with ${install.tool} without a pinned version; the next release of the tool (or a hijacked one) runs in this job.`,
        );
      }
    }
    const cmd = /::(set-output|save-state|set-env|add-path)\b/.exec(line);
    if (cmd) {
      const insecure = cmd[1] === 'set-env' || cmd[1] === 'add-path';
      report(
        'deprecated-command',
        insecure ? 'high' : 'low',
        insecure
          ? `::${cmd[1]}:: is disabled because untrusted log output could use it to change the environment; write to ${cmd[1] === 'set-env' ? '$GITHUB_ENV' : '$GITHUB_PATH'} instead.`
          : `::${cmd[1]}:: is deprecated; write to ${cmd[1] === 'set-output' ? '$GITHUB_OUTPUT' : '$GITHUB_STATE'} instead.`,
      );
    }
  }
}
