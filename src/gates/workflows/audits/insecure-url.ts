/**
 * `insecure-url-scheme`: code or data fetched over a plaintext transport
 * (`http://`, `git://`, `ftp://`) from another host. Anyone on the path (a
 * proxy, the runner's network, a poisoned DNS answer) can change what arrives.
 * Fetching code that then runs (a clone, a package index, a script piped to a
 * shell) is high; other downloads are medium. Addresses of the runner itself,
 * private networks and service containers (`http://postgres:5432`) are not
 * reported: no outside network is crossed.
 */
import { isScalar } from 'yaml';
import type { Severity } from '../../core/finding.js';
import type { AuditContext } from '../model.js';
import { entries, locateInScalar } from '../source.js';
import { programName, stepCommands } from './script-commands.js';

const URL = /\b(http|git|ftp):\/\/([^\s/'"`:?#)]+)[^\s'"`)]*/gi;

/** True for hosts reached without leaving the runner or its private network. */
export function localHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0.0.0.0' || h === 'host.docker.internal') return true;
  if (/^(127\.|10\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.)/.test(h)) return true;
  // A name without a dot is a service container, a Kubernetes service or a local alias.
  if (!h.includes('.')) return true;
  if (/\.(local|localhost|internal|test|example|invalid|svc|cluster\.local)$/.test(h)) return true;
  if (/(^|\.)example\.(com|org|net)$/.test(h)) return true;
  // An unexpanded shell variable or template: the host is not known here.
  return /[$%{]/.test(h);
}

/** Programs that fetch what they are given. */
const DOWNLOADERS = new Set([
  'curl',
  'wget',
  'aria2c',
  'invoke-webrequest',
  'iwr',
  'invoke-restmethod',
  'irm',
  'start-bitstransfer',
  'fetch',
  'http',
]);
/** Programs that fetch code (a repository or packages) from what they are given. */
const CODE_FETCHERS = new Set([
  'git',
  'pip',
  'pip3',
  'npm',
  'yarn',
  'pnpm',
  'gem',
  'bundle',
  'go',
  'cargo',
  'helm',
  'svn',
  'hg',
  'apt-add-repository',
  'add-apt-repository',
  'docker',
  'podman',
  'choco',
  'brew',
  'uv',
  'poetry',
]);

/** Inputs that name where an action downloads from or uploads to. */
const URL_INPUT = /url|registry|server|index|mirror|endpoint|repository|source|host/i;

/** Reports plaintext downloads in scripts and plaintext URLs given to actions. */
export function auditInsecureUrls(ctx: AuditContext): void {
  for (const { job, command } of stepCommands(ctx)) {
    const prog = programName(command.words[0] ?? '');
    const fetchesCode = CODE_FETCHERS.has(prog) || /^pip[\d.]*$/.test(prog);
    if (!DOWNLOADERS.has(prog) && !fetchesCode) continue;
    const executed =
      fetchesCode ||
      /\|\s*(sudo\s+)?(ba|z|da|k)?sh\b|\|\s*(sudo\s+)?(python3?|node|perl|ruby|pwsh|iex)\b|\biex\b/i.test(command.line);
    for (const word of command.words.slice(1)) {
      for (const m of word.matchAll(URL)) {
        const host = m[2] as string;
        if (localHost(host)) continue;
        const scheme = (m[1] as string).toLowerCase();
        const severity: Severity = executed ? 'high' : 'medium';
        ctx.report({
          ruleId: 'insecure-url-scheme',
          severity,
          confidence: 'high',
          span: command.span,
          message: `${job.label} ${executed ? 'fetches code' : 'downloads'} from ${m[0]} over ${scheme}://, which has no encryption or integrity: anyone on the network path can change what ${executed ? 'runs' : 'arrives'}; use ${scheme === 'git' ? 'https:// or ssh://' : 'https://'}.`,
          snippet: `${job.id} ${prog} ${m[0]}`,
        });
      }
    }
  }
  for (const job of ctx.jobs) {
    for (const step of job.steps) {
      if (!step.uses) continue;
      for (const [key, , value] of entries(ctx.file, step.with)) {
        if (!URL_INPUT.test(key) || !isScalar(value) || typeof value.value !== 'string') continue;
        for (const m of value.value.matchAll(URL)) {
          if (localHost(m[2] as string)) continue;
          const scheme = (m[1] as string).toLowerCase();
          ctx.report({
            ruleId: 'insecure-url-scheme',
            severity: 'medium',
            confidence: 'high',
            span: locateInScalar(ctx.file, value, m[0]),
            message: `${job.label} gives ${step.uses.text.split('@')[0]} the ${key} ${m[0]}, a plaintext ${scheme}:// address: what it fetches or sends there can be read and changed on the way; use ${scheme === 'git' ? 'https:// or ssh://' : 'https://'}.`,
            snippet: `${job.id} ${key} ${m[0]}`,
          });
        }
      }
    }
  }
}
