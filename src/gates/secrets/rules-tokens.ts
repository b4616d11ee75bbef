/**
 * More tokens with a vendor's fixed prefix or a fixed marker inside them:
 * password managers, identity, analytics, chat and encoded tokens.
 */
import { prefixedToken, revokeFix, type SecretRule } from './rule.js';

const URLSAFE_TAIL = '(?![A-Za-z0-9_-])';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Tokens recognised by a prefix or marker of their own, wherever they stand. */
/**
 * Whether base64 text (standard or URL alphabet, padded or not) decodes to a
 * JSON Web Token: a header and a payload that are base64url of JSON objects,
 * and a signature part.
 */
export function decodesToJwt(encoded: string): boolean {
  const decoded = Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
  const m = /^(eyJ[A-Za-z0-9_-]{4,})={0,2}\.([A-Za-z0-9_-]{4,})={0,2}\.[A-Za-z0-9_-]*/.exec(decoded);
  if (!m) return false;
  return Buffer.from(m[1] as string, 'base64url')
    .toString('latin1')
    .startsWith('{"');
}

export const MORE_PREFIXED_RULES: readonly SecretRule[] = [
  prefixedToken(
    'onepassword-secret-key',
    '1Password account secret key',
    'critical',
    ['A3-'],
    '[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}',
    'Change the 1Password account password and regenerate the Secret Key (account settings, Secret Key); sign out every device that used the old one.',
    { minEntropy: 3.5, gitleaks: '1password-secret-key' },
  ),
  prefixedToken(
    'adobe-client-secret',
    'Adobe OAuth client secret',
    'high',
    ['p8e-'],
    '[A-Za-z0-9]{32}',
    revokeFix('Adobe Developer Console, the project credential: rotate the client secret'),
    {
      minEntropy: 3,
      gitleaks: 'adobe-client-secret',
    },
  ),
  prefixedToken(
    'adafruit-io-key-prefixed',
    'Adafruit IO key',
    'high',
    ['aio_'],
    '[A-Za-z0-9]{28}',
    revokeFix('Adafruit IO, My Key: regenerate the key'),
    { minEntropy: 3.5 },
  ),
  prefixedToken(
    'clickhouse-cloud-secret',
    'ClickHouse Cloud API key secret',
    'high',
    ['4b1d'],
    '[A-Za-z0-9]{38}',
    revokeFix('ClickHouse Cloud console, Organization, API keys'),
    {
      minEntropy: 3.5,
      // Hex digests hold `4b1d` too; a key secret mixes both cases.
      accept: (s) => /[A-Z]/.test(s) && /[a-z]/.test(s),
      gitleaks: 'clickhouse-cloud-api-secret-key',
    },
  ),
  prefixedToken(
    'contentful-management-token',
    'Contentful personal access token',
    'high',
    ['CFPAT-'],
    '[A-Za-z0-9_-]{43}',
    revokeFix('Contentful, Account settings, CMA tokens'),
    {
      tail: URLSAFE_TAIL,
      minEntropy: 3.5,
    },
  ),
  prefixedToken(
    'gitlab-session-cookie',
    'GitLab session cookie',
    'high',
    ['_gitlab_session='],
    '[0-9a-z]{32}',
    'Sign the session out (GitLab, Preferences, Active sessions: revoke) and remove the cookie from the change; a session cookie acts as the signed-in user.',
    {
      minEntropy: 3,
      notAfter: /[A-Za-z0-9_]/,
      gitleaks: 'gitlab-session-cookie',
    },
  ),
  prefixedToken(
    'grafana-api-key',
    'Grafana API key',
    'high',
    ['eyJrIjoi'],
    '[A-Za-z0-9]{70,400}={0,3}',
    revokeFix('Grafana, Administration, API keys; move to service account tokens'),
    {
      tail: '(?![A-Za-z0-9=])',
      minEntropy: 3.5,
      gitleaks: 'grafana-api-key',
    },
  ),
  prefixedToken(
    'hubspot-private-app-token',
    'HubSpot private app access token',
    'high',
    ['pat-na1-', 'pat-eu1-'],
    UUID,
    revokeFix('HubSpot, Settings, Integrations, Private apps: rotate the token'),
    {
      notAfter: /[A-Za-z0-9_-]/,
      gitleaks: 'hubspot-api-key',
    },
  ),
  prefixedToken(
    'intra42-client-secret',
    '42 Intra API client secret',
    'high',
    ['s-s4t2ud-', 's-s4t2af-'],
    '[a-f0-9]{64}',
    revokeFix('42 Intra, API, your application: generate a new secret'),
    {
      notAfter: /[A-Za-z0-9_-]/,
      gitleaks: 'intra42-client-secret',
    },
  ),
  prefixedToken(
    'settlemint-token',
    'SettleMint access token',
    'high',
    ['sm_aat_', 'sm_pat_', 'sm_sat_'],
    '[A-Za-z0-9]{16}',
    revokeFix('SettleMint console, Access tokens'),
    {
      minEntropy: 3,
      notAfter: /[A-Za-z0-9_]/,
      gitleaks: 'settlemint-personal-access-token',
    },
  ),
  prefixedToken(
    'slack-legacy-bot-token',
    'Slack legacy bot token',
    'high',
    ['xoxb-'],
    '[0-9]{8,14}-[A-Za-z0-9]{18,26}',
    revokeFix('Slack, the legacy bot integration: remove it'),
    {
      gitleaks: 'slack-legacy-bot-token',
    },
  ),
  prefixedToken(
    'slack-workspace-token',
    'Slack workspace app token',
    'high',
    ['xoxa-', 'xoxr-'],
    '(?:[0-9]-)?[A-Za-z0-9]{8,48}(?:-[A-Za-z0-9]{8,48}){0,4}',
    revokeFix('Slack app settings: revoke the token'),
    {
      digitRuns: true,
      tail: '(?![A-Za-z0-9-])',
      // Long runs of digits (team and user ids) lower the entropy of a real token.
      minEntropy: 2.5,
      gitleaks: 'slack-legacy-workspace-token',
    },
  ),
  prefixedToken(
    'sonarqube-token',
    'SonarQube token',
    'high',
    ['squ_', 'sqp_', 'sqa_'],
    '[A-Za-z0-9]{40}',
    revokeFix('SonarQube, My Account, Security: revoke the token'),
    { minEntropy: 3, gitleaks: 'sonar-api-token' },
  ),
  prefixedToken(
    'authress-access-key',
    'Authress service client access key',
    'high',
    // `sc_` and `ext_` start the same keys but are far too common to look for.
    ['authress_', 'scauth_'],
    '[A-Za-z0-9]{5,30}\\.[A-Za-z0-9]{4,6}\\.acc[_-][A-Za-z0-9-]{10,32}\\.[A-Za-z0-9+/_=-]{30,120}',
    revokeFix('Authress management portal, Service clients: delete the access key'),
    { tail: '(?![A-Za-z0-9+/_=-])', gitleaks: 'authress-service-client-access-key' },
  ),
  prefixedToken(
    'yandex-cloud-api-key',
    'Yandex Cloud API key',
    'high',
    ['AQVN'],
    '[A-Za-z0-9_-]{35,38}',
    revokeFix('Yandex Cloud console, service account, API keys'),
    {
      tail: URLSAFE_TAIL,
      minEntropy: 3.5,
      gitleaks: 'yandex-api-key',
    },
  ),
  prefixedToken(
    'jwt-base64',
    'JSON Web Token encoded in base64',
    'medium',
    // `ZXlK` is the base64 of `eyJ`, which starts every token; what it decodes to says whether it is one.
    ['ZXlK'],
    '[A-Za-z0-9+/_-]{40,4000}={0,2}',
    'A signed token grants access until it expires: revoke the session or rotate the signing key, and keep encoded tokens out of source and fixtures.',
    { tail: '(?![A-Za-z0-9+/=_-])', minEntropy: 3.5, accept: decodesToJwt, gitleaks: 'jwt-base64' },
  ),
  prefixedToken(
    'castai-api-key',
    'CAST AI API key',
    'high',
    ['castai_v1_'],
    '[A-Za-z0-9]{64}_[A-Za-z0-9]{8}',
    revokeFix('CAST AI console, User, API access keys'),
    {
      notAfter: /[A-Za-z0-9_]/,
      gitleaks: 'castai-api-key',
    },
  ),
  prefixedToken(
    'django-insecure-secret-key',
    'Django secret key',
    'medium',
    ['django-insecure-'],
    // The alphabet Django draws new keys from; braces and capitals are code (`f"django-insecure-{token}"`).
    '[a-z0-9!@#$%^&*(=+)_-]{20,250}',
    'Generate a new SECRET_KEY (it signs sessions and password reset links), load it from the environment, and never use the development key in a deployment.',
    // The key of a new project stands quoted in settings.py, or after `=` in an env file.
    { tail: '(?=["\'\\s]|$)', notAfter: /[^"'=\s]/, minEntropy: 3, gitleaks: 'django-insecure-secret-key' },
  ),
  prefixedToken(
    'azure-data-factory-runtime-key',
    'Azure Data Factory self-hosted integration runtime key',
    'high',
    ['IR@'],
    '[0-9a-zA-Z-]{36}@[A-Za-z0-9_.-]{1,100}@[A-Za-z0-9=-]{0,50}@[A-Za-z0-9+/=]{44}',
    revokeFix('Azure Data Factory, Integration runtimes: regenerate the authentication key'),
    { tail: '(?![A-Za-z0-9+/=])', minEntropy: 3.5, gitleaks: 'datafactory-shir-token' },
  ),
  {
    id: 'maxmind-license-key',
    title: 'MaxMind license key',
    severity: 'high',
    confidence: 'high',
    // The key ends in `_mmk` after 36 characters; anchor there.
    keywords: ['_mmk'],
    anchor: -36,
    pattern: /[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk(?![A-Za-z0-9_])/y,
    caseSensitiveKeywords: ['_mmk'],
    notAfter: /[A-Za-z0-9_]/,
    minEntropy: 3.5,
    fixedPrefix: 0,
    fix: revokeFix('MaxMind account, Manage license keys'),
    gitleaks: 'maxmind-license-key',
  },
];
