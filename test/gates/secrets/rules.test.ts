/**
 * One table per rule: lines that must be found and near misses that must
 * not. Every token is generated here, at test time.
 */
import { describe, expect, it } from 'vitest';
import { scanText } from '../../../src/gates/secrets/engine.js';
import { SECRET_RULE_IDS } from '../../../src/gates/secrets/policy.js';
import { defaultRules, SECRET_RULES } from '../../../src/gates/secrets/rules.js';
import { GITLEAKS_NOT_COVERED, gitleaksCoverage } from '../../../src/gates/secrets/rules-gitleaks.js';
import { ALNUM, BASE64, DIGITS, Fake, LOWER, UPPER, URLSAFE } from './fake-secrets.js';
import { GITLEAKS_DEFAULT_RULE_IDS } from './rule-cases-gitleaks.js';
import { SERVICE_CASES, type RuleCase } from './rule-cases-services.js';

const f = new Fake(20261122);
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const LOWER_ALNUM = LOWER + DIGITS;
const UPPER_ALNUM = UPPER + DIGITS;
const uuid = (): string => `${f.hex(8)}-${f.hex(4)}-${f.hex(4)}-${f.hex(4)}-${f.hex(12)}`;
const pw = f.password(18);

type Case = RuleCase;

/**
 * Values that look like secrets to a generic rule but are not. Written in
 * pieces so that the source of this file does not trip other scanners.
 */
const t = (...parts: string[]): string => parts.join('');
const GENERIC_NEAR_MISSES: readonly string[] = [
  t('api_key = "your_api_', 'key_here_123"'),
  'password = "${DB_PASSWORD}"',
  'const keys = Object.keys(options2);',
  t('token = process.env.', 'API_TOKEN_V2'),
  `secret = "${'ab'.repeat(10)}"`,
  'client_id = "aaaaaaaaaaaa1"',
  t('access = "request.', 'headers.', 'authorization2"'),
  `"sessionToken": "${f.hex(12)}"`,
  t("export const FINGERPRINT_KEY = 'bellwether", "FindingHash/v1';"),
  t('auth_service = "userAccount', 'Service_2"'),
  t('const apiToken = "abc123', 'xyz456";'),
  t('const key = "base64-', 'encoded-', 'public-key";'),
  t('parseErrorAtCurrentToken(Diagnostics.', '_0_expected, tokenToString(kind));'),
  `setToken(${f.password(20)});`,
  t('var propertyAccessCode = Diagnostics.', 'Property_0_', 'does_not_', 'exist_on_', 'type_1.code;'),
  t("onError(keyNode.range, 'KEY_OVER_", "1024_CHARS', 'text');"),
  t('createTokenAuth("', 'ghu_', 'InstallationUserToServer', '000000000000");'),
  t("key: 'rollback/", 'checkout/', 'production/', "1.42.0',"),
  // Keys that hold a keyword but name something else: ids, names, versions, hashes, database and keyboard keys, page tokens.
  `credentialsId: '${uuid()}'`,
  `"kms_key_id": "${uuid()}",`,
  `  "key_vault_name": "${f.password(16)}",`,
  `API_VERSION=rc${f.password(12)}`,
  `issuerKeyHash=${f.password(24)}`,
  `primaryKey=${f.password(30)}`,
  `key_down_event=${f.password(30)}`,
  `csrf-token=${f.chars(BASE64, 64)}==`,
  `"accessor":"${f.password(16)}",`,
  // Values that are settings, versions or elided rather than secrets.
  t('monkeys-audio:', `mx${f.password(10)}-uwp=fail`),
  `notes = "io.jsonwebtoken:jjwt-jackson-${f.password(8)}-0.11.2"`,
  `export SERVICE_ACCOUNT_TOKEN=ops_${f.password(30)}...`,
  t('|| pIdx', 'Key->default_rc==0'),
];

