/**
 * The workflow audit of one file: parse, detect the kind, run every audit,
 * attach the rule texts and fingerprints. Pure: text in, findings out.
 */
import { compareFindings, type Finding, type RawFinding } from '../core/finding.js';
import { auditActions } from './audits/actions.js';
import { auditAdhocPackages } from './audits/adhoc-packages.js';
import { auditInsecureUrls } from './audits/insecure-url.js';
import { auditObfuscation } from './audits/obfuscation.js';
import { auditTrustedPublishing } from './audits/trusted-publishing.js';
import { auditUnsoundTernary } from './audits/unsound-ternary.js';
import { auditCache } from './audits/cache.js';
import { auditExpressions } from './audits/expressions.js';
import { auditPermissions } from './audits/permissions.js';
import { auditPreCommit } from './audits/pre-commit.js';
import { auditPinning } from './audits/pinning.js';
import { auditScripts } from './audits/scripts.js';
import { auditTriggers } from './audits/triggers.js';
import { auditValidity } from './audits/validity.js';
import {
  DEFAULT_AUDIT_OPTIONS,
  detectKind,
  readJobs,
  readTriggers,
  toRaw,
  type AuditContext,
  type AuditOptions,
  type FileKind,
} from './model.js';
import { completeFindings, RULES } from './rules.js';
import { DEFAULT_MAX_BYTES, loadSource, type SourceFile } from './source.js';

/**
 * `# bellwether: ignore[rule-a, rule-b] reason` found in a file, or zizmor's
 * `# zizmor: ignore[rule]`, whose zizmor rule names are read as the rules of
 * ours that check the same thing, so that a repository moving over keeps its
 * reviewed exceptions.
 */
export interface InlineIgnore {
  readonly line: number;
  readonly column: number;
  readonly rules: readonly string[];
  readonly reason: string;
  /** Which comment syntax it was written in. */
  readonly syntax: 'bellwether' | 'zizmor';
}

const IGNORE = /#\s*(bellwether|zizmor):\s*ignore\[([^\]]*)\]([^\n]*)/g;

/** Our rule ids for a zizmor audit name; empty when no rule of ours checks it. */
export function rulesForZizmor(name: string): string[] {
  return [
    ...[...RULES.values()].filter((r) => r.equivalents.zizmor === name).map((r) => r.id),
    ...(ZIZMOR_ALSO.get(name) ?? []),
  ];
}

/**
 * Rules of ours that report, among other things, what a zizmor audit of
 * another name reports: an unpinned `gem install rake` is zizmor's
 * adhoc-packages and our unpinned-tool-install (which then stands for both).
 */
const ZIZMOR_ALSO: ReadonlyMap<string, readonly string[]> = new Map([['adhoc-packages', ['unpinned-tool-install']]]);

/** Inline ignore comments of a text, by line. */
export function readInlineIgnores(text: string): InlineIgnore[] {
  const out: InlineIgnore[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!line.includes('bellwether:') && !line.includes('zizmor:')) return;
    for (const m of line.matchAll(IGNORE)) {
      const names = (m[2] ?? '')
        .split(',')
        .map((r) => r.trim())
        .filter((r) => r !== '');
      const reason = (m[3] ?? '').replace(/^\s*#\s*/, '').trim();
      if (m[1] === 'zizmor') {
        // zizmor asks for no reason; the suppression then says where it came from.
        const rules = names.flatMap(rulesForZizmor);
        out.push({
          line: i + 1,
          column: (m.index ?? 0) + 1,
          rules,
          reason: reason || `zizmor: ignore[${names.join(', ')}]`,
          syntax: 'zizmor',
        });
      } else {
        out.push({ line: i + 1, column: (m.index ?? 0) + 1, rules: names, reason, syntax: 'bellwether' });
      }
    }
  });
  return out;
}

