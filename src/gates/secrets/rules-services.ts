/**
 * Keys of software services whose values have no prefix of their own: they
 * are recognised by the identifier they are assigned to (`ZENDESK_TOKEN=`,
 * `"algoliaApiKey":`) and by the length and alphabet the vendor issues.
 * Developer tools, messaging, content and social platforms.
 */
import { assignedValue, IDENTIFIER_BOUND, revokeFix, type RuleOptions, type SecretRule } from './rule.js';
import type { Severity } from '../core/finding.js';

/** A UUID in either case, as several vendors issue their keys. */
export const UUID_ANY_CASE = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/**
 * Random keys of twenty characters or more nearly always mix letters and
 * digits; words and identifiers seldom do, and when they do they are words
 * joined by separators (`checkout-service-api2`), where random text has
 * capitals inside its runs of letters.
 */
export function lettersAndDigits(s: string): boolean {
  return /[0-9]/.test(s) && /[A-Za-z]/.test(s) && !/^[A-Za-z][a-z]*[0-9]*(?:[._-][A-Za-z][a-z]*[0-9]*){2,}$/.test(s);
}

/**
 * A vendor value found through the vendor's name in the identifier. Values
 * must mix letters and digits and look random; a rule may loosen either.
 * Alternatives in `value` go longest first: the value is taken whole, so a
 * shorter alternative that matches a prefix would hide a longer one.
 */
export function vendorValue(
  id: string,
  title: string,
  severity: Severity,
  keywords: readonly string[],
  value: string,
  where: string,
  options: RuleOptions = {},
): SecretRule {
  return assignedValue(id, title, severity, keywords, value, revokeFix(where), {
    minEntropy: 3,
    accept: lettersAndDigits,
    ...options,
  });
}

/**
 * A value of digits only, assigned to an identifier that names the vendor
 * and a secret (`ASANA_TOKEN=...`, `discordSecret: ...`). The vendors' client
 * IDs have this shape and are public, and so are the ids of every project,
 * task, channel and guild: only a name that says token, secret or key makes
 * the digits worth a finding.
 */
function numericSecret(
  id: string,
  title: string,
  keywords: readonly string[],
  digits: string,
  where: string,
  gitleaks: string,
): SecretRule {
  const rule = assignedValue(id, title, 'medium', keywords, `[0-9]{${digits}}`, revokeFix(where), {
    minEntropy: 2,
    confidence: 'medium',
    gitleaks,
  });
  // The identifier after the vendor's name holds a secret's name; the lookahead reads no further than ASSIGNMENT does.
  const named = `(?=[\\w.-]{0,${IDENTIFIER_BOUND}}?(?:[Tt][Oo][Kk][Ee][Nn]|[Ss][Ee][Cc][Rr][Ee][Tt]|[Kk][Ee][Yy]))`;
  return {
    ...rule,
    pattern: new RegExp(named + rule.pattern.source, 'y'),
    continuation: new RegExp(named + (rule.continuation as RegExp).source, 'y'),
  };
}

