/**
 * Vendor tokens with fixed prefixes: code hosting, chat, payments, package
 * registries, AI providers, observability and messaging.
 */
import { assignedValue, prefixedToken, revokeFix, type SecretRule } from './rule.js';

const ALNUM = '[A-Za-z0-9]';
const URLSAFE_TAIL = '(?![A-Za-z0-9_-])';

export const CODE_HOST_RULES: readonly SecretRule[] = [
  prefixedToken('github-pat', 'GitHub personal access token (classic)', 'critical', ['ghp_'], `${ALNUM}{36}`, revokeFix('GitHub, Settings, Developer settings, Personal access tokens'), { gitleaks: 'github-pat' }),
  prefixedToken('github-fine-grained-pat', 'GitHub fine-grained personal access token', 'critical', ['github_pat_'], '[A-Za-z0-9_]{82}', revokeFix('GitHub, Settings, Developer settings, Fine-grained tokens'), {
    tail: '(?![A-Za-z0-9_])',
    gitleaks: 'github-fine-grained-pat',
  }),
  prefixedToken('github-oauth-token', 'GitHub OAuth access token', 'critical', ['gho_'], `${ALNUM}{36}`, revokeFix('GitHub, Settings, Applications, Authorized OAuth Apps'), { gitleaks: 'github-oauth' }),
  prefixedToken('github-app-token', 'GitHub App token', 'critical', ['ghu_', 'ghs_'], `${ALNUM}{36}`, revokeFix('the GitHub App settings; installation tokens expire within an hour but user tokens do not'), {
    gitleaks: 'github-app-token',
  }),
  prefixedToken('github-refresh-token', 'GitHub refresh token', 'critical', ['ghr_'], `${ALNUM}{36}`, revokeFix('the GitHub App settings'), { gitleaks: 'github-refresh-token' }),
  prefixedToken('gitlab-pat', 'GitLab personal access token', 'critical', ['glpat-'], '[A-Za-z0-9_-]{20}(?:[A-Za-z0-9_-]{7,280}\\.[0-9a-z]{9})?', revokeFix('GitLab, Preferences, Access tokens'), {
    tail: URLSAFE_TAIL,
    minEntropy: 3,
    gitleaks: 'gitlab-pat',
  }),
  prefixedToken(
    'gitlab-token',
    'GitLab token',
    'high',
    ['gldt-', 'glrt-', 'glcbt-', 'glimt-', 'glsoat-', 'glffct-', 'glft-'],
    // Routable tokens end in `.` and nine characters that name the instance.
    '[A-Za-z0-9_-]{20,300}(?:\\.[0-9a-z]{9})?',
    revokeFix('GitLab: revoke the deploy, runner, feed or service token where it was created'),
    { tail: URLSAFE_TAIL, minEntropy: 3, gitleaks: 'gitlab-deploy-token' },
  ),
  prefixedToken('gitlab-pipeline-trigger-token', 'GitLab pipeline trigger token', 'high', ['glptt-'], '[0-9a-f]{40}', revokeFix('GitLab project, Settings, CI/CD, Pipeline trigger tokens'), { minEntropy: 3, gitleaks: 'gitlab-ptt' }),
  prefixedToken('gitlab-runner-registration-token', 'GitLab runner registration token', 'high', ['GR1348941'], '[A-Za-z0-9_-]{20}', revokeFix('GitLab, CI/CD settings, Runners: reset the registration token'), {
    tail: URLSAFE_TAIL,
    minEntropy: 3,
    gitleaks: 'gitlab-rrt',
  }),
  prefixedToken('gitlab-oauth-app-secret', 'GitLab OAuth application secret', 'high', ['gloas-'], '[A-Za-z0-9_-]{64}', revokeFix('GitLab, Applications: renew the secret'), { tail: URLSAFE_TAIL, minEntropy: 3, gitleaks: 'gitlab-oauth-app-secret' }),
  prefixedToken('gitlab-agent-token', 'GitLab agent for Kubernetes token', 'high', ['glagent-'], '[A-Za-z0-9_-]{50}', revokeFix('GitLab, Operate, Kubernetes clusters'), { tail: URLSAFE_TAIL, minEntropy: 3, gitleaks: 'gitlab-kubernetes-agent-token' }),
  prefixedToken('atlassian-api-token', 'Atlassian API token', 'high', ['ATATT3'], '[A-Za-z0-9_=-]{186}', revokeFix('Atlassian account, Security, API tokens'), { tail: '(?![A-Za-z0-9_=-])', minEntropy: 3.5, gitleaks: 'atlassian-api-token' }),
  prefixedToken('bitbucket-app-password', 'Bitbucket access token', 'high', ['ATBB', 'ATCTT3'], '[A-Za-z0-9_=-]{28,200}', revokeFix('Bitbucket, Personal settings, App passwords'), { tail: '(?![A-Za-z0-9_=-])', minEntropy: 3.5 }),
  prefixedToken('linear-api-key', 'Linear API key', 'high', ['lin_api_'], '[A-Za-z0-9]{40}', revokeFix('Linear, Settings, API'), { minEntropy: 3, gitleaks: 'linear-api-key' }),
  prefixedToken('postman-api-key', 'Postman API key', 'high', ['PMAK-'], '[a-f0-9]{24}-[a-f0-9]{34}', revokeFix('Postman, Settings, API keys'), { minEntropy: 3, gitleaks: 'postman-api-token' }),
];