/** The audit of one file before policy is applied. */
export interface FileAudit {
  readonly file: string;
  /** Undefined when the file could not be parsed or its kind is unknown. */
  readonly kind: FileKind | undefined;
  readonly findings: readonly Finding[];
  readonly ignores: readonly InlineIgnore[];
  /** Lines of the file, when the caller counted them (the gate's outputs say how much it read). */
  readonly lines?: number;
}

function finish(file: string, raws: RawFinding[]): Finding[] {
  return completeFindings(file, raws).sort(compareFindings);
}

/** Options for one audit run. */
export interface AuditRunOptions extends AuditOptions {
  readonly maxBytes?: number;
  /** Treat the file as this kind instead of guessing from its path and content. */
  readonly kind?: FileKind;
}

/** Audits one file. Bad input becomes a finding naming the file; this never throws on content. */
export function auditSource(
  path: string,
  content: string | Uint8Array,
  options: Partial<AuditRunOptions> = {},
): FileAudit {
  const opts: AuditOptions = { ...DEFAULT_AUDIT_OPTIONS, ...options };
  const loaded = loadSource(path, content, options.maxBytes ?? DEFAULT_MAX_BYTES);
  if (!('doc' in loaded)) {
    const raw: RawFinding = {
      ruleId: 'yaml-syntax',
      severity: loaded.kind === 'empty' ? 'medium' : 'high',
      confidence: 'high',
      line: loaded.line,
      column: loaded.column,
      endLine: loaded.line,
      endColumn: loaded.column,
      message: `${path} cannot be audited: ${loaded.message}.`,
      snippet: loaded.kind,
    };
    const text =
      typeof content === 'string'
        ? content
        : loaded.kind === 'yaml-syntax' || loaded.kind === 'empty'
          ? Buffer.from(content).toString('utf8')
          : '';
    return { file: path, kind: undefined, findings: finish(path, [raw]), ignores: readInlineIgnores(text) };
  }
  const kind = options.kind ?? detectKind(path, loaded.doc.contents);
  const raws: RawFinding[] = [];
  if (kind === undefined) {
    raws.push({
      ruleId: 'yaml-syntax',
      severity: 'medium',
      confidence: 'medium',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
      message: `${path} is not recognizably a workflow, an action.yml or a dependabot.yml.`,
      snippet: 'unknown kind',
    });
    return { file: path, kind, findings: finish(path, raws), ignores: readInlineIgnores(loaded.text) };
  }
  runAudits(loaded, kind, opts, raws);
  return { file: path, kind, findings: finish(path, raws), ignores: readInlineIgnores(loaded.text) };
}

function runAudits(file: SourceFile, kind: FileKind, options: AuditOptions, raws: RawFinding[]): void {
  const root = file.doc.contents;
  const ctx: AuditContext = {
    file,
    kind,
    triggers: kind === 'workflow' ? readTriggers(file, root) : new Map(),
    jobs: readJobs(file, kind, root),
    options,
    report: (args) => raws.push(toRaw(file, args)),
  };
  if (file.usesAliases) {
    ctx.report({
      ruleId: 'yaml-anchors',
      severity: 'info',
      confidence: 'high',
      span: { line: 1, column: 1, endLine: 1, endColumn: 1, startOffset: 0, endOffset: 0 },
      message:
        'the file uses YAML anchors or aliases; a reviewer reading one place may miss that the same values apply elsewhere.',
      snippet: 'anchors',
    });
  }
  if (kind === 'pre-commit') {
    auditPreCommit(ctx);
    return;
  }
  auditValidity(ctx);
  if (kind === 'dependabot') return;
  auditExpressions(ctx);
  auditTriggers(ctx);
  auditCache(ctx);
  auditPermissions(ctx);
  auditPinning(ctx);
  auditActions(ctx);
  auditScripts(ctx);
  auditAdhocPackages(ctx);
  auditInsecureUrls(ctx);
  auditTrustedPublishing(ctx);
  auditObfuscation(ctx);
  auditUnsoundTernary(ctx);
}
