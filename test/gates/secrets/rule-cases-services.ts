/**
 * Cases for the rules of services, finance, further prefixed tokens and HTTP
 * credentials: lines that must be found and near misses that must not. Every
 * token is generated here, at test time.
 */
import { ALNUM, BASE64, DIGITS, Fake, LOWER, UPPER, URLSAFE } from './fake-secrets.js';

/** One rule's table: the lines it must find and the near misses it must not. */
export interface RuleCase {
  readonly rule: string;
  /** Path of the scanned file; `src/settings.txt` when absent. */
  readonly file?: string;
  readonly yes: readonly string[];
  readonly no: readonly string[];
}

const f = new Fake(20261123);
const UPPER_ALNUM = UPPER + DIGITS;
const LOWER_ALNUM = LOWER + DIGITS;
const uuid = (): string => `${f.hex(8)}-${f.hex(4)}-${f.hex(4)}-${f.hex(4)}-${f.hex(12)}`;
/** Mixed-case alphanumerics that always hold a digit and a letter. */
const mixed = (n: number): string => f.password(n);

/** A JSON Web Token of the given header, with a generated payload and signature. */
const jwt = (header: string): string =>
  `${Buffer.from(header).toString('base64url')}.${Buffer.from(`{"sub":"${f.alnum(12)}","iat":1700000000}`).toString('base64url')}.${f.chars(URLSAFE, 43)}`;