export const CHAT_RULES: readonly SecretRule[] = [
  prefixedToken('slack-bot-token', 'Slack bot token', 'critical', ['xoxb-'], '\\d{10,13}-\\d{10,13}-[A-Za-z0-9]{24,34}', revokeFix('Slack app settings, OAuth & Permissions: revoke or rotate'), {
    gitleaks: 'slack-bot-token',
  }),
  // A user token's first id has eight digits or more; a token ends with a letter or digit, never a placeholder's `-####`.
  prefixedToken('slack-user-token', 'Slack user token', 'critical', ['xoxp-', 'xoxe-'], '(?:(?<=xoxp-)\\d{8,14}|(?<=xoxe-)\\d{1,13})-[A-Za-z0-9-]{19,199}[A-Za-z0-9]', revokeFix('Slack app settings: revoke the token'), {
    tail: '(?![A-Za-z0-9-])',
    // `xoxp-1-SlackAppConfigurationAccessTokenHere`: words, where a token is random.
    accept: (s) => !/-(?:[A-Z][a-z]+){3,}$/.test(s),
    gitleaks: 'slack-user-token',
  }),
  prefixedToken('slack-config-token', 'Slack configuration token', 'high', ['xoxe.xoxp-', 'xoxe.xoxb-'], '\\d-[A-Za-z0-9]{160,170}', revokeFix('Slack, Your apps: revoke configuration tokens'), { gitleaks: 'slack-config-access-token' }),
  prefixedToken('slack-app-token', 'Slack app-level token', 'high', ['xapp-'], '\\d-[A-Z0-9]{6,20}-\\d{6,20}-[a-z0-9]{40,80}', revokeFix('Slack app settings, Basic Information, App-level tokens'), { gitleaks: 'slack-app-token' }),
  prefixedToken('slack-legacy-token', 'Slack legacy token', 'high', ['xoxo-', 'xoxs-'], '\\d{1,13}-[A-Za-z0-9-]{20,200}', revokeFix('Slack: revoke legacy tokens'), { tail: '(?![A-Za-z0-9-])', gitleaks: 'slack-legacy-token' }),
  prefixedToken('slack-webhook-url', 'Slack incoming webhook URL', 'high', ['hooks.slack.com/'], '(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,90}', revokeFix('Slack app settings, Incoming Webhooks: remove the webhook'), {
    tail: '(?![A-Za-z0-9+/])',
    notAfter: /[A-Za-z0-9-]/,
    gitleaks: 'slack-webhook-url',
  }),
  {
    id: 'discord-webhook-url',
    title: 'Discord webhook URL',
    severity: 'high',
    confidence: 'high',
    keywords: ['discord.com/api/webhooks/', 'discordapp.com/api/webhooks/'],
    anchor: 'start',
    pattern: /discord(?:app)?\.com\/api\/webhooks\/\d{17,20}\/(?<secret>[A-Za-z0-9_-]{60,72})(?![A-Za-z0-9_-])/y,
    fix: revokeFix('Discord channel settings, Integrations, Webhooks: delete it'),
  },
  assignedValue('telegram-bot-token', 'Telegram bot token', 'high', ['telegram', 'tgbot', 'tg_bot'], '\\d{5,16}:A[A-Za-z0-9_-]{34}', revokeFix('@BotFather: /revoke'), { gitleaks: 'telegram-bot-api-token' }),
  prefixedToken('microsoft-teams-webhook', 'Microsoft Teams incoming webhook', 'high', ['.webhook.office.com/'], 'webhookb2/[a-z0-9@-]{40,100}/IncomingWebhook/[a-z0-9]{32}/[a-z0-9-]{36}', revokeFix('Teams channel, Connectors: remove the webhook'), {
    notAfter: /[^A-Za-z0-9-]/,
    gitleaks: 'microsoft-teams-webhook',
  }),
];

