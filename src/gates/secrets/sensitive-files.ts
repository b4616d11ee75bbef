/**
 * Files whose presence in a repository is the leak: environment files, key
 * stores, credential files, Terraform state, and Kubernetes `Secret`
 * manifests that carry their data.
 */
import { isMap, isScalar, LineCounter, parseAllDocuments } from 'yaml';
import type { Confidence, Severity } from '../core/finding.js';
import type { TextUnit } from './engine.js';
import { redact, secretFingerprint } from './redact.js';
import type { SecretFinding } from './secret-finding.js';

/** A rule about a file's name. */
export interface FileRule {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly confidence: Confidence;
  /** Tested against the path with `/`, relative to the repository. */
  readonly path: RegExp;
  readonly except?: RegExp;
  readonly fix: string;
}

export const FILE_RULES: readonly FileRule[] = [
  {
    id: 'env-file',
    title: 'Environment file added',
    severity: 'high',
    confidence: 'medium',
    path: /(?:^|\/)\.env(?:\.[\w.-]+)?$/,
    except: /\.(?:example|sample|template|tmpl|tpl|dist|defaults?|schema)$/i,
    fix: 'Remove the file from the change and add it to .gitignore; commit a `.env.example` with empty values instead, and rotate any credential it held.',
  },
  {
    id: 'key-store-file',
    title: 'Key store added',
    severity: 'high',
    confidence: 'high',
    path: /\.(?:jks|keystore|bks|p12|pfx|pkcs12|kdbx)$/i,
    fix: 'Remove the key store from the change, rotate the keys and passwords it holds, and keep it in a secret store; CI can write it from a base64 secret at run time.',
  },
  {
    id: 'ssh-private-key-file',
    title: 'SSH private key file added',
    severity: 'critical',
    confidence: 'high',
    path: /(?:^|\/)(?:id_(?:rsa|dsa|ecdsa|ed25519)(?:_[\w-]+)?|[\w.-]+\.ppk)$/,
    fix: 'Remove the key from the change, delete it from every authorized_keys and deploy-key list it was added to, and generate a new one.',
  },
  {
    id: 'private-key-file',
    title: 'Private key file added',
    severity: 'medium',
    confidence: 'low',
    path: /\.key$/i,
    fix: 'If this is a private key, remove it from the change and rotate it; if it is not (a Keynote file, a public key), allow the path in the policy.',
  },
  {
    id: 'credentials-file',
    title: 'Credentials file added',
    severity: 'high',
    confidence: 'high',
    path: /(?:^|\/)(?:\.git-credentials|\.htpasswd|\.pgpass|\.my\.cnf|\.aws\/credentials|\.docker\/config\.json|\.kube\/config)$/,
    fix: 'Remove the file from the change, rotate the credentials in it, and keep such files in the home directory of the machine that needs them.',
  },
  {
    id: 'terraform-state-file',
    title: 'Terraform state added',
    severity: 'high',
    confidence: 'high',
    path: /\.tfstate(?:\.backup)?$/,
    fix: 'Terraform state holds the secrets of every resource it manages in clear text: remove it, rotate those secrets, and use a remote, encrypted backend.',
  },
];

function fileFinding(rule: FileRule, path: string): SecretFinding {
  return {
    ruleId: rule.id,
    severity: rule.severity,
    confidence: rule.confidence,
    file: path,
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    message: `${rule.title}: ${path}.`,
    fix: rule.fix,
    equivalents: {},
    fingerprint: secretFingerprint(rule.id, path, ''),
    snippet: path,
    secret: { redacted: '(whole file)', length: 0 },
  };
}

/** Findings for a file's name alone. Callers pass only files the change adds (or every file of a path scan). */
export function fileNameFindings(path: string, disabled: ReadonlySet<string> = NONE_DISABLED): SecretFinding[] {
  // A loop rather than filter and map: a diff of thousands of files asks this of each added one.
  const out: SecretFinding[] = [];
  for (const r of FILE_RULES)
    if (!disabled.has(r.id) && r.path.test(path) && !r.except?.test(path)) out.push(fileFinding(r, path));
  return out;
}

const NONE_DISABLED: ReadonlySet<string> = new Set();