const gh = (p: string): string => p + f.alnum(36);
const cases: Case[] = [
  // Cloud
  {
    rule: 'aws-access-key-id',
    yes: [`aws_access_key_id = AKIA${f.chars(B32, 16)}`, `"ASIA${f.chars(B32, 16)}"`],
    no: [
      `AKIA${f.chars(B32, 15)}`,
      `XAKIA${f.chars(B32, 16)}`,
      `AKIA${'A'.repeat(16)}`,
      `AKIA${f.chars(B32, 17)}`,
      t('AKIAIOSFODNN7', 'EXAMPLE'),
      `ASIA${f.chars(B32, 9)}EXAMPLE`,
    ],
  },
  {
    rule: 'aws-secret-access-key',
    yes: [
      `aws_secret_access_key = ${f.chars(ALNUM + '+/', 40)}`,
      `AWS_SECRET_ACCESS_KEY: "${f.chars(ALNUM + '/', 40)}"`,
    ],
    no: [`aws_secret_access_key = ${f.chars(ALNUM, 39)}`, 'aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}'],
  },
  { rule: 'aws-bedrock-api-key', yes: [`key = ABSK${f.chars(BASE64, 120)}`], no: [`ABSK${f.chars(BASE64, 50)}`] },
  {
    rule: 'gcp-api-key',
    yes: [`const key = "AIza${f.chars(URLSAFE, 35)}";`],
    no: [
      `AIza${f.chars(URLSAFE, 34)}"`,
      `AIza${f.chars(URLSAFE, 36)}`,
      `AIzaSy${f.chars(URLSAFE, 10)}abcdefghij${f.chars(URLSAFE, 13)}`,
    ],
  },
  {
    rule: 'gcp-service-account-file',
    yes: ['  "type": "service_account",'],
    no: ['  "type": "authorized_user",', 'account_type = "service_account"'],
  },
  { rule: 'gcp-oauth-client-secret', yes: [`GOCSPX-${f.chars(URLSAFE, 28)}`], no: [`GOCSPX-${f.chars(URLSAFE, 27)}`] },
  {
    rule: 'gcp-service-account-key-id',
    yes: [`  "private_key_id": "${f.hex(40)}",`],
    no: [`  "private_key_id": "${f.hex(39)}",`],
  },
  {
    rule: 'azure-ad-client-secret',
    yes: [`client_secret=${f.alnum(3)}8Q~${f.alnum(34)}`, `"CLIENT_SECRET": "${f.alnum(3)}7Q~${f.alnum(31)}"`],
    no: [`${'~'.repeat(40)}`, `client_secret=${f.alnum(3)}8Q~${f.alnum(20)}`, `x=${f.alnum(3)}8q~${f.alnum(34)}`],
  },
  {
    rule: 'azure-storage-account-key',
    yes: [
      `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${f.chars(BASE64, 86)}==;EndpointSuffix=core.windows.net`,
    ],
    no: [`AccountKey=${f.chars(BASE64, 40)}==;`],
  },
  {
    rule: 'azure-shared-access-key',
    yes: [`Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=${f.chars(BASE64, 43)}=`],
    no: [`SharedAccessKey=${f.chars(BASE64, 20)}=`],
  },
  { rule: 'digitalocean-token', yes: [`dop_v1_${f.hex(64)}`], no: [`dop_v1_${f.hex(63)}`] },
  { rule: 'alibaba-access-key-id', yes: [`LTAI${f.alnum(20)}`], no: [`LTAI${f.alnum(21)}`] },
  {
    rule: 'hashicorp-vault-token',
    yes: [`VAULT_TOKEN=hvs.${f.chars(URLSAFE, 95)}`],
    no: [`hvs.${f.chars(URLSAFE, 40)}`],
  },
  {
    rule: 'terraform-cloud-token',
    yes: [`token = "${f.chars(LOWER_ALNUM, 14)}.atlasv1.${f.chars(LOWER_ALNUM, 67)}"`],
    no: [`${f.chars(LOWER_ALNUM, 10)}.atlasv1.${f.chars(LOWER_ALNUM, 67)}`],
  },
  { rule: 'doppler-token', yes: [`dp.pt.${f.alnum(43)}`], no: [`dp.pt.${f.alnum(20)}`] },
  { rule: 'pulumi-token', yes: [`pul-${f.hex(40)}`], no: [`pul-${f.hex(39)}`] },
  { rule: 'databricks-token', yes: [`dapi${f.hex(32)}`, `dapi${f.hex(32)}-2`], no: [`dapi${f.hex(31)}`] },
  { rule: 'heroku-api-key', yes: [`HRKU-AA${f.chars(URLSAFE, 58)}`], no: [`HRKU-AA${f.chars(URLSAFE, 50)}`] },
  {
    rule: 'heroku-api-key-legacy',
    yes: [`HEROKU_API_KEY=${uuid()}`, `heroku_oauth_token: "${uuid()}"`],
    no: [`HEROKU_APP=${uuid().slice(0, 30)}`, `HEROKU_APP_ID=${uuid()}`],
  },
  {
    rule: 'cloudflare-origin-ca-key',
    yes: [`v1.0-${f.hex(24)}-${f.hex(146)}`],
    no: [`v1.0-${f.hex(24)}-${f.hex(100)}`],
  },
  {
    rule: 'cloudflare-api-token',
    yes: [`CLOUDFLARE_API_TOKEN=${f.chars(URLSAFE, 40)}`],
    no: [`CLOUDFLARE_ZONE=${f.chars(URLSAFE, 20)}`],
  },
  { rule: 'flyio-token', yes: [`FLY_API_TOKEN=fo1_${f.chars(URLSAFE, 43)}`], no: [`fo1_${f.chars(URLSAFE, 20)}`] },
  {
    rule: 'age-secret-key',
    yes: [`AGE-SECRET-KEY-1${f.chars('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58)}`],
    no: [`AGE-SECRET-KEY-1${f.chars('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 50)}`],
  },
  // Code hosts
  {
    rule: 'github-pat',
    yes: [`GITHUB_TOKEN=${gh('ghp_')}`, `"token": "${gh('ghp_')}"`],
    no: [
      `ghp_${'x'.repeat(36)}`,
      `createTokenAuth("${'ghp_'}PersonalAccessToken01245678900000000")`,
      `ghp_${f.alnum(35)}`,
      `xghp_${f.alnum(36)}`,
      `GHP_${f.alnum(36)}`,
    ],
  },
  {
    rule: 'github-fine-grained-pat',
    yes: [`github_pat_${f.chars(ALNUM + '_', 82)}`],
    no: [`github_pat_${f.chars(ALNUM, 60)}`],
  },
  { rule: 'github-oauth-token', yes: [gh('gho_')], no: [`gho_${f.alnum(30)}`] },
  { rule: 'github-app-token', yes: [gh('ghu_'), gh('ghs_')], no: [`ghs_${f.alnum(37)}`] },
  { rule: 'github-refresh-token', yes: [gh('ghr_')], no: [`ghr_${'0'.repeat(36)}`] },
  {
    rule: 'gitlab-pat',
    yes: [`glpat-${f.chars(URLSAFE, 20)}`, `glpat-${f.chars(URLSAFE, 27)}.${f.chars(LOWER_ALNUM, 9)}`],
    no: [`glpat-${'X'.repeat(20)}`, `glpat-${f.chars(URLSAFE, 19)}`],
  },
  {
    rule: 'gitlab-token',
    yes: [`glrt-${f.chars(URLSAFE, 20)}`, `gldt-${f.chars(URLSAFE, 20)}`],
    no: [`glrt-${f.chars(URLSAFE, 12)}`],
  },
  { rule: 'gitlab-pipeline-trigger-token', yes: [`glptt-${f.hex(40)}`], no: [`glptt-${'x'.repeat(40)}`] },
  {
    rule: 'gitlab-runner-registration-token',
    yes: [`GR1348941${f.chars(URLSAFE, 20)}`],
    no: [`GR1348941${'X'.repeat(20)}`],
  },
  { rule: 'gitlab-oauth-app-secret', yes: [`gloas-${f.chars(URLSAFE, 64)}`], no: [`gloas-${f.chars(URLSAFE, 60)}`] },
  { rule: 'gitlab-agent-token', yes: [`glagent-${f.chars(URLSAFE, 50)}`], no: [`glagent-${f.chars(URLSAFE, 49)}`] },
  {
    rule: 'atlassian-api-token',
    yes: [`ATATT3${f.chars(URLSAFE + '=', 186)}`],
    no: [`ATATT3${f.chars(URLSAFE, 100)}`],
  },
  { rule: 'bitbucket-app-password', yes: [`ATBB${f.alnum(32)}`], no: [`ATBB${f.alnum(12)}`] },
  { rule: 'linear-api-key', yes: [`lin_api_${f.alnum(40)}`], no: [`lin_api_${f.alnum(39)}`] },
  { rule: 'postman-api-key', yes: [`PMAK-${f.hex(24)}-${f.hex(34)}`], no: [`PMAK-${f.hex(24)}`] },
  // Chat
  {
    rule: 'slack-bot-token',
    yes: [`xoxb-${f.chars(DIGITS, 12)}-${f.chars(DIGITS, 13)}-${f.alnum(24)}`],
    no: [`xoxb-${f.chars(DIGITS, 12)}-${f.alnum(24)}`],
  },
  {
    rule: 'slack-user-token',
    yes: [
      `xoxp-${f.chars(DIGITS, 12)}-${f.chars(DIGITS, 12)}-${f.chars(DIGITS, 13)}-${f.hex(32)}`,
      `xoxe-1-${f.alnum(40)}`,
    ],
    no: [
      `xoxp-${f.chars(DIGITS, 12)}-${f.hex(8)}`,
      `xoxp-1234-1234-1234-${f.hex(32)}`,
      `xoxp-${f.chars(DIGITS, 12)}-${f.chars(DIGITS, 12)}-${f.chars(DIGITS, 12)}-####################`,
      'xoxe-1-SlackAppConfigurationAccessTokenHere',
    ],
  },
  {
    rule: 'slack-config-token',
    yes: [`xoxe.xoxp-1-${f.chars(UPPER_ALNUM, 163)}`, `xoxe.xoxb-1-${f.alnum(165)}`],
    no: [`xoxe.xoxp-1-${f.chars(UPPER_ALNUM, 100)}`],
  },
  {
    rule: 'slack-app-token',
    yes: [`xapp-1-A${f.chars(UPPER_ALNUM, 10)}-${f.chars(DIGITS, 13)}-${f.hex(64)}`],
    no: [`xapp-1-${f.hex(64)}`],
  },
  {
    rule: 'slack-legacy-token',
    yes: [`xoxs-${f.chars(DIGITS, 10)}-${f.chars(DIGITS, 10)}-${f.hex(40)}`],
    no: [`xoxs-${f.chars(DIGITS, 10)}-abc`],
  },
  {
    rule: 'slack-webhook-url',
    yes: [
      `https://hooks.slack.com/services/T${f.chars(UPPER_ALNUM, 10)}/B${f.chars(UPPER_ALNUM, 10)}/${f.alnum(24)}`,
      `https://hooks.slack.com/workflows/T${f.chars(UPPER_ALNUM, 10)}/A${f.chars(UPPER_ALNUM, 10)}/${f.chars(DIGITS, 18)}/${f.alnum(24)}`,
    ],
    no: ['https://hooks.slack.com/services/T000/B000/XXXX'],
  },
  {
    rule: 'discord-webhook-url',
    yes: [`https://discord.com/api/webhooks/${f.chars(DIGITS, 18)}/${f.chars(URLSAFE, 68)}`],
    no: [`https://discord.com/api/webhooks/${f.chars(DIGITS, 18)}/short`],
  },
  {
    rule: 'telegram-bot-token',
    yes: [`TELEGRAM_BOT_TOKEN=${f.chars(DIGITS, 9)}:A${f.chars(URLSAFE, 34)}`],
    no: [`TELEGRAM_CHAT=${f.chars(DIGITS, 9)}`],
  },
  {
    rule: 'microsoft-teams-webhook',
    yes: [`https://acme.webhook.office.com/webhookb2/${uuid()}@${uuid()}/IncomingWebhook/${f.hex(32)}/${uuid()}`],
    no: ['https://acme.webhook.office.com/webhookb2/nothing'],
  },
  // Payments and mail
  {
    rule: 'stripe-secret-key',
    yes: [`STRIPE_KEY=sk_live_${f.alnum(24)}`, `rk_test_${f.alnum(99)}`],
    no: [`pk_live_${f.alnum(24)}`, `sk_live_${f.alnum(9)}`, `sk_live_${'0'.repeat(24)}`],
  },
  { rule: 'stripe-webhook-secret', yes: [`whsec_${f.alnum(32)}`], no: [`whsec_${f.alnum(20)}`] },
  {
    rule: 'square-token',
    yes: [`sq0atp-${f.chars(URLSAFE, 22)}`, `sq0csp-${f.chars(URLSAFE, 43)}`],
    no: [`sq0atp-${f.chars(URLSAFE, 10)}`],
  },
  {
    rule: 'paypal-braintree-token',
    yes: [
      `access_token$production$${f.chars(LOWER_ALNUM, 16)}$${f.hex(32)}`,
      `access_token$sandbox$${f.chars(LOWER_ALNUM, 16)}`,
    ],
    no: [`access_token$production$${f.chars(LOWER_ALNUM, 12)}`, `access_token$staging$${f.chars(LOWER_ALNUM, 16)}`],
  },
  { rule: 'shippo-token', yes: [`shippo_live_${f.hex(40)}`], no: [`shippo_live_${f.hex(30)}`] },
  {
    rule: 'sendgrid-api-key',
    yes: [
      `SENDGRID_API_KEY=SG.${f.chars(URLSAFE, 22)}.${f.chars(URLSAFE, 43)}`,
      `sendgrid: "SG.${f.chars(URLSAFE, 30)}=${f.chars(URLSAFE, 35)}"`,
    ],
    no: [`SG.${f.chars(URLSAFE, 22)}.${f.chars(URLSAFE, 20)}`],
  },
  { rule: 'mailgun-api-key', yes: [`key-${f.hex(32)}`], no: [`key-${f.hex(31)}`, `monkey-${f.hex(32)}`] },
  { rule: 'mailchimp-api-key', yes: [`${f.hex(32)}-us12`], no: [`${f.hex(30)}-us12`, `x${f.hex(32)}-us12`] },
  { rule: 'twilio-api-key', yes: [`TWILIO_KEY_SID=SK${f.hex(32)}`], no: [`sk${f.hex(32)}`, `TASK${f.hex(32)}`] },
  { rule: 'twilio-auth-token', yes: [`TWILIO_AUTH_TOKEN=${f.hex(32)}`], no: [`TWILIO_AUTH_TOKEN=${f.hex(31)}`] },
  { rule: 'mandrill-api-key', yes: [`md-${f.chars(URLSAFE, 22)}`], no: [`README.md-${f.chars(URLSAFE, 22)}`] },
  // Registries
  {
    rule: 'npm-access-token',
    yes: [`//registry.npmjs.org/:_authToken=npm_${f.alnum(36)}`],
    no: [`npm_${f.alnum(35)}`, `run_npm_${f.alnum(36)}`],
  },
  {
    rule: 'pypi-upload-token',
    yes: [`password = pypi-AgEIcHlwaS5vcmc${f.chars(URLSAFE, 70)}`],
    no: [`pypi-AgEIcHlwaS5vcmc${f.chars(URLSAFE, 20)}`],
  },
  { rule: 'rubygems-api-key', yes: [`rubygems_${f.hex(48)}`], no: [`rubygems_${f.hex(40)}`] },
  { rule: 'nuget-api-key', yes: [`oy2${f.chars(LOWER_ALNUM, 43)}`], no: [`oy2${f.chars(LOWER_ALNUM, 20)}`] },
  { rule: 'clojars-token', yes: [`CLOJARS_${f.chars(LOWER_ALNUM, 60)}`], no: [`CLOJARS_${f.chars(LOWER_ALNUM, 59)}`] },
  { rule: 'docker-hub-token', yes: [`dckr_pat_${f.chars(URLSAFE, 27)}`], no: [`dckr_pat_${f.chars(URLSAFE, 10)}`] },
  { rule: 'jfrog-token', yes: [`cmVmdGtuOjAxOj${f.alnum(50)}`], no: [`cmVmdGtuOjAxOj${f.alnum(20)}`] },
  // AI
  {
    rule: 'anthropic-api-key',
    yes: [`ANTHROPIC_API_KEY=sk-ant-api03-${f.chars(URLSAFE, 93)}AA`],
    no: [`sk-ant-api03-${f.chars(URLSAFE, 93)}`, `sk-ant-api03-${'x'.repeat(93)}AA`],
  },
  {
    rule: 'openai-api-key',
    yes: [`OPENAI_API_KEY=sk-proj-${f.chars(URLSAFE, 58)}T3BlbkFJ${f.chars(URLSAFE, 58)}`],
    no: [`sk-proj-${f.chars(URLSAFE, 100)}`],
  },
  {
    rule: 'openai-api-key-legacy',
    yes: [`sk-${f.alnum(20)}T3BlbkFJ${f.alnum(20)}`],
    no: [`sk-${f.alnum(18)}T3BlbkFJ${f.alnum(20)}`],
  },
  { rule: 'huggingface-token', yes: [`hf_${f.chars(UPPER + LOWER, 34)}`], no: [`hf_${f.chars(UPPER + LOWER, 20)}`] },
  { rule: 'groq-api-key', yes: [`gsk_${f.alnum(52)}`], no: [`gsk_${f.alnum(40)}`] },
  { rule: 'perplexity-api-key', yes: [`pplx-${f.alnum(48)}`], no: [`pplx-${f.alnum(47)}`] },
  { rule: 'xai-api-key', yes: [`xai-${f.alnum(80)}`], no: [`xai-${f.alnum(40)}`] },
  { rule: 'replicate-api-token', yes: [`r8_${f.alnum(37)}`], no: [`r8_${f.alnum(30)}`] },
  { rule: 'langsmith-api-key', yes: [`lsv2_pt_${f.hex(32)}_${f.hex(10)}`], no: [`lsv2_pt_${f.hex(32)}`] },
  // Observability and commerce
  {
    rule: 'grafana-cloud-token',
    yes: [`glsa_${f.alnum(32)}_${f.hex(8)}`, `glc_${f.chars(BASE64, 80)}=`],
    no: [`glc_${f.alnum(20)}`],
  },
  { rule: 'new-relic-key', yes: [`NRAK-${f.chars(UPPER_ALNUM, 27)}`], no: [`NRAK-${f.chars(UPPER_ALNUM, 10)}`] },
  {
    rule: 'sentry-token',
    yes: [
      `sntryu_${f.hex(64)}`,
      `SENTRY_AUTH_TOKEN=sntrys_${Buffer.from(`{"iat":1700000000.5,"url":"https://sentry.io","region_url":"https://us.sentry.io","org":"${f.alnum(8)}"}`).toString('base64')}_${f.chars(BASE64, 43)}`,
    ],
    no: [`sntryu_${f.hex(40)}`, `sntryu_${f.hex(65)}`, `sntrys_${f.alnum(120)}`],
  },
  {
    rule: 'dynatrace-token',
    yes: [`dt0c01.${f.chars(UPPER_ALNUM, 24)}.${f.chars(UPPER_ALNUM, 64)}`],
    no: [`dt0c01.${f.chars(UPPER_ALNUM, 24)}`],
  },
  {
    rule: 'datadog-api-key',
    yes: [`DD_API_KEY=${f.hex(32)}`, `datadog_app_key: "${f.hex(40)}"`],
    no: [`DD_SITE=${f.hex(32)}`],
  },
  { rule: 'shopify-token', yes: [`shpat_${f.hex(32)}`], no: [`shpat_${f.hex(31)}`] },
  {
    rule: 'onepassword-service-account-token',
    yes: [`OP_SERVICE_ACCOUNT_TOKEN=ops_eyJ${f.chars(BASE64, 300)}`],
    no: [`ops_eyJ${f.chars(BASE64, 100)}`],
  },
  // More platforms
  {
    rule: 'azure-devops-pat',
    yes: [`AZURE_DEVOPS_PAT=${f.alnum(76)}AZDO${f.alnum(4)}`],
    no: [`${f.alnum(70)}AZDO${f.alnum(4)}`, `${f.alnum(76)}azdo${f.alnum(4)}`],
  },
  { rule: 'artifactory-api-key', yes: [`AKCp${f.alnum(69)}`], no: [`AKCp${f.alnum(60)}`] },
  { rule: 'sourcegraph-token', yes: [`sgp_${f.hex(16)}_${f.hex(40)}`, `sgp_${f.hex(40)}`], no: [`sgp_${f.hex(30)}`] },
  { rule: 'openshift-token', yes: [`sha256~${f.chars(URLSAFE, 43)}`], no: [`sha256~${f.chars(URLSAFE, 30)}`] },
  {
    rule: 'harness-token',
    yes: [`pat.${f.chars(URLSAFE, 22)}.${f.alnum(24)}.${f.alnum(20)}`],
    no: [`pat.${f.chars(URLSAFE, 22)}`, `path.${f.alnum(24)}`],
  },
  {
    rule: 'octopus-deploy-api-key',
    yes: [`API-${f.chars(UPPER_ALNUM, 26)}`],
    no: [`api-${f.chars(UPPER_ALNUM, 26)}`, `API-${f.chars(UPPER_ALNUM, 20)}`],
  },
  { rule: 'prefect-api-key', yes: [`pnu_${f.alnum(36)}`], no: [`pnu_${f.alnum(30)}`] },
  {
    rule: 'planetscale-token',
    yes: [`pscale_tkn_${f.chars(URLSAFE, 43)}`],
    no: [`pscale_tkn_${f.chars(URLSAFE, 20)}`],
  },
  { rule: 'supabase-token', yes: [`sbp_${f.hex(40)}`], no: [`sbp_${f.hex(39)}`] },
  { rule: 'render-api-key', yes: [`rnd_${f.alnum(32)}`], no: [`rnd_${f.alnum(31)}`] },
  { rule: 'netlify-token', yes: [`nfp_${f.alnum(36)}`], no: [`nfp_${f.alnum(35)}`] },
  { rule: 'scalingo-token', yes: [`tk-us-${f.chars(URLSAFE, 48)}`], no: [`tk-us-${f.chars(URLSAFE, 40)}`] },
  { rule: 'tailscale-key', yes: [`tskey-auth-${f.alnum(12)}-${f.alnum(30)}`], no: [`tskey-auth-${f.alnum(12)}`] },
  {
    rule: 'defined-networking-key',
    yes: [`dnkey-${f.chars(LOWER_ALNUM, 26)}-${f.chars(LOWER_ALNUM, 52)}`],
    no: [`dnkey-${f.chars(LOWER_ALNUM, 26)}`],
  },
  { rule: 'packagist-token', yes: [`packagist_uut_${f.hex(68)}`], no: [`packagist_uut_${f.hex(60)}`] },
  { rule: 'readme-api-key', yes: [`rdme_${f.chars(LOWER_ALNUM, 70)}`], no: [`rdme_${f.chars(LOWER_ALNUM, 69)}`] },
  { rule: 'typeform-token', yes: [`tfp_${f.chars(URLSAFE, 59)}`], no: [`tfp_${f.chars(URLSAFE, 50)}`] },
  { rule: 'figma-token', yes: [`figd_${f.chars(URLSAFE, 40)}`], no: [`figd_${f.chars(URLSAFE, 30)}`] },
  {
    rule: 'notion-token',
    yes: [`NOTION_TOKEN=ntn_${f.alnum(46)}`, `secret_${f.alnum(43)}`],
    no: ['client_secret_key = 1', `secret_${f.alnum(30)}`],
  },
  {
    rule: 'clickup-token',
    yes: [`pk_${f.chars(DIGITS, 8)}_${f.chars(UPPER_ALNUM, 32)}`],
    no: [`pk_live_${f.alnum(24)}`],
  },
  { rule: 'frameio-token', yes: [`fio-u-${f.chars(URLSAFE, 64)}`], no: [`fio-u-${f.chars(URLSAFE, 40)}`] },
  {
    rule: 'infracost-api-key',
    yes: [`ico-${f.alnum(32)}`],
    no: [`ico-${f.alnum(20)}`, `favico-${f.alnum(32)}`, `/assets/box.ico-${f.alnum(32)}.png`],
  },
  { rule: 'pinecone-api-key', yes: [`pcsk_${f.alnum(6)}_${f.alnum(65)}`], no: [`pcsk_${f.alnum(6)}_${f.alnum(20)}`] },
  { rule: 'brevo-api-key', yes: [`xkeysib-${f.hex(64)}-${f.alnum(16)}`], no: [`xkeysib-${f.hex(64)}`] },
  { rule: 'easypost-api-key', yes: [`EZAK${f.alnum(54)}`], no: [`EZAK${f.alnum(40)}`] },
  { rule: 'duffel-token', yes: [`duffel_live_${f.chars(URLSAFE, 43)}`], no: [`duffel_live_${f.chars(URLSAFE, 30)}`] },
  {
    rule: 'flutterwave-key',
    yes: [`FLWSECK_TEST-${f.chars('abcdefgh0123456789', 32)}-X`],
    no: [`FLWSECK_TEST-${f.chars('abcdefgh0123456789', 32)}`],
  },
  { rule: 'razorpay-key', yes: [`rzp_live_${f.alnum(14)}`], no: [`rzp_live_${f.alnum(10)}`] },
  { rule: 'plaid-access-token', yes: [`access-sandbox-${uuid()}`], no: [`access-sandbox-${f.hex(12)}`] },
  {
    rule: 'mapbox-public-token',
    yes: [
      `MAPBOX_TOKEN=pk.${f.chars(LOWER + DIGITS, 60)}.${f.chars(LOWER + DIGITS, 22)}`,
      `mapboxAccessToken: "pk.eyJ1Ijoi${f.chars(URLSAFE, 60)}.${f.chars(URLSAFE, 22)}"`,
    ],
    no: [`MAPBOX_STYLE=mapbox://styles/${f.alnum(10)}/${f.alnum(25)}`, `mapbox_token = "pk.${f.alnum(20)}"`],
  },
  {
    rule: 'mapbox-secret-token',
    yes: [`sk.eyJ1Ijoi${f.chars(URLSAFE, 60)}.${f.chars(URLSAFE, 22)}`],
    no: [`pk.eyJ1Ijoi${f.chars(URLSAFE, 60)}.${f.chars(URLSAFE, 22)}`],
  },
  {
    rule: 'dropbox-token',
    yes: [`sl.${f.chars(URLSAFE, 140)}`],
    no: [`ssl.${f.chars(URLSAFE, 140)}`, `sl.${f.chars(URLSAFE, 60)}`],
  },
  { rule: 'facebook-access-token', yes: [`EAAC${f.alnum(150)}`], no: [`EAAC${f.alnum(50)}`] },
  {
    rule: 'twitter-bearer-token',
    yes: [`AAAAAAAAAAAAAAAAAAAAA${f.alnum(90)}`],
    no: [`AAAAAAAAAAAAAAAAAAAAA${f.alnum(20)}`],
  },
  {
    rule: 'scaleway-access-key',
    yes: [`SCW${f.chars(UPPER_ALNUM, 17)}`],
    no: [`SCW${f.chars(UPPER_ALNUM, 10)}`, `SCW${'A'.repeat(17)}`],
  },
  {
    rule: 'okta-api-token',
    yes: [`OKTA_API_TOKEN=00${f.chars(URLSAFE, 40)}`],
    no: [`OKTA_ORG=00${f.chars(URLSAFE, 20)}`, `rookTable = 00${f.chars(URLSAFE, 40)}`],
  },
  {
    rule: 'snyk-api-token',
    yes: [`SNYK_TOKEN=${uuid()}`, `snyk_api_key = "${uuid()}"`, `snykToken = "${uuid().toUpperCase()}"`],
    no: [`SNYK_ORG=acme`, `SNYK_ORG_ID=${uuid()}`],
  },
  {
    rule: 'alibaba-secret-key',
    yes: [`alibaba_secret_key = "${f.alnum(30)}"`],
    no: [`alibaba_region = "${f.alnum(12)}"`],
  },
  // Not tied to a vendor
  {
    rule: 'private-key',
    yes: [
      f.pem('RSA PRIVATE KEY'),
      f.pem('OPENSSH PRIVATE KEY', 400),
      f.pem('PGP PRIVATE KEY BLOCK', 2000),
      `"private_key": "${f.pem('PRIVATE KEY').replace(/\n/g, '\\n')}\\n",`,
    ],
    no: [
      '-----BEGIN RSA PRIVATE KEY-----',
      '-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----',
      f.pem('PUBLIC KEY'),
      f.pem('CERTIFICATE'),
    ],
  },
  {
    rule: 'generic-secret',
    yes: [
      `api_key = "${pw}"`,
      `"client_secret": "${f.password(40)}"`,
      `<apiToken>${f.password(24)}</apiToken>`,
      `export SMTP_PASSWORD=${f.password(16)}`,
      `auth_token := "${f.password(32)}"`,
      `client.setApiKey('${f.password(24)}')`,
    ],
    no: GENERIC_NEAR_MISSES,
  },
  {
    rule: 'url-credentials',
    yes: [
      `DATABASE_URL=postgres://app:${pw}@db.internal:5432/app`,
      `git clone https://deploy:${f.password(20)}@git.example.org/repo.git`,
    ],
    no: [
      'postgres://app:${DB_PASSWORD}@db/app',
      'https://user:password@example.com/',
      'redis://user:pass@localhost:6379',
      'http://example.com:8080/path',
      'mongodb://localhost:27017/db',
    ],
  },
  {
    rule: 'connection-string-password',
    yes: [
      `Server=tcp:db,1433;Database=app;User Id=sa;Password=${f.password(16)};`,
      `jdbc:sqlserver://db;user=sa;password=${f.password(14)}`,
    ],
    no: ['Server=db;Password=${DB_PASSWORD};', 'Server=db;Password={0};', 'Server=db;Password=changeme;'],
  },
  {
    rule: 'json-web-token',
    yes: [`Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJ${f.chars(URLSAFE, 40)}.${f.chars(URLSAFE, 43)}`],
    no: [
      `eyJhbGciOiJIUzI1NiJ9.eyJ${f.chars(URLSAFE, 40)}`,
      `eyJ${'A'.repeat(20)}.eyJ${'A'.repeat(20)}.${'A'.repeat(20)}`,
    ],
  },
  {
    rule: 'npmrc-auth-token',
    file: '.npmrc',
    yes: [`//registry.npmjs.org/:_authToken=${uuid()}`, `//npm.pkg.github.com/:_auth=${f.chars(BASE64, 40)}`],
    no: ['//registry.npmjs.org/:_authToken=${NPM_TOKEN}', 'registry=https://registry.npmjs.org/'],
  },
  { rule: 'npmrc-auth-token', file: 'src/notes.txt', yes: [], no: [`//registry.npmjs.org/:_authToken=${uuid()}`] },
  {
    rule: 'yarnrc-auth-token',
    file: '.yarnrc.yml',
    yes: [`npmAuthToken: "${uuid()}"`],
    no: ['npmAuthToken: "${NPM_TOKEN}"'],
  },
  {
    rule: 'pypirc-password',
    file: 'home/.pypirc',
    yes: [`password = ${f.password(20)}`],
    no: ['password = $PYPI_PASSWORD'],
  },
  {
    rule: 'netrc-password',
    file: '.netrc',
    yes: [`machine api.example.org login me password ${f.password(16)}`],
    no: ['machine api.example.org login me password $NETRC_PASSWORD'],
  },
  ...SERVICE_CASES,
];

