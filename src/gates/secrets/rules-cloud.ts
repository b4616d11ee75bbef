/**
 * Cloud and infrastructure providers: AWS, Google Cloud, Azure and the
 * platforms whose keys reach production as easily.
 */
import { assignedValue, prefixedToken, revokeFix, type SecretRule } from './rule.js';

const hex = (n: string): string => `[a-f0-9]{${n}}`;

export const CLOUD_RULES: readonly SecretRule[] = [
  prefixedToken(
    'aws-access-key-id',
    'AWS access key ID',
    'high',
    ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'],
    '[A-Z2-7]{16,17}',
    revokeFix('IAM console: deactivate and delete the access key; prefer OIDC roles for CI over long-lived keys'),
    // AKIAIOSFODNN7EXAMPLE and its kin are the placeholders of AWS's own documentation, copied into many libraries' tests.
    { minEntropy: 3, gitleaks: 'aws-access-token', accept: (s) => s.length === 20 && !s.endsWith('EXAMPLE') },
  ),
  assignedValue(
    'aws-secret-access-key',
    'AWS secret access key',
    'critical',
    ['aws_secret', 'awssecret', 'secret_access_key', 'secretaccesskey', 'aws-secret'],
    '[A-Za-z0-9/+]{40}',
    revokeFix('IAM console: deactivate and delete the access key pair'),
    { minEntropy: 4, gitleaks: 'aws-secret-access-key' },
  ),
  prefixedToken('aws-bedrock-api-key', 'Amazon Bedrock API key', 'high', ['ABSK'], '[A-Za-z0-9+/]{109,269}={0,2}', revokeFix('AWS console, Bedrock API keys'), {
    tail: '(?![A-Za-z0-9+/=])',
    minEntropy: 4,
    gitleaks: 'aws-amazon-bedrock-api-key-long-lived',
  }),
  prefixedToken('gcp-api-key', 'Google Cloud API key', 'high', ['AIza'], '[A-Za-z0-9_-]{35}', revokeFix('Google Cloud console, APIs & Services, Credentials; restrict keys by API and referrer'), {
    tail: '(?![A-Za-z0-9_-])',
    minEntropy: 3,
    gitleaks: 'gcp-api-key',
  }),
  prefixedToken('gcp-oauth-client-secret', 'Google OAuth client secret', 'high', ['GOCSPX-'], '[A-Za-z0-9_-]{28}', revokeFix('Google Cloud console: reset the OAuth client secret'), {
    tail: '(?![A-Za-z0-9_-])',
    minEntropy: 3,
  }),
  assignedValue('gcp-service-account-key-id', 'Google service account key', 'critical', ['private_key_id'], hex('40'), revokeFix('Google Cloud console, IAM, Service accounts: delete the key; use Workload Identity Federation in CI'), {
    minEntropy: 3,
    gitleaks: 'gcp-service-account',
  }),
  {
    // The line every service account key file holds, whichever of its lines a change shows.
    id: 'gcp-service-account-file',
    title: 'Google service account key file',
    severity: 'high',
    confidence: 'medium',
    keywords: ['"service_account"'],
    anchor: 'start',
    pattern: /(?<="type"[ \t]{0,3}:[ \t]{0,3})"service_account"/y,
    fixedPrefix: 0,
    fix: revokeFix('Google Cloud console, IAM, Service accounts: delete the key; use Workload Identity Federation in CI'),
  },
  {
    id: 'azure-ad-client-secret',
    title: 'Microsoft Entra ID (Azure AD) client secret',
    severity: 'critical',
    confidence: 'high',
    keywords: ['q~'],
    // The `Q~` sits after three characters and a digit; start there so that the pattern is anchored.
    anchor: -4,
    pattern: /[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/y,
    caseSensitiveKeywords: ['Q~'],
    notAfter: /[A-Za-z0-9_~.-]/,
    minEntropy: 3,
    fixedPrefix: 0,
    fix: revokeFix('Entra admin center, App registrations, Certificates & secrets: delete the secret'),
    gitleaks: 'azure-ad-client-secret',
  },
  {
    id: 'azure-storage-account-key',
    title: 'Azure storage account key',
    severity: 'critical',
    confidence: 'high',
    keywords: ['accountkey='],
    anchor: 'start',
    pattern: /AccountKey=(?<secret>[A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])/iy,
    minEntropy: 4,
    fix: revokeFix('Azure portal, storage account, Access keys: rotate the key; prefer managed identities or SAS with expiry'),
  },
  {
    id: 'azure-shared-access-key',
    title: 'Azure Service Bus / Event Hubs shared access key',
    severity: 'high',
    confidence: 'high',
    keywords: ['sharedaccesskey='],
    anchor: 'start',
    pattern: /SharedAccessKey=(?<secret>[A-Za-z0-9+/]{43}=)(?![A-Za-z0-9+/=])/iy,
    minEntropy: 4,
    fix: revokeFix('Azure portal, Shared access policies: regenerate the key'),
  },
  prefixedToken('digitalocean-token', 'DigitalOcean token', 'high', ['dop_v1_', 'doo_v1_', 'dor_v1_'], hex('64'), revokeFix('DigitalOcean control panel, API, Tokens'), {
    minEntropy: 3,
    gitleaks: 'digitalocean-pat',
  }),
  prefixedToken('alibaba-access-key-id', 'Alibaba Cloud AccessKey ID', 'high', ['LTAI'], '[A-Za-z0-9]{20}', revokeFix('Alibaba Cloud RAM console'), { minEntropy: 3, gitleaks: 'alibaba-access-key-id' }),
  prefixedToken('hashicorp-vault-token', 'HashiCorp Vault token', 'high', ['hvs.', 'hvb.'], '[A-Za-z0-9_-]{90,300}', revokeFix('vault token revoke'), {
    tail: '(?![A-Za-z0-9_-])',
    minEntropy: 3.5,
    gitleaks: 'vault-service-token',
  }),
  {
    id: 'terraform-cloud-token',
    title: 'HCP Terraform (Terraform Cloud) API token',
    severity: 'high',
    confidence: 'high',
    keywords: ['.atlasv1.'],
    anchor: -14,
    pattern: /[a-z0-9]{14}\.atlasv1\.[a-z0-9_=-]{60,70}(?![a-z0-9_=-])/iy,
    notAfter: /[A-Za-z0-9]/,
    minEntropy: 3.5,
    fix: revokeFix('HCP Terraform, User or Team settings, Tokens'),
    gitleaks: 'hashicorp-tf-api-token',
  },
  prefixedToken('doppler-token', 'Doppler token', 'high', ['dp.pt.', 'dp.st.', 'dp.sa.', 'dp.ct.'], '[A-Za-z0-9]{40,44}', revokeFix('Doppler dashboard, Access'), { minEntropy: 3.5, gitleaks: 'doppler-api-token' }),
  prefixedToken('pulumi-token', 'Pulumi access token', 'high', ['pul-'], hex('40'), revokeFix('Pulumi Cloud, Access tokens'), { minEntropy: 3, gitleaks: 'pulumi-api-token' }),
  prefixedToken('databricks-token', 'Databricks personal access token', 'high', ['dapi'], `${hex('32')}(?:-\\d)?`, revokeFix('Databricks workspace, User settings, Access tokens'), {
    minEntropy: 3,
    gitleaks: 'databricks-api-token',
  }),
  prefixedToken('heroku-api-key', 'Heroku API key', 'high', ['HRKU-AA'], '[A-Za-z0-9_-]{58}', revokeFix('heroku authorizations:revoke'), { tail: '(?![A-Za-z0-9_-])', minEntropy: 3.5, gitleaks: 'heroku-api-key-v2' }),
  // Apps and pipelines have UUIDs too: only identifiers that name a key or token count.
  assignedValue('heroku-api-key-legacy', 'Heroku API key', 'high', ['heroku_api', 'herokuapi', 'heroku-api', 'heroku_key', 'heroku_token', 'herokutoken', 'heroku_auth', 'herokuauth', 'heroku_oauth'], '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}', revokeFix('heroku authorizations:revoke'), {
    gitleaks: 'heroku-api-key',
  }),
  prefixedToken('cloudflare-origin-ca-key', 'Cloudflare Origin CA key', 'high', ['v1.0-'], `${hex('24')}-${hex('146')}`, revokeFix('Cloudflare dashboard, My Profile, API Tokens'), {
    gitleaks: 'cloudflare-origin-ca-key',
  }),
  assignedValue('cloudflare-api-token', 'Cloudflare API token', 'high', ['cloudflare', 'cf_api'], '[A-Za-z0-9_-]{40}|[a-f0-9]{37}', revokeFix('Cloudflare dashboard, My Profile, API Tokens'), {
    minEntropy: 3.5,
    gitleaks: 'cloudflare-api-key',
  }),
  prefixedToken('flyio-token', 'Fly.io access token', 'high', ['fo1_', 'fm1r_', 'fm1a_', 'fm2_'], '[A-Za-z0-9+/_=-]{43,600}', revokeFix('fly tokens revoke'), {
    tail: '(?![A-Za-z0-9+/_=-])',
    minEntropy: 3.5,
    gitleaks: 'flyio-access-token',
  }),
  prefixedToken('age-secret-key', 'age secret key', 'critical', ['AGE-SECRET-KEY-1'], '[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}', 'Generate a new age identity, re-encrypt what the old one protected, and keep the identity file out of git.', {
    gitleaks: 'age-secret-key',
  }),
];