const SECRET_KIND = /^[ \t]*kind:[ \t]*["']?[Ss]ecret["']?[ \t]*(?:#.*)?$/m;
const TEMPLATED = /\{\{|\$\{|\$\(/;

/** Rule id of a Kubernetes `Secret` with literal data. */
export const K8S_SECRET_RULE = 'kubernetes-secret-manifest';

/**
 * Kubernetes `Secret` manifests with literal `data` or `stringData` values:
 * one finding per value. Templates (Helm, envsubst) and sealed or external
 * secrets are not reported. YAML that does not parse yields nothing here;
 * the line rules still run on it.
 */
export function kubernetesSecretFindings(unit: TextUnit): SecretFinding[] {
  // A plain substring search first: the multiline pattern is far slower over megabytes of code.
  if (!(unit.text.includes('ecret') || unit.text.includes('ECRET')) || !SECRET_KIND.test(unit.text)) return [];
  const counter = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(unit.text, { lineCounter: counter, uniqueKeys: false });
  } catch {
    docs = undefined;
  }
  if (!Array.isArray(docs)) return manifestLineFindings(unit);
  const out: SecretFinding[] = [];
  let unreadable = false;
  for (const doc of docs) {
    if (doc.errors.length > 0) unreadable = true;
    if (doc.errors.length > 0 || !isMap(doc.contents) || String(doc.get('kind')).toLowerCase() !== 'secret') continue;
    for (const section of ['data', 'stringData']) {
      const map = doc.get(section, true);
      if (!isMap(map)) continue;
      for (const pair of map.items) {
        const value = pair.value;
        if (
          !isScalar(value) ||
          typeof value.value !== 'string' ||
          value.value.trim() === '' ||
          TEMPLATED.test(value.value)
        )
          continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        const [from, to] = value.range ?? [0, 0];
        const start = counter.linePos(from);
        const end = counter.linePos(to);
        out.push(manifestFinding(unit, section, key, value.value, start, end));
      }
    }
  }
  // A manifest YAML cannot read (tabs for indentation, a diff's added lines without their context) is read line by line.
  return out.length === 0 && unreadable ? manifestLineFindings(unit) : out;
}

/** A finding of the manifest rule; positions are 1-based lines and columns of the unit's text. */
function manifestFinding(
  unit: TextUnit,
  section: string,
  key: string,
  secret: string,
  start: { line: number; col: number },
  end: { line: number; col: number },
): SecretFinding {
  const line = unit.lineNumbers?.[start.line - 1] ?? start.line;
  const endLine = unit.lineNumbers?.[end.line - 1] ?? end.line;
  const redacted = redact(secret);
  return {
    ruleId: K8S_SECRET_RULE,
    severity: 'high',
    confidence: 'high',
    file: unit.file,
    line,
    column: start.col,
    endLine,
    endColumn: end.col,
    message: `Kubernetes Secret with a literal value for ${section}.${key} ${redacted} in ${unit.file}.`,
    fix: 'Do not commit Secret manifests with data: use Sealed Secrets, SOPS, or the External Secrets Operator, and rotate the values that were committed.',
    equivalents: {},
    fingerprint: secretFingerprint(K8S_SECRET_RULE, unit.file, secret),
    snippet: redacted,
    secret: { redacted, length: secret.length },
    gitleaks: 'kubernetes-secret-yaml',
  };
}

const SECTION_LINE = /^([ \t]*)(data|stringData):[ \t]*$/;
const ENTRY_LINE = /^([ \t]+)([\w.-]+):[ \t]*(["']?)([A-Za-z0-9+/=_.-]{1,10000})\3[ \t]*$/;

/**
 * The entries of `data:` and `stringData:` read line by line, for a Secret
 * manifest that YAML cannot parse: each `key: value` line indented below the
 * section, until a line indented no deeper than it.
 */
function manifestLineFindings(unit: TextUnit): SecretFinding[] {
  const lines = unit.text.split('\n').map((l) => l.replace(/\r$/, ''));
  const out: SecretFinding[] = [];
  // Each document of the file on its own: only one that declares a Secret counts.
  let docStart = 0;
  for (let end = 0; end <= lines.length; end++) {
    if (end < lines.length && !/^---/.test(lines[end] as string)) continue;
    const doc = lines.slice(docStart, end);
    if (doc.some((l) => SECRET_KIND.test(l))) readSections(unit, doc, docStart, out);
    docStart = end + 1;
  }
  return out;
}

/** The `data:` and `stringData:` entries of one document, whose first line is line `offset` (0-based) of the unit. */
function readSections(unit: TextUnit, lines: readonly string[], offset: number, out: SecretFinding[]): void {
  for (let i = 0; i < lines.length; i++) {
    const section = SECTION_LINE.exec(lines[i] as string);
    if (!section) continue;
    const depth = (section[1] as string).length;
    for (let j = i + 1; j < lines.length; j++) {
      const text = lines[j] as string;
      if (text.trim() === '') continue;
      const entry = ENTRY_LINE.exec(text);
      if (!entry || (entry[1] as string).length <= depth) break;
      const secret = entry[4] as string;
      // Read without a parser, a short value is as likely a word as a secret.
      if (TEMPLATED.test(secret) || secret.length < 10) continue;
      const col = text.indexOf(secret, (entry[1] as string).length + (entry[2] as string).length + 1) + 1;
      out.push(
        manifestFinding(
          unit,
          section[2] as string,
          entry[2] as string,
          secret,
          { line: offset + j + 1, col },
          { line: offset + j + 1, col: col + secret.length },
        ),
      );
    }
  }
}