function scan(text: string, file = 'src/settings.txt') {
  return scanText(defaultRules(), { file, text });
}

describe('secret rules', () => {
  it('every rule has a table of cases', () => {
    expect(new Set(cases.map((c) => c.rule))).toEqual(new Set(SECRET_RULES.map((r) => r.id)));
  });

  describe.each(cases.map((c) => ({ ...c, file: c.file ?? 'src/settings.txt' })))(
    '$rule in $file',
    ({ rule, file, yes, no }) => {
      it.each(yes.map((text, i) => ({ i, text })))('finds true positive #$i', ({ text }) => {
        const found = scan(text, file).filter((x) => x.ruleId === rule);
        expect(found, `${rule} should find a secret in case`).toHaveLength(1);
        const [hit] = found;
        expect(hit?.secret.length).toBeGreaterThanOrEqual(3);
        expect(hit?.line).toBe(1);
      });
      it.each(no.map((text, i) => ({ i, text })))('ignores near miss #$i', ({ text }) => {
        expect(scan(text, file).filter((x) => x.ruleId === rule)).toEqual([]);
      });
    },
  );
});

describe('curl credentials over continued lines', () => {
  it('reports -u on a line continued from the command, where it is', () => {
    const password = f.password(18);
    const text = [
      'curl -sS -X POST \\',
      '  -H "Content-Type: application/json" \\',
      `  -u deploy:${password} \\`,
      '  https://ci.example.org/api/builds',
    ].join('\n');
    const hits = scan(text).filter((h) => h.ruleId === 'curl-user-password');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ line: 3, column: 6, endLine: 3, endColumn: 6 + `deploy:${password}`.length });
  });

  it('does not read past a line that does not continue', () => {
    const text = ['curl -sS https://ci.example.org/api/builds', `ssh -u deploy:${f.password(18)} host`].join('\n');
    expect(scan(text).filter((h) => h.ruleId === 'curl-user-password')).toEqual([]);
  });
});