/** Developer tools, CI, content and observability services found through their names. */
export const DEVELOPER_SERVICE_RULES: readonly SecretRule[] = [
  vendorValue(
    'adafruit-io-key',
    'Adafruit IO key',
    'high',
    ['adafruit'],
    '[A-Za-z0-9_-]{32}',
    'Adafruit IO, My Key: regenerate the key',
    { gitleaks: 'adafruit-api-key' },
  ),
  vendorValue(
    'adobe-client-id',
    'Adobe OAuth client ID',
    'medium',
    ['adobe'],
    '[a-fA-F0-9]{32}',
    'Adobe Developer Console: rotate the credential of the project',
    { gitleaks: 'adobe-client-id' },
  ),
  vendorValue(
    'airtable-api-key',
    'Airtable API key or personal access token',
    'high',
    ['airtable'],
    'pat[A-Za-z0-9]{14}\\.[a-f0-9]{64}|[A-Za-z0-9]{17}',
    'Airtable, Builder hub, Personal access tokens',
    {
      gitleaks: 'airtable-api-key',
    },
  ),
  vendorValue(
    'algolia-api-key',
    'Algolia API key',
    'high',
    ['algolia'],
    '[A-Za-z0-9]{32}',
    'Algolia dashboard, Settings, API Keys',
    { gitleaks: 'algolia-api-key' },
  ),
  // Numeric client IDs are public and look like the ids of every project and task, so only the secret is looked for.
  numericSecret(
    'asana-numeric-token',
    'Asana credential of digits in a token setting',
    ['asana'],
    '16',
    'Asana developer console: reset the app secret or the token',
    'asana-client-id',
  ),
  // Jira and Confluence API tokens of before 2023: 24 lowercase letters and digits, the last four hexadecimal.
  vendorValue(
    'atlassian-legacy-token',
    'Atlassian (Jira, Confluence) API token',
    'high',
    ['atlassian', 'confluence', 'jira'],
    '[a-z0-9]{20}[a-f0-9]{4}',
    'Atlassian account, Security, API tokens',
    {
      gitleaks: 'atlassian-api-token',
    },
  ),
  vendorValue(
    'asana-client-secret',
    'Asana client secret',
    'high',
    ['asana'],
    '[A-Za-z0-9]{32}',
    'Asana developer console: reset the app secret',
    { gitleaks: 'asana-client-secret' },
  ),
  vendorValue(
    'beamer-api-key',
    'Beamer API key',
    'high',
    ['beamer'],
    'b_[A-Za-z0-9=_-]{44}',
    'Beamer, Settings, API: delete the key',
    { gitleaks: 'beamer-api-token' },
  ),
  vendorValue(
    'bitbucket-client-credentials',
    'Bitbucket OAuth consumer key or secret',
    'high',
    ['bitbucket'],
    '[A-Za-z0-9=_-]{64}|[A-Za-z0-9]{32}',
    'Bitbucket workspace settings, OAuth consumers',
    {
      gitleaks: 'bitbucket-client-secret',
    },
  ),
  vendorValue(
    'cisco-meraki-api-key',
    'Cisco Meraki API key',
    'high',
    ['meraki'],
    '[0-9a-f]{40}',
    'Meraki dashboard, My profile, API access',
    { gitleaks: 'cisco-meraki-api-key' },
  ),
  vendorValue(
    'codecov-token',
    'Codecov upload token',
    'medium',
    ['codecov'],
    `${UUID_ANY_CASE}|[A-Za-z0-9]{32}`,
    'Codecov, repository settings: regenerate the upload token',
    { gitleaks: 'codecov-access-token' },
  ),
  vendorValue(
    'cohere-api-key',
    'Cohere API key',
    'high',
    ['cohere', 'co_api_key'],
    '[A-Za-z0-9]{40}',
    'Cohere dashboard, API keys',
    { minEntropy: 4, gitleaks: 'cohere-api-token' },
  ),
  vendorValue(
    'confluent-api-key',
    'Confluent Cloud API key or secret',
    'high',
    ['confluent'],
    '[A-Za-z0-9]{64}|[A-Za-z0-9]{16}',
    'Confluent Cloud, API keys',
    { gitleaks: 'confluent-secret-key' },
  ),
  vendorValue(
    'contentful-api-token',
    'Contentful API token',
    'high',
    ['contentful'],
    '[A-Za-z0-9=_-]{43}',
    'Contentful space settings, API keys',
    { gitleaks: 'contentful-delivery-api-token' },
  ),
  vendorValue(
    'droneci-token',
    'Drone CI access token',
    'high',
    ['droneci', 'drone_token', 'drone-token'],
    '[A-Za-z0-9]{32}',
    'Drone, User settings: rotate the token',
    { gitleaks: 'droneci-access-token' },
  ),
  vendorValue(
    'fastly-api-token',
    'Fastly API token',
    'high',
    ['fastly'],
    '[A-Za-z0-9=_-]{32}',
    'Fastly, Account, API tokens',
    { gitleaks: 'fastly-api-token' },
  ),
  vendorValue(
    'gitter-token',
    'Gitter access token',
    'medium',
    ['gitter'],
    '[A-Za-z0-9_-]{40}',
    'Gitter developer settings',
    { gitleaks: 'gitter-access-token' },
  ),
  // Forms and portals have UUIDs too; only identifiers that name the key count (`hapikey` is the legacy query parameter).
  vendorValue(
    'hubspot-api-key',
    'HubSpot API key',
    'high',
    ['hubspot_api', 'hubspotapi', 'hubspot-api', 'hubspot_key', 'hubspotkey', 'hubspot_token', 'hapikey'],
    UUID_ANY_CASE,
    'HubSpot, Settings, Integrations, API key',
    { gitleaks: 'hubspot-api-key' },
  ),
  vendorValue(
    'intercom-token',
    'Intercom access token',
    'high',
    ['intercom'],
    '[A-Za-z0-9=_-]{60}',
    'Intercom Developer Hub, the app, Authentication',
    { gitleaks: 'intercom-api-key' },
  ),
  vendorValue(
    'jfrog-api-key',
    'JFrog API key or identity token',
    'high',
    ['jfrog', 'artifactory', 'bintray'],
    '[A-Za-z0-9]{73}|[A-Za-z0-9]{64}',
    'JFrog Platform, Edit Profile or Identity and Access',
    {
      minEntropy: 3.5,
      gitleaks: 'jfrog-api-key',
    },
  ),
  vendorValue(
    'launchdarkly-token',
    'LaunchDarkly access token',
    'high',
    ['launchdarkly'],
    '[A-Za-z0-9=_-]{40}',
    'LaunchDarkly, Account settings, Authorization',
    { gitleaks: 'launchdarkly-access-token' },
  ),
  vendorValue(
    'linear-client-secret',
    'Linear OAuth client secret',
    'high',
    ['linear'],
    '[a-fA-F0-9]{32}',
    'Linear, Settings, API, OAuth applications',
    { gitleaks: 'linear-client-secret' },
  ),
  vendorValue(
    'netlify-access-token',
    'Netlify access token',
    'high',
    ['netlify'],
    '[A-Za-z0-9=_-]{40,46}',
    'Netlify, User settings, Applications',
    { minEntropy: 3.5, gitleaks: 'netlify-access-token' },
  ),
  vendorValue(
    'new-relic-user-api-id',
    'New Relic user API key (legacy)',
    'high',
    ['new-relic', 'newrelic', 'new_relic'],
    '[A-Za-z0-9]{64}',
    'New Relic, API keys',
    { minEntropy: 3.5, gitleaks: 'new-relic-user-api-id' },
  ),
  vendorValue(
    'privateai-api-key',
    'Private AI API key',
    'high',
    ['privateai', 'private_ai', 'private-ai'],
    '[A-Za-z0-9]{32}',
    'Private AI customer portal',
    { gitleaks: 'privateai-api-token' },
  ),
  vendorValue(
    'rapidapi-key',
    'RapidAPI key',
    'high',
    ['rapidapi'],
    '[A-Za-z0-9_-]{50}',
    'RapidAPI developer dashboard, Apps, Authorization',
    { minEntropy: 3.5, gitleaks: 'rapidapi-access-token' },
  ),
  vendorValue(
    'sentry-legacy-token',
    'Sentry auth token (older format)',
    'high',
    ['sentry'],
    '[a-fA-F0-9]{64}',
    'Sentry, Settings, Auth Tokens',
    { gitleaks: 'sentry-access-token' },
  ),
  vendorValue(
    'sidekiq-credentials',
    'Sidekiq Pro or Enterprise gem server credentials',
    'high',
    ['bundle_enterprise__contribsys__com', 'bundle_gems__contribsys__com'],
    '[a-fA-F0-9]{8}:[a-fA-F0-9]{8}',
    'Contributed Systems (ask for new gem server credentials)',
    { minEntropy: 2.5, gitleaks: 'sidekiq-secret' },
  ),
  // Only identifiers that name the token: `sonar.scm.revision` and friends hold 40-character commit hashes.
  vendorValue(
    'sonar-token',
    'SonarQube or SonarCloud token',
    'high',
    [
      'sonar_token',
      'sonar.token',
      'sonar-token',
      'sonartoken',
      'sonar_login',
      'sonar.login',
      'sonar-login',
      'sonarlogin',
      'sonar_auth_token',
      'sonarqube_token',
      'sonarcloud_token',
    ],
    '[A-Za-z0-9=_-]{40}',
    'SonarQube or SonarCloud, My Account, Security',
    { gitleaks: 'sonar-api-token' },
  ),
  vendorValue(
    'sourcegraph-token-legacy',
    'Sourcegraph access token (older format)',
    'high',
    ['sourcegraph'],
    '[a-fA-F0-9]{40}',
    'Sourcegraph, Settings, Access tokens',
    {
      gitleaks: 'sourcegraph-access-token',
    },
  ),
  {
    // `sumo` is also the start of `sumObj` and `sumOfValues`: only its lower, upper and capitalized forms name the vendor.
    ...vendorValue(
      'sumologic-key',
      'Sumo Logic access ID or key',
      'high',
      ['sumo'],
      '[A-Za-z0-9]{64}|su[A-Za-z0-9]{12}',
      'Sumo Logic, Preferences, Access keys',
      {
        gitleaks: 'sumologic-access-token',
        // An access ID may hold no digit: then upper and lower case letters mixed.
        accept: (s) =>
          lettersAndDigits(s) || (/^su[A-Za-z]{12}$/.test(s) && /[A-Z]/.test(s) && /[a-z]/.test(s.slice(2))),
      },
    ),
    caseSensitiveKeywords: ['sumo', 'Sumo', 'SUMO'],
  },
  vendorValue(
    'travisci-token',
    'Travis CI access token',
    'high',
    ['travis'],
    '[A-Za-z0-9]{22}',
    'Travis CI, Settings, API authentication',
    { gitleaks: 'travisci-access-token' },
  ),
  vendorValue(
    'zendesk-api-token',
    'Zendesk API token',
    'high',
    ['zendesk'],
    '[A-Za-z0-9]{40}',
    'Zendesk Admin Center, Apps and integrations, Zendesk API',
    { gitleaks: 'zendesk-secret-key' },
  ),
];