export const PAYMENT_AND_MAIL_RULES: readonly SecretRule[] = [
  prefixedToken('stripe-secret-key', 'Stripe secret or restricted key', 'critical', ['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_', 'sk_prod_', 'rk_prod_'], `${ALNUM}{10,247}`, revokeFix('Stripe dashboard, Developers, API keys: roll the key'), {
    minEntropy: 3,
    gitleaks: 'stripe-access-token',
  }),
  prefixedToken('stripe-webhook-secret', 'Stripe webhook signing secret', 'high', ['whsec_'], `${ALNUM}{32,64}`, revokeFix('Stripe dashboard, Webhooks: roll the signing secret'), { minEntropy: 3 }),
  prefixedToken('square-token', 'Square access token or secret', 'high', ['sq0atp-', 'sq0csp-', 'EAAA'], '[A-Za-z0-9_-]{22,60}', revokeFix('Square Developer dashboard'), { tail: URLSAFE_TAIL, minEntropy: 3.5, gitleaks: 'square-access-token' }),
  prefixedToken(
    'paypal-braintree-token',
    'PayPal Braintree access token',
    'critical',
    ['access_token$production$', 'access_token$sandbox$'],
    '[a-z0-9]{16}(?:\\$[a-f0-9]{32})?',
    revokeFix('Braintree control panel, API keys'),
    { gitleaks: 'braintree-access-token' },
  ),
  prefixedToken('shippo-token', 'Shippo API token', 'high', ['shippo_live_', 'shippo_test_'], '[a-f0-9]{40}', revokeFix('Shippo, Settings, API'), { gitleaks: 'shippo-api-token' }),
  prefixedToken('sendgrid-api-key', 'SendGrid API key', 'critical', ['SG.'], '[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}|[A-Za-z0-9=_.-]{66}', revokeFix('SendGrid, Settings, API Keys'), { tail: '(?![A-Za-z0-9=_.-])', minEntropy: 3, gitleaks: 'sendgrid-api-token' }),
  prefixedToken('mailgun-api-key', 'Mailgun private API key', 'high', ['key-'], '[a-f0-9]{32}', revokeFix('Mailgun, API security'), { minEntropy: 3, gitleaks: 'mailgun-private-api-token' }),
  {
    id: 'mailchimp-api-key',
    title: 'Mailchimp API key',
    severity: 'high',
    confidence: 'high',
    keywords: ['-us'],
    anchor: -32,
    pattern: /[a-f0-9]{32}-us\d{1,2}(?![A-Za-z0-9])/y,
    notAfter: /[A-Za-z0-9]/,
    minEntropy: 3,
    fix: revokeFix('Mailchimp, Account, Extras, API keys'),
    gitleaks: 'mailchimp-api-key',
  },
  prefixedToken('twilio-api-key', 'Twilio API key SID', 'high', ['SK'], '[0-9a-f]{32}', revokeFix('Twilio console, API keys & tokens'), { minEntropy: 3, gitleaks: 'twilio-api-key' }),
  assignedValue('twilio-auth-token', 'Twilio auth token', 'critical', ['twilio'], '[0-9a-f]{32}', revokeFix('Twilio console: rotate the auth token'), { minEntropy: 3 }),
  prefixedToken('mandrill-api-key', 'Mandrill API key', 'high', ['md-'], '[A-Za-z0-9_-]{22}', revokeFix('Mailchimp Transactional, Settings'), {
    tail: URLSAFE_TAIL,
    minEntropy: 3.5,
    // `README.md-` and `file_md-` are names, not keys.
    notAfter: /[A-Za-z0-9._-]/,
  }),
];

