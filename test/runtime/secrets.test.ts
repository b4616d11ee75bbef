import { describe, expect, it } from 'vitest';
import { registerEnvironmentSecrets, SecretRegistry } from '../../src/runtime/secrets.js';

describe('registerEnvironmentSecrets', () => {
  it.each([
    ['GITHUB_TOKEN', true],
    ['GH_TOKEN', true],
    ['BELLWETHER_TOKEN', true],
    ['DD_API_KEY', true],
    ['DD_APP_KEY', true],
    ['DD_CLIENT_TOKEN', true],
    ['PROMETHEUS_TOKEN', true],
    ['GRAFANA_PASSWORD', true],
    ['WEBHOOK_SECRET', true],
    ['MY_API_KEY', true],
    ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', true],
    ['DD_SITE', false],
    ['GITHUB_REPOSITORY', false],
    ['HOME', false],
    ['TOKEN_FILE', false],
  ])('%s is taken for a credential: %s', (name, secret) => {
    const registry = new SecretRegistry();
    registerEnvironmentSecrets({ [name]: 'value-0123456789' }, registry);
    expect(registry.redact('x value-0123456789 y')).toBe(secret ? 'x *** y' : 'x value-0123456789 y');
  });

  it('leaves a short value alone: a variable named like a credential may hold a setting', () => {
    const registry = new SecretRegistry();
    registerEnvironmentSecrets({ DISABLE_TOKEN: 'true', GITHUB_TOKEN: 'ghs_0123456789' }, registry);
    expect(registry.redact('true ghs_0123456789')).toBe('true ***');
  });
});

describe('SecretRegistry', () => {
  it('hides a secret as written, JSON-escaped, URL-encoded and base64, longest first', () => {
    const r = new SecretRegistry();
    r.add('p@ss"word/1');
    r.add('p@ss');
    const text = `raw p@ss"word/1 json ${JSON.stringify('p@ss"word/1')} url ${encodeURIComponent('p@ss"word/1')} b64 ${Buffer.from('p@ss"word/1').toString('base64')}`;
    expect(r.redact(text)).toBe('raw *** json "***" url *** b64 ***');
  });

  it('ignores blank and very short values, which would garble every text', () => {
    const r = new SecretRegistry();
    r.add('');
    r.add('  ');
    r.add('ab');
    expect(r.empty).toBe(true);
    expect(r.redact('a b ab')).toBe('a b ab');
  });

  it('redacts every string of a JSON value, keys included, and leaves other values alone', () => {
    const r = new SecretRegistry();
    r.add('tok-123456');
    expect(r.redactDeep({ body: 'a tok-123456 b', n: 3, list: ['tok-123456'], ['tok-123456']: true })).toEqual({
      body: 'a *** b',
      n: 3,
      list: ['***'],
      '***': true,
    });
  });
});
