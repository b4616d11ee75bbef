/**
 * Payments, banking data, crypto exchanges and commerce: keys found through
 * the vendor's name in the identifier, and the few with prefixes of their own.
 */
import { prefixedToken, revokeFix, type SecretRule } from './rule.js';
import { UUID_ANY_CASE, vendorValue } from './rules-services.js';

/** Payments, open banking, exchanges and commerce. */
export const FINANCE_RULES: readonly SecretRule[] = [
  prefixedToken('adyen-api-key', 'Adyen API key', 'critical', ['AQE'], '[a-z0-9]{5,40}\\.[A-Za-z0-9_=-]{50,80}', revokeFix('Adyen Customer Area, Developers, API credentials: generate a new key'), {
    tail: '(?![A-Za-z0-9_=-])',
    minEntropy: 3.5,
    gitleaks: 'adyen-api-key',
  }),
  vendorValue('adyen-client-key', 'Adyen client key', 'medium', ['adyen'], '(?:test|live)_[A-Za-z0-9]{30,40}', 'Adyen Customer Area, Developers, API credentials', { gitleaks: 'adyen-client-key' }),
  vendorValue('braintree-tokenization-key', 'Braintree tokenization key', 'medium', ['braintree'], '(?:production|sandbox)_[a-z0-9]{8}_[a-z0-9]{16}', 'Braintree control panel, API, Tokenization keys', {
    gitleaks: 'braintree-tokenization-key',
  }),
  vendorValue('chargebee-api-key', 'Chargebee API key', 'high', ['chargebee'], '(?:test|live)_[A-Za-z0-9]{32,34}', 'Chargebee, Settings, API keys', { gitleaks: 'chargebee-access-token' }),
  vendorValue('bittrex-api-key', 'Bittrex API key or secret', 'critical', ['bittrex'], '[A-Za-z0-9]{32}', 'Bittrex, Account, API keys: delete the key', { gitleaks: 'bittrex-secret-key' }),
  vendorValue('coinbase-api-key', 'Coinbase API key', 'critical', ['coinbase'], '[A-Za-z0-9_-]{64}', 'Coinbase Developer Platform, API keys: delete the key', { minEntropy: 3.5, gitleaks: 'coinbase-access-token' }),
  vendorValue('kraken-api-key', 'Kraken API key or private key', 'critical', ['kraken'], '[A-Za-z0-9/=_+-]{80,90}', 'Kraken, Security, API: delete the key', { minEntropy: 4, gitleaks: 'kraken-access-token' }),
  vendorValue('kucoin-api-key', 'KuCoin API key or secret', 'critical', ['kucoin'], `${UUID_ANY_CASE}|[a-fA-F0-9]{24}`, 'KuCoin, API Management: delete the key', { gitleaks: 'kucoin-secret-key' }),
  vendorValue('finicity-credentials', 'Finicity (Mastercard Open Banking) API key or secret', 'high', ['finicity'], '[a-fA-F0-9]{32}|[A-Za-z0-9]{20}', 'Mastercard Developers, the project: rotate the credentials', {
    gitleaks: 'finicity-api-token',
  }),
  vendorValue('finnhub-api-key', 'Finnhub API key', 'medium', ['finnhub'], '[A-Za-z0-9]{20}', 'Finnhub dashboard: regenerate the key', { gitleaks: 'finnhub-access-token' }),
  vendorValue('freshbooks-token', 'FreshBooks access token', 'high', ['freshbooks'], '[A-Za-z0-9]{64}', 'FreshBooks developer page, the app: reset the secret', { minEntropy: 3.5, gitleaks: 'freshbooks-access-token' }),
  vendorValue('gocardless-token', 'GoCardless access token', 'critical', ['gocardless'], '(?:live|sandbox)_[A-Za-z0-9_=-]{40}', 'GoCardless dashboard, Developers, Access tokens', { gitleaks: 'gocardless-api-token' }),
  vendorValue(
    'lob-api-key',
    'Lob API key',
    'high',
    // The vendor name is three letters found inside `blob` and `global`: a vendor keyword counts only where it starts a word.
    ['lob'],
    '(?:live|test)_(?:pub_[a-fA-F0-9]{31}|[a-fA-F0-9]{35})',
    'Lob dashboard, Settings, API keys',
    { gitleaks: 'lob-api-key' },
  ),
  vendorValue('plaid-client-credentials', 'Plaid client ID or secret', 'high', ['plaid'], '[A-Za-z0-9]{30}|[A-Za-z0-9]{24}', 'Plaid dashboard, Team settings, Keys: rotate the secret', {
    minEntropy: 3.5,
    gitleaks: 'plaid-secret-key',
  }),
  vendorValue('etsy-api-key', 'Etsy API key', 'high', ['etsy'], '[A-Za-z0-9]{24}', 'Etsy developers, Your apps', { gitleaks: 'etsy-access-token' }),
  vendorValue('mailgun-key', 'Mailgun API, validation or webhook signing key', 'high', ['mailgun'], '[a-hA-H0-9]{32}-[a-hA-H0-9]{8}-[a-hA-H0-9]{8}|pubkey-[a-fA-F0-9]{32}', 'Mailgun, API security', {
    gitleaks: 'mailgun-signing-key',
  }),
  prefixedToken('flutterwave-encryption-key', 'Flutterwave encryption key', 'high', ['FLWSECK_TEST-'], '[a-hA-H0-9]{12}', revokeFix('Flutterwave dashboard, Settings, API'), { gitleaks: 'flutterwave-encryption-key' }),
  {
    id: 'freemius-secret-key',
    title: 'Freemius secret key',
    severity: 'high',
    confidence: 'high',
    keywords: ['secret_key'],
    anchor: 'start',
    // The SDK is configured with a PHP array: `'secret_key' => 'sk_...'`.
    pattern: /secret_key["'][ \t]{0,10}=>[ \t]{0,10}["'](?<secret>sk_[^\s"']{29})(?=["'])/iy,
    paths: /\.php$/i,
    minEntropy: 3,
    fixedPrefix: 3,
    fix: revokeFix('Freemius developer dashboard, Settings, Keys'),
    gitleaks: 'freemius-secret-key',
  },
];