export const REGISTRY_RULES: readonly SecretRule[] = [
  prefixedToken('npm-access-token', 'npm access token', 'critical', ['npm_'], '[A-Za-z0-9]{36}', revokeFix('npm token revoke, or npmjs.com, Access Tokens; prefer trusted publishing from CI'), {
    minEntropy: 3,
    notAfter: /[A-Za-z0-9_]/,
    gitleaks: 'npm-access-token',
  }),
  prefixedToken('pypi-upload-token', 'PyPI upload token', 'critical', ['pypi-AgEIcHlwaS5vcmc'], '[A-Za-z0-9_-]{50,1000}', revokeFix('PyPI, Account settings, API tokens; prefer trusted publishing'), {
    tail: URLSAFE_TAIL,
    gitleaks: 'pypi-upload-token',
  }),
  prefixedToken('rubygems-api-key', 'RubyGems API key', 'high', ['rubygems_'], '[a-f0-9]{48}', revokeFix('rubygems.org, Settings, API keys'), { gitleaks: 'rubygems-api-token' }),
  prefixedToken('nuget-api-key', 'NuGet API key', 'high', ['oy2'], '[a-z0-9]{43}', revokeFix('nuget.org, API Keys'), { minEntropy: 3.5 }),
  prefixedToken('clojars-token', 'Clojars deploy token', 'high', ['CLOJARS_'], '[a-z0-9]{60}', revokeFix('Clojars, Deploy tokens'), { gitleaks: 'clojars-api-token' }),
  prefixedToken('docker-hub-token', 'Docker Hub personal access token', 'high', ['dckr_pat_', 'dckr_oat_'], '[A-Za-z0-9_-]{27,40}', revokeFix('Docker Hub, Account settings, Personal access tokens'), { tail: URLSAFE_TAIL, minEntropy: 3 }),
  prefixedToken('jfrog-token', 'JFrog access token', 'high', ['cmVmdGtuOjAxOj'], '[A-Za-z0-9]{50}', revokeFix('JFrog Platform, Identity and Access, Access Tokens'), { minEntropy: 3.5, gitleaks: 'artifactory-reference-token' }),
];

export const AI_RULES: readonly SecretRule[] = [
  prefixedToken('anthropic-api-key', 'Anthropic API key', 'critical', ['sk-ant-api03-', 'sk-ant-admin01-'], '[A-Za-z0-9_-]{93}AA', revokeFix('Anthropic Console, API keys'), { tail: URLSAFE_TAIL, gitleaks: 'anthropic-api-key' }),
  prefixedToken('openai-api-key', 'OpenAI API key', 'critical', ['sk-proj-', 'sk-svcacct-', 'sk-admin-', 'sk-None-'], '[A-Za-z0-9_-]{20,74}T3BlbkFJ[A-Za-z0-9_-]{20,74}', revokeFix('OpenAI platform, API keys'), {
    tail: URLSAFE_TAIL,
    gitleaks: 'openai-api-key',
  }),
  {
    id: 'openai-api-key-legacy',
    title: 'OpenAI API key',
    severity: 'critical',
    confidence: 'high',
    // `T3BlbkFJ` is base64 of "OpenAI" and sits 23 characters in; anchor on it rather than on the common `sk-`.
    keywords: ['t3blbkfj'],
    anchor: -23,
    pattern: /sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}(?![A-Za-z0-9])/y,
    notAfter: /[A-Za-z0-9]/,
    fixedPrefix: 3,
    fix: revokeFix('OpenAI platform, API keys'),
    gitleaks: 'openai-api-key',
  },
  prefixedToken('huggingface-token', 'Hugging Face access token', 'high', ['hf_', 'api_org_'], '[A-Za-z]{34}', revokeFix('Hugging Face, Settings, Access Tokens'), { minEntropy: 3.5, gitleaks: 'huggingface-access-token' }),
  prefixedToken('groq-api-key', 'Groq API key', 'high', ['gsk_'], '[A-Za-z0-9]{52}', revokeFix('GroqCloud console, API keys'), { minEntropy: 3.5 }),
  prefixedToken('perplexity-api-key', 'Perplexity API key', 'high', ['pplx-'], '[A-Za-z0-9]{48}', revokeFix('Perplexity, API settings'), { minEntropy: 3.5, gitleaks: 'perplexity-api-key' }),
  prefixedToken('xai-api-key', 'xAI API key', 'high', ['xai-'], '[A-Za-z0-9]{80}', revokeFix('xAI console, API keys'), { minEntropy: 3.5 }),
  prefixedToken('replicate-api-token', 'Replicate API token', 'high', ['r8_'], '[A-Za-z0-9]{37}', revokeFix('Replicate, Account, API tokens'), { minEntropy: 3.5 }),
  prefixedToken('langsmith-api-key', 'LangSmith API key', 'high', ['lsv2_pt_', 'lsv2_sk_'], '[a-f0-9]{32}_[a-f0-9]{10}', revokeFix('LangSmith, Settings, API keys'), { gitleaks: 'langsmith-api-key' }),
];

