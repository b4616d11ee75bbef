/**
 * More platforms with recognisable tokens: developer tools, productivity
 * suites, payments, hosting and social networks.
 */
import { assignedValue, prefixedToken, revokeFix, type SecretRule } from './rule.js';
import { vendorValue } from './rules-services.js';

const URLSAFE_TAIL = '(?![A-Za-z0-9_-])';
const UUID_ANY_CASE = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

export const PLATFORM_RULES: readonly SecretRule[] = [
  {
    id: 'azure-devops-pat',
    title: 'Azure DevOps personal access token',
    severity: 'critical',
    confidence: 'high',
    // The 84-character form carries `AZDO` at a fixed place: anchor there rather than on nothing.
    keywords: ['azdo'],
    anchor: -76,
    pattern: /[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4}(?![A-Za-z0-9])/y,
    caseSensitiveKeywords: ['AZDO'],
    notAfter: /[A-Za-z0-9]/,
    minEntropy: 4,
    fixedPrefix: 0,
    fix: revokeFix('Azure DevOps, User settings, Personal access tokens'),
  },
  prefixedToken('artifactory-api-key', 'JFrog Artifactory API key', 'high', ['AKCp'], '[A-Za-z0-9]{69}', revokeFix('JFrog Platform, Edit Profile, API key'), { minEntropy: 3.5, gitleaks: 'artifactory-api-key' }),
  prefixedToken('sourcegraph-token', 'Sourcegraph access token', 'high', ['sgp_'], '(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}', revokeFix('Sourcegraph, Settings, Access tokens'), { gitleaks: 'sourcegraph-access-token' }),
  prefixedToken('openshift-token', 'OpenShift user token', 'high', ['sha256~'], '[A-Za-z0-9_-]{43}', revokeFix('oc delete oauthaccesstoken'), { tail: URLSAFE_TAIL, minEntropy: 3.5, gitleaks: 'openshift-user-token' }),
  prefixedToken('harness-token', 'Harness access token', 'high', ['pat.', 'sat.'], '[A-Za-z0-9_-]{22}\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{20}', revokeFix('Harness, My profile, API keys'), { gitleaks: 'harness-api-key' }),
  prefixedToken('octopus-deploy-api-key', 'Octopus Deploy API key', 'high', ['API-'], '[A-Z0-9]{26}', revokeFix('Octopus Deploy, My profile, API keys'), { minEntropy: 3, gitleaks: 'octopus-deploy-api-key' }),
  prefixedToken('prefect-api-key', 'Prefect API key', 'high', ['pnu_'], '[A-Za-z0-9]{36}', revokeFix('Prefect Cloud, API keys'), { gitleaks: 'prefect-api-token' }),
  prefixedToken('planetscale-token', 'PlanetScale token or password', 'high', ['pscale_tkn_', 'pscale_pw_', 'pscale_oauth_'], '[A-Za-z0-9_=.-]{32,64}', revokeFix('PlanetScale, Settings, Service tokens or Passwords'), {
    tail: '(?![A-Za-z0-9_=.-])',
    minEntropy: 3.5,
    gitleaks: 'planetscale-api-token',
  }),
  prefixedToken('supabase-token', 'Supabase access token', 'high', ['sbp_'], '[a-f0-9]{40}', revokeFix('Supabase, Account, Access tokens')),
  prefixedToken('render-api-key', 'Render API key', 'high', ['rnd_'], '[A-Za-z0-9]{32}', revokeFix('Render, Account settings, API keys'), { minEntropy: 3.5 }),
  prefixedToken('netlify-token', 'Netlify personal access token', 'high', ['nfp_'], '[A-Za-z0-9]{36}', revokeFix('Netlify, User settings, Applications'), { confidence: 'medium', minEntropy: 3.5 }),
  prefixedToken('scalingo-token', 'Scalingo API token', 'high', ['tk-us-'], '[A-Za-z0-9_-]{48}', revokeFix('Scalingo dashboard, API tokens'), { tail: URLSAFE_TAIL, minEntropy: 3.5, gitleaks: 'scalingo-api-token' }),
  prefixedToken('tailscale-key', 'Tailscale key', 'critical', ['tskey-'], '(?:auth|api|client|scim|webhook)-[A-Za-z0-9]{10,20}-[A-Za-z0-9]{20,40}', revokeFix('Tailscale admin console, Settings, Keys')),
  prefixedToken('defined-networking-key', 'Defined Networking API key', 'high', ['dnkey-'], '[a-z0-9=_-]{26}-[a-z0-9=_-]{52}', revokeFix('Defined Networking admin, API keys'), { tail: '(?![a-z0-9=_-])', gitleaks: 'defined-networking-api-token' }),
  prefixedToken('packagist-token', 'Private Packagist token', 'high', ['packagist_ort_', 'packagist_out_', 'packagist_uut_', 'packagist_urt_'], '[a-f0-9]{68}', revokeFix('Private Packagist, Settings, Tokens'), { gitleaks: 'private-packagist-token' }),
  prefixedToken('readme-api-key', 'ReadMe API key', 'high', ['rdme_'], '[a-z0-9]{70}', revokeFix('ReadMe, API keys'), { gitleaks: 'readme-api-token' }),
  prefixedToken('typeform-token', 'Typeform personal access token', 'high', ['tfp_'], '[A-Za-z0-9_.=-]{59}', revokeFix('Typeform, Account, Personal tokens'), { tail: '(?![A-Za-z0-9_.=-])', minEntropy: 3.5, gitleaks: 'typeform-api-token' }),
  prefixedToken('figma-token', 'Figma personal access token', 'high', ['figd_'], '[A-Za-z0-9_-]{40}', revokeFix('Figma, Settings, Personal access tokens'), { tail: URLSAFE_TAIL, minEntropy: 3.5 }),
  prefixedToken('notion-token', 'Notion integration token', 'high', ['ntn_', 'secret_'], '[A-Za-z0-9]{43,46}', revokeFix('Notion, Settings, Connections: refresh the secret'), { minEntropy: 4, gitleaks: 'notion-api-token' }),
  prefixedToken('clickup-token', 'ClickUp personal token', 'high', ['pk_'], '\\d{6,10}_[A-Z0-9]{32}', revokeFix('ClickUp, Settings, Apps'), { minEntropy: 3.5 }),
  prefixedToken('frameio-token', 'Frame.io API token', 'high', ['fio-u-'], '[A-Za-z0-9_=-]{64}', revokeFix('Frame.io developer site, Tokens'), { tail: '(?![A-Za-z0-9_=-])', minEntropy: 3.5, gitleaks: 'frameio-api-token' }),
  // `.ico-<hash>.png` is a fingerprinted icon, not a key.
  prefixedToken('infracost-api-key', 'Infracost API key', 'high', ['ico-'], '[A-Za-z0-9]{32}', revokeFix('Infracost Cloud, Org settings'), { minEntropy: 3.5, notAfter: /[A-Za-z0-9._/-]/, tail: '(?![A-Za-z0-9.])', gitleaks: 'infracost-api-token' }),
  prefixedToken('pinecone-api-key', 'Pinecone API key', 'high', ['pcsk_'], '[A-Za-z0-9]{5,7}_[A-Za-z0-9]{60,70}', revokeFix('Pinecone console, API keys')),
  prefixedToken('brevo-api-key', 'Brevo (Sendinblue) API key', 'high', ['xkeysib-'], '[a-f0-9]{64}-[A-Za-z0-9]{16}', revokeFix('Brevo, SMTP & API, API keys'), { gitleaks: 'sendinblue-api-token' }),
  prefixedToken('easypost-api-key', 'EasyPost API key', 'high', ['EZAK', 'EZTK'], '[A-Za-z0-9]{54}', revokeFix('EasyPost, Account settings, API keys'), { minEntropy: 3.5, gitleaks: 'easypost-api-token' }),
  prefixedToken('duffel-token', 'Duffel API token', 'high', ['duffel_test_', 'duffel_live_'], '[A-Za-z0-9_=-]{43}', revokeFix('Duffel dashboard, Access tokens'), { tail: '(?![A-Za-z0-9_=-])', gitleaks: 'duffel-api-token' }),
  prefixedToken('flutterwave-key', 'Flutterwave secret key', 'high', ['FLWSECK_TEST-', 'FLWSECK-', 'FLWPUBK_TEST-'], '[a-h0-9]{32}-X', revokeFix('Flutterwave dashboard, Settings, API'), { gitleaks: 'flutterwave-secret-key' }),
  prefixedToken('razorpay-key', 'Razorpay key id', 'medium', ['rzp_live_', 'rzp_test_'], '[A-Za-z0-9]{14}', revokeFix('Razorpay dashboard, API keys: regenerate the pair'), { minEntropy: 3 }),
  prefixedToken('plaid-access-token', 'Plaid access token', 'high', ['access-production-', 'access-development-', 'access-sandbox-'], UUID, revokeFix('Plaid: /item/remove or rotate the access token'), { gitleaks: 'plaid-api-token' }),
  // Public tokens (`pk.`) are meant for browsers, but a token in code is seldom restricted to a site: reported at medium.
  vendorValue('mapbox-public-token', 'Mapbox public access token', 'medium', ['mapbox'], 'pk\\.[A-Za-z0-9_-]{40,1000}\\.[A-Za-z0-9_-]{20,30}', 'Mapbox account, Tokens: restrict the token to your URLs or rotate it', {
    gitleaks: 'mapbox-api-token',
  }),
  prefixedToken('mapbox-secret-token', 'Mapbox secret token', 'high', ['sk.eyJ'], '[A-Za-z0-9_-]{50,1000}\\.[A-Za-z0-9_-]{20,30}', revokeFix('Mapbox account, Tokens'), { tail: URLSAFE_TAIL, gitleaks: 'mapbox-api-token' }),
  prefixedToken('dropbox-token', 'Dropbox short-lived access token', 'high', ['sl.'], '[A-Za-z0-9_-]{130,152}', revokeFix('Dropbox App Console'), { tail: URLSAFE_TAIL, minEntropy: 4, gitleaks: 'dropbox-short-lived-api-token' }),
  prefixedToken('facebook-access-token', 'Facebook (Meta) access token', 'high', ['EAAM', 'EAAC'], '[A-Za-z0-9]{100,400}', revokeFix('Meta for Developers, App settings'), { minEntropy: 4, gitleaks: 'facebook-page-access-token' }),
  prefixedToken('twitter-bearer-token', 'X (Twitter) bearer token', 'high', ['AAAAAAAAAAAAAAAAAAAAA'], '[A-Za-z0-9%]{30,110}', revokeFix('X developer portal, Keys and tokens'), { minEntropy: 3.5, gitleaks: 'twitter-bearer-token' }),
  prefixedToken('scaleway-access-key', 'Scaleway access key', 'medium', ['SCW'], '[A-Z0-9]{17}', revokeFix('Scaleway console, IAM, API keys'), { confidence: 'medium', minEntropy: 3.5 }),
  assignedValue('okta-api-token', 'Okta API token', 'high', ['okta'], '00[A-Za-z0-9_=-]{40}', revokeFix('Okta admin console, Security, API, Tokens'), { minEntropy: 4, gitleaks: 'okta-access-token' }),
  // Organizations and projects have UUIDs too: only identifiers that name a token or key count.
  assignedValue('snyk-api-token', 'Snyk API token', 'high', ['snyk_token', 'snyktoken', 'snyk-token', 'snyk.token', 'snyk_api', 'snykapi', 'snyk_key', 'snyk_auth', 'snyk_oauth'], UUID_ANY_CASE, revokeFix('Snyk, Account settings: revoke and regenerate'), { gitleaks: 'snyk-api-token' }),
  assignedValue('alibaba-secret-key', 'Alibaba Cloud AccessKey secret', 'critical', ['alibaba', 'aliyun'], '[A-Za-z0-9]{30}', revokeFix('Alibaba Cloud RAM console'), { minEntropy: 3.5, gitleaks: 'alibaba-secret-key' }),
];