/** Messaging, social networks, media and cloud consoles found through their names. */
export const MESSAGING_AND_SOCIAL_RULES: readonly SecretRule[] = [
  // An application's numeric ID is public and shares its shape with every channel and guild ID: only a token-named setting counts.
  numericSecret(
    'discord-numeric-token',
    'Discord credential of digits in a token setting',
    ['discord'],
    '17,20',
    'Discord Developer Portal, the application',
    'discord-client-id',
  ),
  vendorValue(
    'discord-app-credentials',
    'Discord bot token or application secret',
    'high',
    ['discord'],
    '[MNO][A-Za-z0-9_-]{23,25}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38}|[a-fA-F0-9]{64}|[A-Za-z0-9=_-]{32}',
    'Discord Developer Portal, the application: reset the token or secret',
    // A client secret of 32 characters may happen to hold digits only.
    { gitleaks: 'discord-api-token', accept: (s) => lettersAndDigits(s) || /^[0-9]{32}$/.test(s) },
  ),
  vendorValue(
    'dropbox-app-token',
    'Dropbox access token or app key',
    'high',
    ['dropbox'],
    '[A-Za-z0-9]{11}AAAAAAAAAA[A-Za-z0-9_=-]{43}|[A-Za-z0-9]{15}',
    'Dropbox App Console',
    {
      gitleaks: 'dropbox-long-lived-api-token',
    },
  ),
  vendorValue(
    'facebook-app-secret',
    'Facebook (Meta) app secret',
    'high',
    ['facebook'],
    '[a-fA-F0-9]{32}',
    'Meta for Developers, App settings, Basic: reset the app secret',
    { gitleaks: 'facebook-secret' },
  ),
  vendorValue(
    'facebook-app-access-token',
    'Facebook (Meta) app access token',
    'high',
    ['facebook'],
    '[0-9]{15,16}(?:\\||%7[Cc])[A-Za-z0-9_-]{27,40}',
    'Meta for Developers, App settings, Basic: reset the app secret',
    {
      gitleaks: 'facebook-access-token',
    },
  ),
  vendorValue(
    'flickr-api-key',
    'Flickr API key',
    'medium',
    ['flickr'],
    '[A-Za-z0-9]{32}',
    'Flickr, The App Garden, your apps',
    { gitleaks: 'flickr-access-token' },
  ),
  vendorValue(
    'linkedin-client-credentials',
    'LinkedIn client secret or ID',
    'medium',
    ['linkedin', 'linked_in', 'linked-in'],
    '[A-Za-z0-9]{16}|[A-Za-z0-9]{14}',
    'LinkedIn Developers, the app, Auth',
    {
      minEntropy: 2.5,
      gitleaks: 'linkedin-client-secret',
    },
  ),
  vendorValue(
    'looker-client-credentials',
    'Looker API client ID or secret',
    'high',
    ['looker'],
    '[A-Za-z0-9]{24}|[A-Za-z0-9]{20}',
    'Looker, Admin, Users, API keys',
    { gitleaks: 'looker-client-secret' },
  ),
  vendorValue(
    'mattermost-token',
    'Mattermost access token',
    'high',
    ['mattermost'],
    '[A-Za-z0-9]{26}',
    'Mattermost, Profile, Security, Personal access tokens',
    { gitleaks: 'mattermost-access-token' },
  ),
  vendorValue(
    'messagebird-api-key',
    'MessageBird (Bird) API key',
    'high',
    ['messagebird', 'message_bird', 'message-bird'],
    `${UUID_ANY_CASE}|[A-Za-z0-9]{25}`,
    'MessageBird dashboard, Developers, API access',
    {
      gitleaks: 'messagebird-api-token',
    },
  ),
  vendorValue(
    'nytimes-api-key',
    'New York Times API key',
    'medium',
    ['nytimes', 'new-york-times', 'newyorktimes'],
    '[A-Za-z0-9=_-]{32}',
    'NYT developer portal, Apps',
    { gitleaks: 'nytimes-access-token' },
  ),
  vendorValue(
    'sendbird-token',
    'Sendbird API token or application ID',
    'high',
    ['sendbird'],
    `[a-fA-F0-9]{40}|${UUID_ANY_CASE}`,
    'Sendbird dashboard, Settings, Application, API tokens',
    { gitleaks: 'sendbird-access-token' },
  ),
  vendorValue(
    'squarespace-api-key',
    'Squarespace API key',
    'high',
    ['squarespace'],
    UUID_ANY_CASE,
    'Squarespace, Settings, Developer API keys',
    { gitleaks: 'squarespace-access-token' },
  ),
  vendorValue(
    'twitch-api-token',
    'Twitch API token or client secret',
    'high',
    ['twitch'],
    '[A-Za-z0-9]{30}',
    'Twitch developer console, Applications',
    { gitleaks: 'twitch-api-token' },
  ),
  vendorValue(
    'twitter-app-credentials',
    'X (Twitter) API key, secret or access token',
    'high',
    ['twitter'],
    '[0-9]{15,25}-[A-Za-z0-9]{20,40}|[A-Za-z0-9]{50}|[A-Za-z0-9]{45}|[A-Za-z0-9]{25}',
    'X developer portal, Projects and apps, Keys and tokens: regenerate',
    { gitleaks: 'twitter-api-secret' },
  ),
  vendorValue(
    'yandex-cloud-credentials',
    'Yandex Cloud IAM token or static access key',
    'high',
    ['yandex'],
    't1\\.[A-Za-z0-9_-]{1,200}={0,2}\\.[A-Za-z0-9_-]{86}={0,2}|YC[A-Za-z0-9_-]{38}',
    'Yandex Cloud console, service account keys',
    { gitleaks: 'yandex-aws-access-token' },
  ),
];