export const OBSERVABILITY_RULES: readonly SecretRule[] = [
  prefixedToken('grafana-cloud-token', 'Grafana Cloud or service account token', 'high', ['glc_', 'glsa_'], '[A-Za-z0-9+/_]{32,400}={0,2}', revokeFix('Grafana, Administration, Service accounts or Cloud access policies'), {
    tail: '(?![A-Za-z0-9+/_=])',
    minEntropy: 3.5,
    gitleaks: 'grafana-cloud-api-token',
  }),
  prefixedToken('new-relic-key', 'New Relic key', 'high', ['NRAK-', 'NRJS-', 'NRII-'], '[A-Za-z0-9_-]{19,32}', revokeFix('New Relic, API keys'), {
    tail: URLSAFE_TAIL,
    minEntropy: 3,
    gitleaks: 'new-relic-user-api-key',
  }),
  // An organization token is base64 JSON that starts with the time it was issued, then `_` and 43 characters; a user token is 64 hexadecimal digits.
  prefixedToken('sentry-token', 'Sentry auth token', 'high', ['sntrys_', 'sntryu_'], '(?<=sntrys_)eyJpYXQiO[A-Za-z0-9+/]{20,400}={0,2}_[A-Za-z0-9+/]{43}|(?<=sntryu_)[a-f0-9]{64}', revokeFix('Sentry, Settings, Auth Tokens'), {
    tail: '(?![A-Za-z0-9+/_=])',
    minEntropy: 3.5,
    gitleaks: 'sentry-org-token',
  }),
  prefixedToken('dynatrace-token', 'Dynatrace API token', 'high', ['dt0c01.'], '[A-Za-z0-9]{24}\\.[A-Za-z0-9]{64}', revokeFix('Dynatrace, Access tokens'), { gitleaks: 'dynatrace-api-token' }),
  assignedValue('datadog-api-key', 'Datadog API or application key', 'high', ['datadog', 'dd_api_key', 'dd_app_key', 'dd_application_key', 'ddapikey'], '[a-f0-9]{32}(?:[a-f0-9]{8})?', revokeFix('Datadog, Organization settings, API keys'), {
    minEntropy: 3,
    gitleaks: 'datadog-access-token',
  }),
  prefixedToken('shopify-token', 'Shopify access token', 'high', ['shpat_', 'shpca_', 'shppa_', 'shpss_'], '[a-fA-F0-9]{32}', revokeFix('Shopify admin, Apps'), { gitleaks: 'shopify-access-token' }),
  prefixedToken('onepassword-service-account-token', '1Password service account token', 'critical', ['ops_eyJ'], '[A-Za-z0-9+/]{250,2000}={0,3}', revokeFix('1Password, Developer, Service accounts'), {
    tail: '(?![A-Za-z0-9+/=])',
    gitleaks: '1password-service-account-token',
  }),
];
