import { describe, expect, it } from 'vitest';
import { fileNameFindings, kubernetesSecretFindings } from '../../../src/gates/secrets/sensitive-files.js';
import { Fake, secretCore } from './fake-secrets.js';

const f = new Fake(5);

describe('fileNameFindings', () => {
  it.each([
    ['.env', 'env-file'],
    ['services/api/.env.production', 'env-file'],
    ['deploy/release.jks', 'key-store-file'],
    ['certs/client.P12', 'key-store-file'],
    ['vault.kdbx', 'key-store-file'],
    ['home/.ssh/id_ed25519', 'ssh-private-key-file'],
    ['keys/deploy.ppk', 'ssh-private-key-file'],
    ['tls/server.key', 'private-key-file'],
    ['.git-credentials', 'credentials-file'],
    ['ops/.aws/credentials', 'credentials-file'],
    ['infra/terraform.tfstate', 'terraform-state-file'],
    ['infra/terraform.tfstate.backup', 'terraform-state-file'],
  ])('%s is %s', (path, rule) => {
    expect(fileNameFindings(path).map((x) => x.ruleId)).toEqual([rule]);
  });

  it.each([
    '.env.example',
    'app/.env.sample',
    '.env.template',
    'src/env.ts',
    'docs/dotenv.md',
    'home/.ssh/id_ed25519.pub',
    'keys/readme.md',
    'infra/main.tf',
    'credentials.md',
  ])('%s is not sensitive', (path) => {
    expect(fileNameFindings(path)).toEqual([]);
  });

  it('leaves out disabled rules', () => {
    expect(fileNameFindings('.env', new Set(['env-file']))).toEqual([]);
  });
});

describe('kubernetesSecretFindings', () => {
  const value = f.password(24);
  const encoded = Buffer.from(f.password(20)).toString('base64');
  const manifest = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: { name: settings }',
    'data:',
    '  mode: production',
    '---',
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: api',
    'type: Opaque',
    'data:',
    `  token: ${encoded}`,
    '  empty: ""',
    'stringData:',
    `  password: "${value}"`,
    '  templated: "{{ .Values.password }}"',
  ].join('\n');

  it('reports each literal value of a Secret at its line, redacted', () => {
    const hits = kubernetesSecretFindings({ file: 'k8s/api.yaml', text: manifest });
    expect(hits.map((h) => [h.ruleId, h.line, h.column])).toEqual([
      ['kubernetes-secret-manifest', 13, 10],
      ['kubernetes-secret-manifest', 16, 13],
    ]);
    expect(JSON.stringify(hits)).not.toContain(secretCore(value));
    expect(JSON.stringify(hits)).not.toContain(secretCore(encoded));
  });

  it('maps lines through the line numbers of a diff', () => {
    const text = ['kind: Secret', 'stringData:', `  key: ${value}`].join('\n');
    expect(kubernetesSecretFindings({ file: 's.yaml', text, lineNumbers: [7, 8, 9] }).map((h) => h.line)).toEqual([9]);
  });

  it.each([
    ['a ConfigMap', 'kind: ConfigMap\ndata:\n  a: b'],
    ['a SealedSecret', `kind: SealedSecret\nspec:\n  encryptedData:\n    a: ${value}`],
    ['a Secret without data', 'kind: Secret\ntype: kubernetes.io/service-account-token'],
    ['a Helm template', 'kind: Secret\ndata:\n  a: {{ .Values.a | b64enc }}'],
    ['YAML that does not parse', `kind: Secret\ndata:\n  a: [${value}`],
    ['a short value in a manifest read line by line', 'apiVersion: v1\nkind: secret\ndata:\n\tshort: YmFyCg=='],
    [
      'the data of a ConfigMap beside an unreadable Secret',
      `kind: Secret\n\tname: s\n---\nkind: ConfigMap\ndata:\n  key: ${value}`,
    ],
  ])('ignores %s', (_name, text) => {
    expect(kubernetesSecretFindings({ file: 'x.yaml', text })).toEqual([]);
  });

  it('reads line by line a Secret that YAML cannot parse: tabs for indentation, the kind in lower case', () => {
    const text = [
      'apiVersion: "v1"',
      'kind: "secret"',
      'data:',
      `\tpassword: "${encoded}"`,
      'metadata:',
      '\tname: db',
    ].join('\n');
    const hits = kubernetesSecretFindings({ file: 'k8s/db.yaml', text });
    expect(hits.map((h) => [h.line, h.column, h.secret.length])).toEqual([[4, 13, encoded.length]]);
    expect(JSON.stringify(hits)).not.toContain(secretCore(encoded));
  });
});
