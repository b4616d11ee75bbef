/**
 * The secrets of this process, and their removal from every text that leaves
 * it.
 *
 * Why one registry for the whole process rather than a value in Deps: a
 * secret registered anywhere (a provider's token read from its `tokenEnv`,
 * the action's `token` input, `GITHUB_TOKEN` in the environment) must be
 * hidden everywhere text leaves Bellwether: standard output and error, the
 * job summary, outputs, report files, commits and their messages, pull
 * request and issue bodies. Those exits are built in many places (each CLI
 * verb makes its own store and logger); threading a registry through each
 * would leave a leak behind every exit somebody forgets to wire, while the
 * runner's own `add-mask` already works this way for logs. The registry only
 * ever hides text, so sharing it cannot change a decision.
 *
 * Redaction here is the second line. The first is at the source: the HTTP
 * exchange of the metrics providers removes the credentials it sent from
 * whatever the server answers, before an answer becomes a reason
 * (`src/metrics/http.ts`), so that a reason never holds a secret in the first place.
 */

/** What replaces a secret, as GitHub's runner writes it. */
export const REDACTED = '***';

/**
 * Secrets shorter than this are not registered: hiding every "ab" in every
 * report would garble it, and a credential that short protects nothing.
 */
export const MIN_SECRET_LENGTH = 4;

/** The forms a secret takes in text: as written, JSON-escaped, URL-encoded and base64. */
export function secretForms(value: string): string[] {
  const forms = new Set<string>([value]);
  forms.add(JSON.stringify(value).slice(1, -1));
  forms.add(encodeURIComponent(value));
  forms.add(Buffer.from(value).toString('base64'));
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/** A set of secret values and the redaction of text against them. */
export class SecretRegistry {
  private readonly values = new Set<string>();
  private ordered: string[] = [];

  /** Registers a secret (and its encoded forms); blank and very short values are ignored. */
  add(value: string | undefined): void {
    if (!value || value.trim().length < MIN_SECRET_LENGTH) return;
    let added = false;
    for (const form of secretForms(value)) {
      if (!this.values.has(form)) {
        this.values.add(form);
        added = true;
      }
    }
    // Longest first, so that a secret that contains another is hidden whole.
    if (added) this.ordered = [...this.values].sort((a, b) => b.length - a.length);
  }

  /** True when nothing is registered. */
  get empty(): boolean {
    return this.values.size === 0;
  }

  /** `text` with every registered secret replaced by `***`. */
  redact(text: string): string {
    let out = text;
    for (const s of this.ordered) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }

  /** A copy of a JSON-like value with every string redacted (keys included). */
  redactDeep<T>(value: T): T {
    if (this.empty) return value;
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.redact(k), this.walk(v)]));
    }
    return value;
  }
}

/** The registry of this process: every entrypoint registers into it, every exit redacts with it. */
export const processSecrets = new SecretRegistry();

/**
 * Environment variables that hold credentials whether or not a configuration
 * names them: GitHub tokens, Bellwether's own, Datadog's keys, and any
 * variable whose name says it is a token, key, secret or password.
 */
const SECRET_ENV =
  /^(GITHUB_TOKEN|GH_TOKEN|BELLWETHER_TOKEN|ACTIONS_RUNTIME_TOKEN|ACTIONS_ID_TOKEN_REQUEST_TOKEN)$|^DD_\w*(KEY|TOKEN|SECRET)\w*$|(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|APP_?KEY|PRIVATE_?KEY)$/i;

/**
 * A variable taken for a credential by its name alone must hold at least
 * this much: `DISABLE_TOKEN=true` is a setting, and hiding every "true"
 * would garble every report. Secrets a configuration names are always hidden.
 */
export const MIN_ENVIRONMENT_SECRET_LENGTH = 8;

/** Registers the values of the environment's credential variables. */
export function registerEnvironmentSecrets(
  env: Readonly<Record<string, string | undefined>>,
  registry: SecretRegistry = processSecrets,
): void {
  for (const [name, value] of Object.entries(env)) {
    if (SECRET_ENV.test(name) && value && value.trim().length >= MIN_ENVIRONMENT_SECRET_LENGTH) registry.add(value);
  }
}
