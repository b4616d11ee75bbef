/**
 * One whole-process run for `secrets.bench.ts`: reads a diff file and scans
 * it, in the way `MODE` names, then prints what the process cost as JSON:
 * wall and CPU time of all its threads since it started, the scanning
 * thread's CPU time for the scan alone (`whole` only), and its peak RSS.
 *
 * - `whole`: the file read whole and decoded at once, then scanned (how
 *   `gate secrets --diff` read a diff before it read pieces).
 * - `pieces`: `scanGitDiffFile`, piece by piece (how it reads one now).
 * - `none`: the imports alone, for the fixed cost of a process.
 *
 * Usage: node --import tsx bench/secrets-whole-child.ts MODE FILE
 */
import { readFileSync } from 'node:fs';
import { scanGitDiff } from '../src/gates/secrets/diff-scan.js';
import { scanGitDiffFile } from '../src/gates/secrets/diff-stream.js';
import { DEFAULT_SECRETS_POLICY } from '../src/gates/secrets/policy.js';
import { defaultRules } from '../src/gates/secrets/rules.js';

const [mode, file] = process.argv.slice(2) as [string, string];
const threadMs = (): number => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
};
const processMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const rules = defaultRules();
let scanThreadMs = 0;
let findings = 0;
if (mode === 'whole') {
  const text = new TextDecoder().decode(readFileSync(file));
  const t = threadMs();
  findings = scanGitDiff(text, rules, DEFAULT_SECRETS_POLICY).findings.length;
  scanThreadMs = threadMs() - t;
} else if (mode === 'pieces') {
  findings = scanGitDiffFile(file, rules, DEFAULT_SECRETS_POLICY).findings.length;
}
console.log(
  JSON.stringify({
    // From the start of the process: loading the code is part of what a run costs.
    wallMs: performance.now(),
    cpuMs: processMs(),
    scanThreadMs,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    findings,
  }),
);