describe('coverage of gitleaks default rules', () => {
  const coverage = gitleaksCoverage(SECRET_RULES);
  it.each(GITLEAKS_DEFAULT_RULE_IDS.filter((id) => !(id in GITLEAKS_NOT_COVERED)).map((id) => [id]))(
    '%s is covered by a Bellwether rule',
    (id) => {
      const ours = coverage.get(id) ?? [];
      expect(ours.length, `no rule covers gitleaks ${id}`).toBeGreaterThan(0);
      for (const rule of ours) expect(SECRET_RULE_IDS).toContain(rule);
    },
  );

  it('says why each gitleaks rule left out is left out, and covers none of them by mistake', () => {
    for (const [id, reason] of Object.entries(GITLEAKS_NOT_COVERED)) {
      expect(GITLEAKS_DEFAULT_RULE_IDS).toContain(id);
      expect(reason.length).toBeGreaterThan(20);
      expect(coverage.has(id)).toBe(false);
    }
  });
});

describe('vendor keyword rules read the assignment forms of common languages and formats', () => {
  const forms = (name: string, value: string): Array<[string, string]> => [
    ['ini', `${name}Token = "${value}"`],
    ['json', `{\n  "${name}_token": "${value}"\n}`],
    ['escaped json', `{\\"${name}_token\\": \\"${value}\\"}`],
    ['xml', `<${name}Token>${value}</${name}Token>`],
    ['yaml', `${name}_token: '${value}'`],
    ['yaml block', `${name}_token: |\n  ${value}`],
    ['go', `var ${name}Token string = "${value}"`],
    ['python', `${name}_token = '${value}'`],
    ['php', `$${name}Token .= "${value}"`],
    ['logstash', `  "${name}Token" => "${value}"`],
    ['make', `${name.toUpperCase()}_TOKEN ?= "${value}"`],
    ['shell', `export ${name.toUpperCase()}_TOKEN=${value}`],
  ];
  it.each([
    ['zendesk-api-token', 'zendesk', f.password(40)],
    ['twitter-app-credentials', 'twitter', f.password(50)],
    ['kucoin-api-key', 'kucoin', uuid()],
  ])('%s', (rule, name, value) => {
    for (const [form, text] of forms(name, value)) {
      const hits = scan(text).filter((h) => h.ruleId === rule);
      expect(
        hits.map((h) => h.secret.length),
        `${rule} in ${form}`,
      ).toEqual([value.length]);
    }
  });
});

