/**
 * For users who come from gitleaks: which Bellwether rule finds the secrets
 * of each of gitleaks' default rules. Most rules name their gitleaks
 * equivalent in `gitleaks`; this table adds the gitleaks rules that one of
 * ours covers besides the one it names (a rule that lists several prefixes,
 * a keyword rule that accepts several of a vendor's values).
 */
import type { SecretRule } from './rule.js';

/** gitleaks rule id to the Bellwether rule (or file rule) that finds the same secret, where the rule does not name it. */
export const GITLEAKS_ALSO_COVERED: Readonly<Record<string, string>> = {
  'anthropic-admin-api-key': 'anthropic-api-key',
  'bitbucket-client-id': 'bitbucket-client-credentials',
  'bittrex-access-key': 'bittrex-api-key',
  'cloudflare-global-api-key': 'cloudflare-api-token',
  'confluent-access-token': 'confluent-api-key',
  'digitalocean-access-token': 'digitalocean-token',
  'digitalocean-refresh-token': 'digitalocean-token',
  'discord-client-secret': 'discord-app-credentials',
  'dropbox-api-token': 'dropbox-app-token',
  'easypost-test-api-token': 'easypost-api-key',
  'finicity-client-secret': 'finicity-credentials',
  'gcp-service-account': 'gcp-service-account-file',
  'flutterwave-public-key': 'flutterwave-key',
  'gitlab-cicd-job-token': 'gitlab-token',
  'gitlab-feature-flag-client-token': 'gitlab-token',
  'gitlab-feed-token': 'gitlab-token',
  'gitlab-incoming-mail-token': 'gitlab-token',
  'gitlab-pat-routable': 'gitlab-pat',
  'gitlab-runner-authentication-token': 'gitlab-token',
  'gitlab-runner-authentication-token-routable': 'gitlab-token',
  'gitlab-scim-token': 'gitlab-token',
  'grafana-service-account-token': 'grafana-cloud-token',
  'huggingface-organization-api-token': 'huggingface-token',
  'jfrog-identity-token': 'jfrog-api-key',
  'kubernetes-secret-yaml': 'kubernetes-secret-manifest',
  'kucoin-access-token': 'kucoin-api-key',
  'linkedin-client-id': 'linkedin-client-credentials',
  'lob-pub-api-key': 'lob-api-key',
  'mailgun-pub-key': 'mailgun-key',
  'messagebird-client-id': 'messagebird-api-key',
  'new-relic-browser-api-token': 'new-relic-key',
  'new-relic-insert-key': 'new-relic-key',
  'pkcs12-file': 'key-store-file',
  'plaid-client-id': 'plaid-client-credentials',
  'planetscale-oauth-token': 'planetscale-token',
  'planetscale-password': 'planetscale-token',
  'sendbird-access-id': 'sendbird-token',
  'sentry-user-token': 'sentry-token',
  'settlemint-application-access-token': 'settlemint-token',
  'settlemint-service-access-token': 'settlemint-token',
  'shopify-custom-access-token': 'shopify-token',
  'shopify-private-app-access-token': 'shopify-token',
  'shopify-shared-secret': 'shopify-token',
  'sidekiq-sensitive-url': 'url-credentials',
  'slack-config-refresh-token': 'slack-user-token',
  'sumologic-access-id': 'sumologic-key',
  'twitter-access-secret': 'twitter-app-credentials',
  'twitter-access-token': 'twitter-app-credentials',
  'twitter-api-key': 'twitter-app-credentials',
  'vault-batch-token': 'hashicorp-vault-token',
  'yandex-access-token': 'yandex-cloud-credentials',
};

/**
 * gitleaks rules whose values Bellwether does not report, and why. Each is a
 * public identifier that shares its shape with ordinary ids, so reporting it
 * would fail builds on harmless code.
 */
export const GITLEAKS_NOT_COVERED: Readonly<Record<string, string>> = {};

/** Every gitleaks rule id that `rules` cover, with the Bellwether rule ids that cover it. */
export function gitleaksCoverage(rules: readonly SecretRule[]): Map<string, string[]> {
  const coverage = new Map<string, string[]>();
  const add = (gitleaksId: string, ruleId: string): void => {
    coverage.set(gitleaksId, [...(coverage.get(gitleaksId) ?? []), ruleId]);
  };
  for (const rule of rules) if (rule.gitleaks) add(rule.gitleaks, rule.id);
  for (const [gitleaksId, ruleId] of Object.entries(GITLEAKS_ALSO_COVERED)) add(gitleaksId, ruleId);
  return coverage;
}
