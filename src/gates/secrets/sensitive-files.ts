/**
 * Files whose presence in a repository is the leak: environment files, key
 * stores, credential files, Terraform state, and Kubernetes `Secret`
 * manifests that carry their data.
 */
import { isMap, isScalar, LineCounter, parseAllDocuments } from 'yaml';
import type { Confidence, Severity } from '../finding.js';
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
  for (const r of FILE_RULES) if (!disabled.has(r.id) && r.path.test(path) && !r.except?.test(path)) out.push(fileFinding(r, path));
  return out;
}

const NONE_DISABLED: ReadonlySet<string> = new Set();

const SECRET_KIND = /^kind:[ \t]*["']?Secret["']?[ \t]*(?:#.*)?$/m;
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
  if (!unit.text.includes('Secret') || !SECRET_KIND.test(unit.text)) return [];
  const counter = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(unit.text, { lineCounter: counter, uniqueKeys: false });
  } catch {
    return [];
  }
  if (!Array.isArray(docs)) return [];
  const out: SecretFinding[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0 || !isMap(doc.contents) || doc.get('kind') !== 'Secret') continue;
    for (const section of ['data', 'stringData']) {
      const map = doc.get(section, true);
      if (!isMap(map)) continue;
      for (const pair of map.items) {
        const value = pair.value;
        if (!isScalar(value) || typeof value.value !== 'string' || value.value.trim() === '' || TEMPLATED.test(value.value)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        const secret = value.value;
        const [from, to] = value.range ?? [0, 0];
        const start = counter.linePos(from);
        const end = counter.linePos(to);
        const line = unit.lineNumbers?.[start.line - 1] ?? start.line;
        const endLine = unit.lineNumbers?.[end.line - 1] ?? end.line;
        const redacted = redact(secret);
        out.push({
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
        });
      }
    }
  }
  return out;
}