describe('the generic rule reads the assignment forms of common languages and formats', () => {
  const secret = f.password(32);
  it.each([
    ['ini quoted', `appToken="${secret}"`],
    ['ini spaced', `appToken = ${secret}`],
    ['json', `{\n    "app_token": "${secret}"\n}`],
    ['escaped json', `{\\"app_token\\": \\"${secret}\\"}`],
    ['xml element', `<appToken>${secret}</appToken>`],
    ['yaml', `app_token: ${secret}`],
    ['yaml single quotes', `app_token: '${secret}'`],
    ['c#', `string appToken = "${secret}";`],
    ['go', `var appToken string = "${secret}"`],
    ['go short', `appToken := "${secret}"`],
    ['go backticks', `appToken := \`${secret}\``],
    ['java', `String appToken = "${secret}";`],
    ['kotlin', `var appToken = "${secret}"`],
    ['php concat', `$appToken .= "${secret}"`],
    ['python', `appToken = '${secret}'`],
    ['python bytes', `app_token = b'${secret}'`],
    ['logstash', `  "appToken" => "${secret}"`],
    ['make', `APP_TOKEN = "${secret}"`],
    ['make simple', `APP_TOKEN := "${secret}"`],
    ['make shell', `APP_TOKEN ::= "${secret}"`],
    ['make evaluated', `APP_TOKEN :::= "${secret}"`],
    ['make conditional', `APP_TOKEN ?= "${secret}"`],
    ['make append', `APP_TOKEN += "${secret}"`],
    ['shell export', `export APP_TOKEN=${secret}`],
    ['call with a literal', `client.setToken("${secret}")`],
    ['dotenv', `APP_TOKEN=${secret}`],
  ])('%s', (_name, text) => {
    const hits = scan(text).filter((h) => h.ruleId === 'generic-secret');
    expect(hits).toHaveLength(1);
    expect(hits[0]?.secret.length).toBe(secret.length);
  });

  it.each([
    ['yaml literal block', `app_token: |\n  ${secret}\nnext: 1`],
    ['yaml folded block', `app_token: >-\n    ${secret}`],
    ['xml element over lines', `<appToken>\n    ${secret}\n</appToken>`],
  ])('%s: the value on the next line, reported where it is', (_name, text) => {
    const hits = scan(text).filter((h) => h.ruleId === 'generic-secret');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ line: 2, endLine: 2, column: (text.split('\n')[1] ?? '').indexOf(secret) + 1 });
    expect(hits[0]?.secret.length).toBe(secret.length);
  });

  it.each([
    ['a YAML key whose block holds a list', 'app_token: |\n  - one\n  - two'],
    ['a key with nothing after it', 'app_token:\n  other: value1234567890'],
  ])('no value below %s', (_name, text) => {
    expect(scan(text).filter((h) => h.ruleId === 'generic-secret')).toEqual([]);
  });
});
