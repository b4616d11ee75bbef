/**
 * The port notifications leave through, and its fetch-based adapter. An
 * answer never holds the webhook's address: a webhook URL is a credential
 * (whoever has it can post to the channel), so what goes wrong is said in
 * terms of the HTTP status or the network error's code.
 */
import { processSecrets } from './secrets.js';

/** What a POST to a webhook came to. */
export type WebhookAnswer =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly status?: number; readonly reason: string };

/** Posts a JSON body to a webhook. Never throws: a failure is an answer. */
export interface WebhookPort {
  post(url: string, body: unknown, contentType?: string): Promise<WebhookAnswer>;
}

/** How long one POST may take before it counts as failed. */
export const WEBHOOK_DEADLINE_MS = 10_000;

/** The adapter over the runtime's `fetch`, with a deadline per request. */
export function fetchWebhooks(deadlineMs = WEBHOOK_DEADLINE_MS): WebhookPort {
  return {
    async post(url, body, contentType = 'application/json; charset=utf-8') {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': contentType, 'user-agent': 'bellwether' },
          body: JSON.stringify(body),
          redirect: 'error',
          signal: AbortSignal.timeout(deadlineMs),
        });
      } catch (err) {
        return { ok: false, reason: networkReason(err, deadlineMs) };
      }
      // Slack and Teams say what they refused in the body (`invalid_blocks`); the address is hidden should it be echoed.
      const text = await response.text().catch(() => '');
      if (response.ok) return { ok: true, status: response.status };
      const said = hideUrl(text.trim(), url).slice(0, 200);
      return {
        ok: false,
        status: response.status,
        reason: `HTTP ${response.status}${said ? `: ${said}` : ''}`,
      };
    },
  };
}

/** A network failure in words without the address: its code (ECONNREFUSED, ENOTFOUND) or the deadline. */
function networkReason(err: unknown, deadlineMs: number): string {
  const e = err as { name?: string; cause?: { code?: unknown } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${deadlineMs / 1000} s`;
  const code = typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  // An invalid address is refused before any request, with a message that quotes it.
  if (code === 'ERR_INVALID_URL') return 'the address is not a valid URL';
  return code ? `could not connect (${code})` : 'could not connect';
}

function hideUrl(text: string, url: string): string {
  return processSecrets.redact(text.split(url).join('***'));
}

/** A port for runs that send nothing (the offline example, tests of other flows): every POST is refused, saying why. */
export const noWebhooks: WebhookPort = {
  post: async () => ({ ok: false, reason: 'this run sends no notifications' }),
};