export const SERVICE_CASES: readonly RuleCase[] = [
  // Developer services
  {
    rule: 'adafruit-io-key',
    yes: [`ADAFRUIT_IO_KEY=${mixed(32)}`],
    no: [`ADAFRUIT_IO_KEY=${mixed(31)}`, 'ADAFRUIT_IO_KEY=${AIO_KEY}'],
  },
  {
    rule: 'adobe-client-id',
    yes: [`adobe_client_id: "${f.hex(32)}"`],
    no: [`adobe_client_id: "${f.hex(30)}"`, `adobe_client_id: "${f.chars('ghijkl', 32)}"`],
  },
  {
    rule: 'airtable-api-key',
    yes: [`AIRTABLE_API_KEY=key${mixed(14)}`, `airtableToken = "pat${mixed(14)}.${f.hex(64)}"`],
    no: [`AIRTABLE_BASE=app${mixed(10)}`, `AIRTABLE_API_KEY=key${mixed(20)}`],
  },
  {
    rule: 'algolia-api-key',
    yes: [`ALGOLIA_ADMIN_KEY=${f.hex(32)}`],
    no: [`ALGOLIA_APP_ID=${f.chars(UPPER_ALNUM, 10)}`, `algolia_index = "${'products'.repeat(4)}"`],
  },
  {
    rule: 'asana-numeric-token',
    yes: [`ASANA_TOKEN=${f.chars(DIGITS, 16)}`, `asanaSecret: "${f.chars(DIGITS, 16)}"`],
    no: [
      `asana_project_gid = "${f.chars(DIGITS, 16)}"`,
      `ASANA_CLIENT_ID=${f.chars(DIGITS, 16)}`,
      `ASANA_TOKEN=${'0'.repeat(16)}`,
    ],
  },
  {
    rule: 'asana-client-secret',
    yes: [`ASANA_CLIENT_SECRET=${mixed(32)}`],
    no: [`ASANA_CLIENT_SECRET=${mixed(30)}`, `asana_project_gid = "${f.chars(DIGITS, 16)}"`],
  },
  {
    rule: 'beamer-api-key',
    yes: [`BEAMER_API_KEY=b_${f.chars(URLSAFE, 43)}1`],
    no: [`BEAMER_API_KEY=${f.chars(URLSAFE, 44)}`, `BEAMER_API_KEY=b_${f.chars(URLSAFE, 30)}`],
  },
  {
    rule: 'bitbucket-client-credentials',
    yes: [`BITBUCKET_CLIENT_ID=${mixed(32)}`, `bitbucket.secret = ${mixed(64)}`],
    no: [`BITBUCKET_CLIENT_ID=${mixed(20)}`, `BITBUCKET_WORKSPACE=${'acme'.repeat(8)}`],
  },
  {
    rule: 'cisco-meraki-api-key',
    yes: [`MERAKI_DASHBOARD_API_KEY=${f.hex(40)}`],
    no: [`MERAKI_DASHBOARD_API_KEY=${f.hex(39)}`, `MERAKI_ORG=${f.chars(DIGITS, 6)}`],
  },
  {
    rule: 'codecov-token',
    yes: [`CODECOV_TOKEN=${uuid()}`],
    no: [`CODECOV_TOKEN=${uuid().slice(0, 30)}`, 'CODECOV_TOKEN=${{ secrets.CODECOV_TOKEN }}'],
  },
  {
    rule: 'cohere-api-key',
    yes: [`CO_API_KEY=${mixed(40)}`, `cohere_key: "${mixed(40)}"`],
    no: [`CO_API_KEY=${mixed(39)}`, `cohere_model: "${'command'.repeat(5)}r1234"`],
  },
  {
    rule: 'confluent-api-key',
    yes: [`CONFLUENT_CLOUD_API_KEY=${f.chars(UPPER_ALNUM, 15)}1`, `confluent_secret = "${mixed(64)}"`],
    no: [`CONFLUENT_CLOUD_API_KEY=${f.chars(UPPER_ALNUM, 15)}`, `confluent_cluster = "lkc-${f.chars(LOWER_ALNUM, 5)}"`],
  },
  {
    rule: 'contentful-api-token',
    yes: [`CONTENTFUL_ACCESS_TOKEN=${f.chars(URLSAFE, 42)}1`],
    no: [`CONTENTFUL_ACCESS_TOKEN=${f.chars(URLSAFE, 40)}`, `CONTENTFUL_SPACE_ID=${f.chars(LOWER_ALNUM, 12)}`],
  },
  {
    rule: 'droneci-token',
    yes: [`DRONE_TOKEN=${mixed(32)}`],
    no: [`DRONE_TOKEN=${mixed(33)}`, 'DRONE_TOKEN=${DRONE_SECRET}'],
  },
  {
    rule: 'fastly-api-token',
    yes: [`FASTLY_API_TOKEN=${f.chars(URLSAFE, 31)}7`],
    no: [`FASTLY_API_TOKEN=${f.chars(URLSAFE, 20)}`, `fastly_service_id = "${f.chars(ALNUM, 22)}"`],
  },
  { rule: 'gitter-token', yes: [`GITTER_TOKEN=${f.hex(40)}`], no: [`GITTER_ROOM=${f.hex(24)}`] },
  {
    rule: 'hubspot-api-key',
    yes: [`HUBSPOT_API_KEY=${uuid()}`, `hubspotKey: "${uuid().toUpperCase()}"`],
    no: [
      `HUBSPOT_PORTAL_ID=${f.chars(DIGITS, 8)}`,
      `hubspot_form_id: "${uuid()}"`,
      `HUBSPOT_API_KEY=${uuid().slice(0, 35)}`,
    ],
  },
  {
    rule: 'intercom-token',
    yes: [`INTERCOM_ACCESS_TOKEN=${f.chars(URLSAFE, 59)}=`],
    no: [`INTERCOM_ACCESS_TOKEN=${f.chars(URLSAFE, 50)}`, `INTERCOM_APP_ID=${f.chars(LOWER_ALNUM, 8)}`],
  },
  {
    rule: 'jfrog-api-key',
    yes: [`ARTIFACTORY_API_KEY=${mixed(73)}`, `jfrog_identity_token = "${mixed(64)}"`],
    no: [`ARTIFACTORY_API_KEY=${mixed(70)}`, `JFROG_URL=https://acme.jfrog.io/artifactory`],
  },
  {
    rule: 'launchdarkly-token',
    yes: [`LAUNCHDARKLY_ACCESS_TOKEN=${f.chars(URLSAFE, 39)}2`],
    no: [`LAUNCHDARKLY_CLIENT_SIDE_ID=${f.hex(24)}`, `LAUNCHDARKLY_ACCESS_TOKEN=${f.chars(URLSAFE, 30)}`],
  },
  {
    rule: 'linear-client-secret',
    yes: [`LINEAR_CLIENT_SECRET=${f.hex(32)}`],
    no: [`linear-gradient(to right, #${f.hex(6)}, #${f.hex(6)})`, `LINEAR_CLIENT_SECRET=${f.hex(31)}`],
  },
  {
    rule: 'netlify-access-token',
    yes: [`NETLIFY_AUTH_TOKEN=${f.chars(URLSAFE, 42)}9`],
    no: [`NETLIFY_SITE_ID=${uuid()}`, `NETLIFY_AUTH_TOKEN=${f.chars(URLSAFE, 30)}`],
  },
  {
    rule: 'new-relic-user-api-id',
    yes: [`NEW_RELIC_API_KEY=${mixed(64)}`],
    no: [`NEW_RELIC_APP_NAME=${'checkout'.repeat(8)}`, `NEW_RELIC_API_KEY=${mixed(60)}`],
  },
  { rule: 'privateai-api-key', yes: [`PRIVATE_AI_API_KEY=${mixed(32)}`], no: [`PRIVATE_AI_URL=${mixed(20)}`] },
  {
    rule: 'rapidapi-key',
    yes: [`X_RAPIDAPI_KEY=${f.chars(URLSAFE, 49)}5`],
    no: [`X_RAPIDAPI_HOST=${f.chars(LOWER, 20)}.p.rapidapi.com`],
  },
  {
    rule: 'sentry-legacy-token',
    yes: [`SENTRY_AUTH_TOKEN=${f.hex(64)}`],
    no: [`SENTRY_DSN=https://${f.hex(32)}@o1.ingest.sentry.io/1`, `SENTRY_AUTH_TOKEN=${f.hex(63)}`],
  },
  {
    rule: 'sidekiq-credentials',
    yes: [
      `BUNDLE_ENTERPRISE__CONTRIBSYS__COM=${f.hex(8)}:${f.hex(8)}`,
      `export BUNDLE_GEMS__CONTRIBSYS__COM="${f.hex(8)}:${f.hex(8)}"`,
    ],
    no: [`BUNDLE_GEMS__CONTRIBSYS__COM=${f.hex(8)}`, 'BUNDLE_GEMS__CONTRIBSYS__COM=${SIDEKIQ_CREDS}'],
  },
  {
    rule: 'sonar-token',
    yes: [`SONAR_TOKEN=${f.hex(40)}`, `sonar.login=${f.hex(40)}`],
    no: [
      `SONAR_HOST_URL=https://sonarcloud.io`,
      `sonar.scm.revision=${f.hex(40)}`,
      'sonar.projectKey=acme-corp_checkout-service-payments-api2',
    ],
  },
  {
    rule: 'sourcegraph-token-legacy',
    yes: [`SOURCEGRAPH_ACCESS_TOKEN=${f.hex(40)}`],
    no: [`SOURCEGRAPH_URL=https://sourcegraph.example.org`, `SOURCEGRAPH_ACCESS_TOKEN=${f.hex(39)}`],
  },
  {
    rule: 'sumologic-key',
    yes: [
      `SUMO_ACCESS_ID=su${mixed(12)}`,
      `SUMO_ACCESS_KEY=${mixed(64)}`,
      `sumoKey = su${mixed(12)}`,
      `SUMO_ACCESS_ID=suQrTvWxyZaBcD`,
    ],
    no: [
      `SUMO_ACCESS_ID=${mixed(14)}`,
      `SUMO_ENDPOINT=https://api.sumologic.com`,
      `sumObj = su${mixed(12)}`,
      `sumOfValues = ${mixed(64)};`,
    ],
  },
  {
    rule: 'travisci-token',
    yes: [`TRAVIS_TOKEN=${mixed(22)}`],
    no: [`TRAVIS_TOKEN=${mixed(21)}`, `TRAVIS_BRANCH=${'release'.repeat(3)}1`],
  },
  {
    rule: 'zendesk-api-token',
    yes: [`ZENDESK_API_TOKEN=${mixed(40)}`],
    no: [`ZENDESK_SUBDOMAIN=${mixed(12)}`, `ZENDESK_API_TOKEN=${mixed(39)}`],
  },
  // Messaging and social
  {
    rule: 'discord-numeric-token',
    yes: [`DISCORD_BOT_TOKEN=${f.chars(DIGITS, 18)}`, `discordKey = '${f.chars(DIGITS, 19)}'`],
    no: [
      `discord_channel_id: ${f.chars(DIGITS, 18)}`,
      `DISCORD_GUILD=${f.chars(DIGITS, 18)}`,
      `discord=${'0'.repeat(18)}`,
    ],
  },
  {
    rule: 'discord-app-credentials',
    yes: [
      `DISCORD_BOT_TOKEN=M${f.chars(URLSAFE, 23)}1.${f.chars(URLSAFE, 6)}.${f.chars(URLSAFE, 38)}`,
      `discord_api_token = "${f.hex(64)}"`,
      `DISCORD_CLIENT_SECRET=${f.chars(URLSAFE, 31)}3`,
    ],
    no: [
      `DISCORD_CHANNEL_ID=${f.chars(DIGITS, 18)}`,
      `discord_client_id = "${f.chars(DIGITS, 18)}"`,
      `DISCORD_CLIENT_SECRET=${f.chars(URLSAFE, 28)}`,
    ],
  },
  {
    rule: 'dropbox-app-token',
    yes: [
      `DROPBOX_ACCESS_TOKEN=${mixed(11)}AAAAAAAAAA${f.chars(URLSAFE, 42)}1`,
      `dropbox_app_key = "${f.chars(LOWER_ALNUM, 14)}7"`,
    ],
    no: [`DROPBOX_ACCESS_TOKEN=${mixed(60)}`, `dropbox_folder = "${'photos'.repeat(3)}"`],
  },
  {
    rule: 'facebook-app-secret',
    yes: [`FACEBOOK_APP_SECRET=${f.hex(32)}`],
    no: [`FACEBOOK_APP_ID=${f.chars(DIGITS, 15)}`, `FACEBOOK_APP_SECRET=${f.hex(30)}`],
  },
  {
    rule: 'facebook-app-access-token',
    yes: [
      `FACEBOOK_ACCESS_TOKEN=${f.chars(DIGITS, 15)}|${f.chars(URLSAFE, 27)}`,
      `facebook_token = "${f.chars(DIGITS, 16)}%7C${f.chars(URLSAFE, 30)}"`,
    ],
    no: [`FACEBOOK_ACCESS_TOKEN=${f.chars(DIGITS, 15)}|${f.chars(URLSAFE, 10)}`],
  },
  {
    rule: 'flickr-api-key',
    yes: [`FLICKR_API_KEY=${f.hex(32)}`],
    no: [`FLICKR_USER=${f.chars(DIGITS, 8)}@N0${f.chars(DIGITS, 1)}`],
  },
  {
    rule: 'linkedin-client-credentials',
    yes: [`LINKEDIN_CLIENT_ID=${f.chars(LOWER_ALNUM, 13)}4`, `linkedin_client_secret: "${mixed(16)}"`],
    no: [`LINKEDIN_CLIENT_ID=${f.chars(LOWER_ALNUM, 12)}`, `linkedin_profile: "${'janedoe'.repeat(2)}"`],
  },
  {
    rule: 'looker-client-credentials',
    yes: [`LOOKER_CLIENT_ID=${mixed(20)}`, `looker_client_secret: "${mixed(24)}"`],
    no: [`LOOKER_BASE_URL=https://acme.cloud.looker.com`, `LOOKER_CLIENT_ID=${mixed(22)}`],
  },
  {
    rule: 'mattermost-token',
    yes: [`MATTERMOST_TOKEN=${f.chars(LOWER_ALNUM, 25)}1`],
    no: [`MATTERMOST_URL=https://chat.example.org`, `MATTERMOST_TOKEN=${f.chars(LOWER_ALNUM, 20)}`],
  },
  {
    rule: 'messagebird-api-key',
    yes: [`MESSAGEBIRD_API_KEY=${mixed(25)}`, `message_bird_workspace = "${uuid()}"`],
    no: [`MESSAGEBIRD_API_KEY=${mixed(24)}`],
  },
  {
    rule: 'nytimes-api-key',
    yes: [`NYTIMES_API_KEY=${f.chars(URLSAFE, 31)}8`],
    no: [`NYTIMES_SECTION=${'world'.repeat(4)}`],
  },
  {
    rule: 'sendbird-token',
    yes: [`SENDBIRD_API_TOKEN=${f.hex(40)}`, `sendbird_app_id: "${uuid().toUpperCase()}"`],
    no: [`SENDBIRD_API_TOKEN=${f.hex(39)}`],
  },
  { rule: 'squarespace-api-key', yes: [`SQUARESPACE_API_KEY=${uuid()}`], no: [`SQUARESPACE_SITE=${mixed(20)}`] },
  {
    rule: 'twitch-api-token',
    yes: [`TWITCH_CLIENT_SECRET=${f.chars(LOWER_ALNUM, 29)}5`],
    no: [`TWITCH_CLIENT_SECRET=${f.chars(LOWER_ALNUM, 28)}`, `twitch_channel = "${'speedrun'.repeat(3)}"`],
  },
  {
    rule: 'twitter-app-credentials',
    yes: [
      `TWITTER_API_KEY=${mixed(25)}`,
      `TWITTER_API_SECRET=${mixed(50)}`,
      `TWITTER_ACCESS_SECRET=${mixed(45)}`,
      `twitter_access_token = "${f.chars(DIGITS, 19)}-${mixed(30)}"`,
    ],
    no: [`TWITTER_HANDLE=${'bellwether'.repeat(2)}`, `TWITTER_API_KEY=${mixed(26)}`],
  },
  {
    rule: 'yandex-cloud-credentials',
    yes: [
      `YANDEX_IAM_TOKEN=t1.${f.chars(URLSAFE, 30)}.${f.chars(URLSAFE, 85)}1`,
      `yandex_access_key_id = "YC${mixed(38)}"`,
    ],
    no: [`YANDEX_FOLDER_ID=b1g${f.chars(LOWER_ALNUM, 17)}`, `yandex_access_key_id = "YC${mixed(20)}"`],
  },
  // Finance
  {
    rule: 'bittrex-api-key',
    yes: [`BITTREX_API_KEY=${f.hex(32)}`, `bittrex_secret: "${mixed(32)}"`],
    no: [`BITTREX_API_KEY=${f.hex(31)}`],
  },
  {
    rule: 'coinbase-api-key',
    yes: [`COINBASE_API_SECRET=${f.chars(URLSAFE, 63)}0`],
    no: [`COINBASE_API_SECRET=${f.chars(URLSAFE, 40)}`, `coinbase_product = "BTC-USD"`],
  },
  {
    rule: 'kraken-api-key',
    yes: [`KRAKEN_PRIVATE_KEY=${f.chars(BASE64, 84)}2a==`],
    no: [`KRAKEN_PRIVATE_KEY=${f.chars(BASE64, 60)}`, `kraken_pair = "XBTUSD"`],
  },
  {
    rule: 'kucoin-api-key',
    yes: [`KUCOIN_API_KEY=${f.hex(24)}`, `kucoin_secret = "${uuid()}"`],
    no: [`KUCOIN_API_KEY=${f.hex(23)}`, 'KUCOIN_PASSPHRASE=${KUCOIN_PASSPHRASE}'],
  },
  {
    rule: 'finicity-credentials',
    yes: [`FINICITY_APP_KEY=${f.hex(32)}`, `finicity_partner_secret = "${mixed(20)}"`],
    no: [`FINICITY_PARTNER_ID=${f.chars(DIGITS, 13)}`],
  },
  {
    rule: 'finnhub-api-key',
    yes: [`FINNHUB_API_KEY=${f.chars(LOWER_ALNUM, 19)}1`],
    no: [`FINNHUB_API_KEY=${f.chars(LOWER_ALNUM, 18)}`],
  },
  {
    rule: 'freshbooks-token',
    yes: [`FRESHBOOKS_ACCESS_TOKEN=${f.hex(64)}`],
    no: [`FRESHBOOKS_ACCOUNT_ID=${mixed(6)}`, `FRESHBOOKS_ACCESS_TOKEN=${f.hex(60)}`],
  },
  {
    rule: 'gocardless-token',
    yes: [
      `GOCARDLESS_ACCESS_TOKEN=live_${f.chars(URLSAFE, 39)}4`,
      `gocardless_token: "sandbox_${f.chars(URLSAFE, 39)}x"`,
    ],
    no: [`GOCARDLESS_ACCESS_TOKEN=${f.chars(URLSAFE, 45)}`, `GOCARDLESS_ACCESS_TOKEN=live_${f.chars(URLSAFE, 30)}`],
  },
  {
    rule: 'lob-api-key',
    yes: [`LOB_API_KEY=live_${f.hex(35)}`, `lob_pub_key = "test_pub_${f.hex(31)}"`, `lobToken = "test_${f.hex(35)}"`],
    no: [`blob_name = "test_${f.hex(35)}"`, `global_key: live_${f.hex(35)}`, `LOB_API_KEY=live_${f.hex(34)}`],
  },
  {
    rule: 'plaid-client-credentials',
    yes: [`PLAID_SECRET=${f.chars(LOWER_ALNUM, 29)}3`, `plaid_client_id: "${f.chars(LOWER_ALNUM, 23)}a"`],
    no: [`PLAID_ENV=sandbox`, `PLAID_SECRET=${f.chars(LOWER_ALNUM, 28)}`],
  },
  {
    rule: 'etsy-api-key',
    yes: [`ETSY_API_KEY=${f.chars(LOWER_ALNUM, 23)}5`],
    no: [
      `ETSY_SHOP=${'handmade'.repeat(3)}`,
      `ETSY_API_KEY=${f.chars(LOWER_ALNUM, 22)}`,
      `SetSysctl = "${f.chars(LOWER_ALNUM, 23)}5"`,
    ],
  },
  {
    rule: 'atlassian-legacy-token',
    yes: [
      `JIRA_API_TOKEN=${f.chars(LOWER_ALNUM, 20)}${f.hex(3)}a`,
      `confluenceToken = "${f.chars(LOWER_ALNUM, 20)}${f.hex(3)}b"`,
    ],
    no: [
      `JIRA_PROJECT=${'platform'.repeat(3)}`,
      `jira_token = "${f.chars(UPPER, 24)}"`,
      `ninjira_token = "${f.chars(LOWER_ALNUM, 20)}${f.hex(3)}c"`,
    ],
  },
  {
    rule: 'mailgun-key',
    yes: [`MAILGUN_SIGNING_KEY=${f.hex(32)}-${f.hex(8)}-${f.hex(8)}`, `mailgun_validation_key = "pubkey-${f.hex(32)}"`],
    no: [`MAILGUN_DOMAIN=mg.example.org`, `mailgun_validation_key = "pubkey-${f.hex(30)}"`],
  },
  {
    rule: 'flutterwave-encryption-key',
    yes: [`FLW_ENCRYPTION_KEY=FLWSECK_TEST-${f.chars('abcdefgh0123456789', 11)}9`],
    no: [`FLWSECK_TEST-${f.chars('abcdefgh0123456789', 13)}`, `FLWSECK_TEST-${f.chars('abcdefgh0123456789', 10)}`],
  },
  {
    rule: 'freemius-secret-key',
    file: 'wp-content/plugins/acme/acme.php',
    yes: [`    'secret_key' => 'sk_${f.chars(ALNUM + '!#$%&*+-', 28)}1',`],
    no: [`    'secret_key' => 'sk_${f.alnum(20)}',`, `    'public_key' => 'pk_${f.alnum(29)}',`],
  },
  { rule: 'freemius-secret-key', file: 'src/settings.py', yes: [], no: [`    'secret_key' => 'sk_${f.alnum(28)}1',`] },
  {
    rule: 'adyen-api-key',
    yes: [`ADYEN_API_KEY=AQE${f.chars(LOWER_ALNUM, 6)}.${f.chars(URLSAFE, 59)}=`],
    no: [
      `AQE${f.chars(LOWER_ALNUM, 6)}.${f.chars(URLSAFE, 30)}`,
      `MIIBAQE${f.chars(LOWER_ALNUM, 6)}.${f.chars(URLSAFE, 60)}`,
    ],
  },
  {
    rule: 'adyen-client-key',
    yes: [`ADYEN_CLIENT_KEY=test_${mixed(34)}`],
    no: [`ADYEN_CLIENT_KEY=prod_${mixed(34)}`, `ADYEN_MERCHANT=test_${mixed(12)}`],
  },
  {
    rule: 'braintree-tokenization-key',
    yes: [`BRAINTREE_TOKENIZATION_KEY=sandbox_${f.chars(LOWER_ALNUM, 7)}1_${f.chars(LOWER_ALNUM, 15)}2`],
    no: [`BRAINTREE_TOKENIZATION_KEY=development_${f.chars(LOWER_ALNUM, 8)}_${f.chars(LOWER_ALNUM, 16)}`],
  },
  {
    rule: 'chargebee-api-key',
    yes: [`CHARGEBEE_API_KEY=live_${mixed(32)}`],
    no: [`CHARGEBEE_SITE=acme-test`, `CHARGEBEE_API_KEY=live_${mixed(20)}`],
  },
  // Further prefixed tokens
  {
    rule: 'castai-api-key',
    yes: [`CASTAI_API_TOKEN=castai_v1_${f.hex(64)}_${f.hex(8)}`],
    no: [`test_v1_${f.hex(64)}_${f.hex(8)}`, `castai_v1_${f.hex(64)}`],
  },
  {
    rule: 'django-insecure-secret-key',
    yes: [
      `SECRET_KEY = 'django-insecure-${f.chars(LOWER_ALNUM + '!@#%^&*(-_=+)', 50)}'`,
      `DJANGO_SECRET_KEY=django-insecure-${f.chars(LOWER_ALNUM, 50)}`,
    ],
    no: [
      "SECRET_KEY = 'django-insecure-{{ secret_key }}'",
      'SECRET_KEY = f"django-insecure-{secrets.token_urlsafe(50)}"',
      `SECRET_KEY = 'django-insecure-${f.chars(LOWER_ALNUM, 10)}'`,
    ],
  },
  {
    rule: 'azure-data-factory-runtime-key',
    yes: [`IR@${uuid()}@adf-checkout-001@we@${f.chars(BASE64, 43)}=`],
    no: [`IR@${uuid()}@adf-checkout-001@we@${f.chars(BASE64, 20)}`, `sir@${uuid()}@adf@we@${f.chars(BASE64, 43)}=`],
  },
  {
    rule: 'onepassword-secret-key',
    yes: [
      `OP_SECRET_KEY=A3-${f.chars(UPPER_ALNUM, 6)}-${f.chars(UPPER_ALNUM, 11)}-${f.chars(UPPER_ALNUM, 5)}-${f.chars(UPPER_ALNUM, 5)}-${f.chars(UPPER_ALNUM, 5)}`,
      `A3-${f.chars(UPPER_ALNUM, 6)}-${f.chars(UPPER_ALNUM, 6)}-${f.chars(UPPER_ALNUM, 5)}-${f.chars(UPPER_ALNUM, 5)}-${f.chars(UPPER_ALNUM, 5)}-${f.chars(UPPER_ALNUM, 5)}`,
    ],
    no: [
      `A3-XXXXXX-XXXXXXXXXXX-XXXXX-XXXXX-XXXXX`,
      `A3-${f.chars(UPPER_ALNUM, 6)}-${f.chars(UPPER_ALNUM, 11)}-${f.chars(UPPER_ALNUM, 5)}`,
    ],
  },
  {
    rule: 'adobe-client-secret',
    yes: [`ADOBE_CLIENT_SECRET=p8e-${mixed(32)}`],
    no: [`p8e-${mixed(31)}`, `xp8e-${mixed(32)}`],
  },
  {
    rule: 'adafruit-io-key-prefixed',
    yes: [`io_key = "aio_${mixed(28)}"`],
    no: [`aio_${mixed(27)}`, 'from aio_pika import connect_robust'],
  },
  {
    rule: 'clickhouse-cloud-secret',
    yes: [`CLICKHOUSE_KEY_SECRET=4b1d${mixed(36)}Aa`],
    no: [`sha = "${f.hex(12)}4b1d${f.hex(24)}"`, `4b1d${f.hex(38)}`, `4b1d${mixed(30)}`],
  },
  {
    rule: 'contentful-management-token',
    yes: [`CONTENTFUL_MANAGEMENT_TOKEN=CFPAT-${f.chars(URLSAFE, 42)}1`],
    no: [`CFPAT-${f.chars(URLSAFE, 30)}`],
  },
  {
    rule: 'gitlab-session-cookie',
    yes: [`Cookie: _gitlab_session=${f.chars(LOWER_ALNUM, 31)}1`],
    no: [`Cookie: _gitlab_session=${f.chars(LOWER_ALNUM, 20)}`, `_gitlab_session=${'0'.repeat(32)}`],
  },
  { rule: 'grafana-api-key', yes: [`GRAFANA_API_KEY=eyJrIjoi${mixed(90)}==`], no: [`eyJrIjoi${mixed(40)}`] },
  {
    rule: 'hubspot-private-app-token',
    yes: [`HUBSPOT_ACCESS_TOKEN=pat-na1-${uuid()}`, `pat-eu1-${uuid()}`],
    no: [`pat-na1-${f.hex(20)}`, `compat-na1-${uuid()}`],
  },
  { rule: 'intra42-client-secret', yes: [`FT_SECRET=s-s4t2ud-${f.hex(64)}`], no: [`s-s4t2ud-${f.hex(40)}`] },
  {
    rule: 'settlemint-token',
    yes: [`SETTLEMINT_ACCESS_TOKEN=sm_pat_${mixed(16)}`, `sm_aat_${mixed(16)}`],
    no: [`sm_pat_${mixed(15)}`, `asm_pat_${mixed(16)}`],
  },
  {
    rule: 'slack-legacy-bot-token',
    yes: [`SLACK_TOKEN=xoxb-${f.chars(DIGITS, 11)}-${mixed(24)}`],
    no: [`xoxb-${f.chars(DIGITS, 11)}-${mixed(12)}`, `xoxb-${f.chars(DIGITS, 11)}-${'x'.repeat(24)}`],
  },
  {
    rule: 'slack-workspace-token',
    yes: [
      `xoxa-2-${mixed(40)}`,
      `xoxr-${mixed(30)}`,
      `SLACK_TOKEN=xoxa-2-${f.chars(DIGITS, 9)}-${f.chars(DIGITS, 11)}-${f.chars(DIGITS, 13)}-${f.hex(32)}`,
    ],
    no: [`xoxa-${mixed(6)}`, `xoxr-${'a'.repeat(30)}`],
  },
  {
    rule: 'sonarqube-token',
    yes: [`SONAR_TOKEN=squ_${f.hex(40)}`, `sqp_${f.hex(40)}`, `sqa_${mixed(40)}`],
    no: [`squ_${f.hex(39)}`, `sqx_${f.hex(40)}`, `squ_12345678${f.hex(32)}`],
  },
  {
    rule: 'authress-access-key',
    yes: [`AUTHRESS_KEY=authress_${f.alnum(12)}.${f.alnum(5)}.acc_${f.chars(LOWER_ALNUM, 20)}.${f.chars(BASE64, 60)}`],
    no: [
      `authress_${f.alnum(12)}.${f.alnum(5)}.acc_${f.chars(LOWER_ALNUM, 20)}`,
      `authress_domain = "login.example.org"`,
    ],
  },
  {
    rule: 'yandex-cloud-api-key',
    yes: [`YC_API_KEY=AQVN${f.chars(URLSAFE, 35)}1`],
    no: [`AQVN${f.chars(URLSAFE, 20)}`, `AQVN${f.chars(URLSAFE, 45)}`],
  },
  {
    rule: 'jwt-base64',
    yes: [
      `TOKEN_B64=${Buffer.from(jwt('{"alg":"ES256"}')).toString('base64')}`,
      Buffer.from(jwt('{"kid":"k1","typ":"JWT"}')).toString('base64url'),
      `"${Buffer.from(jwt('{"x5t":"abc"}')).toString('base64')}"`,
    ],
    no: [
      `ZXlKaGJHY2lP${f.chars(BASE64, 20)}`,
      `ZXlK${f.chars(BASE64, 80)}`,
      Buffer.from(`eyJ${f.chars(URLSAFE, 60)}`).toString('base64'),
    ],
  },
  {
    rule: 'maxmind-license-key',
    yes: [`MAXMIND_LICENSE_KEY=${mixed(6)}_${mixed(29)}_mmk`],
    no: [`${mixed(6)}_${mixed(20)}_mmk`, `${mixed(6)}_${mixed(29)}_MMK`],
  },
  // HTTP credentials
  {
    rule: 'authorization-header',
    yes: [
      `curl -H "Authorization: Bearer ${f.chars(URLSAFE, 39)}1" https://api.example.org/v1/items`,
      `  "Authorization": "Basic ${f.chars(BASE64, 31)}2="`,
      `curl --header 'X-API-Key: ${mixed(32)}' https://api.example.org`,
    ],
    no: [
      'headers: { Authorization: `Bearer ${token}` }',
      'Authorization: Bearer <your-token-here>',
      '"Authorization": "Bearer " + accessToken',
      'Authorization: Bearer process.env.ACCESS_TOKEN2',
    ],
  },
  {
    rule: 'curl-user-password',
    yes: [
      `curl -u deploy:${f.password(16)} https://ci.example.org/api`,
      `curl -sSf --user "admin:${f.password(14)}" https://registry.example.org/v2/`,
      `curl -u "${f.password(20)}:" https://api.example.org/v1/charges`,
      `curl -u ":${f.password(12)}" https://search.example.org:9200`,
      `curl --user deploy:'${f.password(16)}' -X PATCH https://api.example.org`,
    ],
    no: [
      'curl -u "$CI_USER:$CI_TOKEN" https://ci.example.org',
      'curl -u admin:password https://example.org',
      'curl -u user:${TOKEN} https://example.org',
      'curl --upload-file build.tgz https://example.org',
      'curl --user "xxx:yyy"',
      'curl -u "admin:" https://example.org',
    ],
  },
  {
    rule: 'nuget-config-password',
    file: 'NuGet.Config',
    yes: [`      <add key="ClearTextPassword" value="${f.password(20)}" />`],
    no: [
      '      <add key="ClearTextPassword" value="%FEED_PASSWORD%" />',
      '      <add key="Username" value="build-agent-01" />',
      '      <add key="ClearTextPassword" value="XXXXXXXXXXXX" />',
    ],
  },
  {
    rule: 'nuget-config-password',
    file: 'src/app.config',
    yes: [],
    no: [`      <add key="ClearTextPassword" value="${f.password(20)}" />`],
  },
  {
    rule: 'terraform-password',
    file: 'infra/db.tf',
    yes: [
      `  administrator_login_password = "${f.chars(LOWER, 8)}${f.chars(DIGITS, 2)}"`,
      `  password = "${f.password(16)}"`,
    ],
    no: [
      '  password = var.db_password',
      '  password = "${random_password.db.result}"',
      '  password = "postgres"',
      `  password = "${f.password(6)}"`,
    ],
  },
  { rule: 'terraform-password', file: 'src/settings.py', yes: [], no: [`  password = "${f.password(16)}"`] },
  {
    rule: 'database-password',
    yes: [`DB_PASSWORD=${f.chars(LOWER, 6)}${f.chars(DIGITS, 3)}!`, `  database_password: "${f.password(14)}"`],
    no: [
      'DB_PASSWORD=${POSTGRES_PASSWORD}',
      'DB_PASSWORD=postgres',
      'db_password = settings.DB_PASSWORD2',
      `DB_PASSWORD=${f.password(6)}`,
    ],
  },
];
