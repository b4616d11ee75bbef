/**
 * Scanning what a change adds, or whole files: diff files and file contents
 * in, findings and notices out. Pure; reading git and the disk is the
 * command's job.
 */
import { STOP_WORDS } from './entropy.js';
import { scanText, type CompiledRules, type ScanOptions, type TextUnit } from './engine.js';
import type { DiffFile } from '../core/diff.js';
import { pathAllowed, type SecretsPolicy } from './policy.js';
import { secretRule } from './rules.js';
import type { SecretFinding } from './secret-finding.js';
import { fileNameFindings, kubernetesSecretFindings } from './sensitive-files.js';

/** Something the scan could not do fully, said plainly and never with content. */
export interface ScanNotice {
  readonly file: string;
  readonly message: string;
}

/** Findings of a scan before the policy's verdict, and how much was read. */
export interface ScanResult {
  findings: SecretFinding[];
  notices: ScanNotice[];
  files: number;
  lines: number;
  bytes: number;
}

/** The scan options a policy gives, built once per policy: a path scan asks for each of its files. */
export function scanOptionsOf(policy: SecretsPolicy): ScanOptions {
  let options = optionsOfPolicy.get(policy);
  if (!options) {
    options = {
      disabledRules: new Set(policy.disable),
      allowPatterns: policy.allow.patterns.map((p) => new RegExp(p)),
      ...(policy.stopWords.length > 0
        ? { stopWords: [...STOP_WORDS, ...policy.stopWords.map((w) => w.toLowerCase())] }
        : {}),
    };
    optionsOfPolicy.set(policy, options);
  }
  return options;
}

const optionsOfPolicy = new WeakMap<SecretsPolicy, ScanOptions>();

/** Kubernetes manifests are YAML or JSON files. */
const MANIFEST_PATH = /\.(?:ya?ml|json)$/i;

/** Line rules and, for YAML that declares a Secret, the manifest rule. */
function scanUnit(rules: CompiledRules, unit: TextUnit, options: ScanOptions): SecretFinding[] {
  return withManifestFindings(scanText(rules, unit, options), unit, options);
}

/** Whether the manifest rule reads this file: YAML or JSON, and the rule not disabled. */
export function manifestRuleApplies(file: string, options: ScanOptions): boolean {
  return !options.disabledRules?.has('kubernetes-secret-manifest') && MANIFEST_PATH.test(file);
}

/** The line findings of a unit with its Kubernetes Secret findings added; generic findings give way to the manifest's on the same line. */
export function withManifestFindings(line: SecretFinding[], unit: TextUnit, options: ScanOptions): SecretFinding[] {
  const manifest = manifestRuleApplies(unit.file, options) ? kubernetesSecretFindings(unit) : [];
  if (manifest.length === 0) return line;
  const manifestLines = new Set(manifest.map((f) => f.line));
  return [...line.filter((f) => !(manifestLines.has(f.line) && secretRule(f.ruleId)?.generic)), ...manifest];
}

/**
 * What happens to a file of a diff before its lines are read: deleted and
 * allowed files are passed over, the names of added files are checked, and
 * a binary file is noted. True when its added lines are to be scanned.
 */
export function admitDiffFile(
  file: Pick<DiffFile, 'path' | 'status' | 'binary'>,
  policy: SecretsPolicy,
  options: ScanOptions,
  result: ScanResult,
): boolean {
  if (file.status === 'deleted' || pathAllowed(policy, file.path)) return false;
  result.files++;
  const named = file.status === 'added' || file.status === 'renamed' || file.status === 'copied';
  if (named) result.findings.push(...fileNameFindings(file.path, options.disabledRules));
  if (file.binary) {
    if (named) result.notices.push({ file: file.path, message: 'binary file: only its name was checked' });
    return false;
  }
  return true;
}

/** Scans the lines a diff adds, and the names of files it adds. */
export function scanDiffFiles(files: readonly DiffFile[], rules: CompiledRules, policy: SecretsPolicy): ScanResult {
  const options = scanOptionsOf(policy);
  const result: ScanResult = { findings: [], notices: [], files: 0, lines: 0, bytes: 0 };
  for (const file of files) {
    if (!admitDiffFile(file, policy, options, result) || file.addedLines.length === 0) continue;
    const text = file.addedLines.join('\n');
    result.lines += file.addedLines.length;
    result.bytes += text.length;
    result.findings.push(...scanUnit(rules, { file: file.path, text, lineNumbers: file.lineNumbers }, options));
  }
  return result;
}

function countLines(text: string): number {
  if (text.length === 0) return 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The first bytes hold a NUL: a binary file, whose lines mean nothing. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8000);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/** Scans one whole file of a path scan. `path` is relative to the repository, with `/`. */
export function scanFileContent(
  path: string,
  bytes: Uint8Array,
  rules: CompiledRules,
  policy: SecretsPolicy,
): ScanResult {
  const result: ScanResult = { findings: [], notices: [], files: 1, lines: 0, bytes: 0 };
  if (pathAllowed(policy, path)) return { ...result, files: 0 };
  const options = scanOptionsOf(policy);
  result.findings.push(...fileNameFindings(path, options.disabledRules));
  if (bytes.length > policy.maxFileBytes) {
    result.notices.push({
      file: path,
      message: `larger than maxFileBytes (${bytes.length} > ${policy.maxFileBytes} bytes): only its name was checked`,
    });
    return result;
  }
  if (looksBinary(bytes)) return result;
  result.bytes = bytes.length;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('utf-8').decode(bytes);
    result.notices.push({ file: path, message: 'not valid UTF-8: scanned with the invalid bytes replaced' });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  result.lines = countLines(text);
  result.findings.push(...scanUnit(rules, { file: path, text }, options));
  return result;
}
