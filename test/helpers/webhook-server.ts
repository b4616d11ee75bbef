/**
 * A chat and webhook receiver on 127.0.0.1 that checks each body against the
 * format its service documents, the way the service would refuse it:
 *
 * - Slack incoming webhooks (`/slack/...`): a non-empty `text` and Block Kit
 *   `blocks` of known types, within Slack's limits (header text 150
 *   characters, section and context text 3,000, button text 75, 50 blocks);
 * - Microsoft Teams webhooks (`/teams/...`): `type: "message"` with one
 *   attachment of content type `application/vnd.microsoft.card.adaptive`
 *   whose content is an `AdaptiveCard` with a `version` Teams renders (1.0
 *   to 1.5), elements and actions of known types;
 * - CloudEvents 1.0 structured JSON (`/events/...`): content type
 *   `application/cloudevents+json`, the required attributes `specversion`
 *   "1.0", `id`, `source` and `type` as non-empty strings, `time` as RFC
 *   3339 when present, attribute names lower-case alphanumeric.
 *
 * A body that breaks its format is answered 400 with the problems, as the
 * services do, and recorded with them. `status` makes every answer that
 * status instead (a failing webhook).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface ReceivedHook {
  readonly path: string;
  readonly contentType: string;
  readonly body: Record<string, unknown>;
  /** What the format check found wrong; empty when the body is valid. */
  readonly problems: string[];
}

export interface WebhookServer {
  readonly url: string;
  readonly received: ReceivedHook[];
  close(): Promise<void>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Problems with a Slack incoming-webhook body. */
export function slackProblems(body: Obj): string[] {
  const out: string[] = [];
  if (!isText(body['text'])) out.push('text: missing');
  const blocks = body['blocks'];
  if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > 50) return [...out, 'blocks: 1 to 50 expected'];
  const textOf = (t: unknown, max: number, where: string, kinds: string[]) => {
    if (!isObj(t) || !kinds.includes(String(t['type'])) || !isText(t['text'])) out.push(`${where}: not a text object`);
    else if ((t['text'] as string).length > max) out.push(`${where}: longer than ${max}`);
  };
  blocks.forEach((b: unknown, i) => {
    if (!isObj(b)) return out.push(`blocks[${i}]: not an object`);
    switch (b['type']) {
      case 'header':
        return textOf(b['text'], 150, `blocks[${i}].text`, ['plain_text']);
      case 'section':
        return textOf(b['text'], 3000, `blocks[${i}].text`, ['plain_text', 'mrkdwn']);
      case 'context': {
        const els = b['elements'];
        if (!Array.isArray(els) || els.length === 0 || els.length > 10) return out.push(`blocks[${i}].elements`);
        return els.forEach((e, j) => textOf(e, 3000, `blocks[${i}].elements[${j}]`, ['plain_text', 'mrkdwn']));
      }
      case 'actions': {
        const els = b['elements'];
        if (!Array.isArray(els) || els.length === 0 || els.length > 25) return out.push(`blocks[${i}].elements`);
        return els.forEach((e: unknown, j) => {
          if (!isObj(e) || e['type'] !== 'button') return out.push(`blocks[${i}].elements[${j}]: not a button`);
          textOf(e['text'], 75, `blocks[${i}].elements[${j}].text`, ['plain_text']);
          if (!isText(e['url']) || !/^https?:\/\//.test(e['url'] as string))
            out.push(`blocks[${i}].elements[${j}].url`);
        });
      }
      default:
        return out.push(`blocks[${i}].type: unknown ${String(b['type'])}`);
    }
  });
  return out;
}

/** Problems with a Teams webhook body carrying an Adaptive Card. */
export function teamsProblems(body: Obj): string[] {
  const out: string[] = [];
  if (body['type'] !== 'message') out.push('type: expected "message"');
  const attachments = body['attachments'];
  if (!Array.isArray(attachments) || attachments.length !== 1) return [...out, 'attachments: expected one'];
  const a = attachments[0] as Obj;
  if (a['contentType'] !== 'application/vnd.microsoft.card.adaptive') out.push('attachments[0].contentType');
  const card = a['content'];
  if (!isObj(card)) return [...out, 'attachments[0].content: missing'];
  if (card['type'] !== 'AdaptiveCard') out.push('content.type: expected "AdaptiveCard"');
  if (!/^1\.[0-5]$/.test(String(card['version'])))
    out.push(`content.version: ${String(card['version'])} is not 1.0 to 1.5`);
  if (card['$schema'] !== undefined && !isText(card['$schema'])) out.push('content.$schema');
  const body2 = card['body'];
  if (!Array.isArray(body2) || body2.length === 0) out.push('content.body: empty');
  else
    body2.forEach((el: unknown, i) => {
      if (!isObj(el)) return out.push(`content.body[${i}]`);
      if (el['type'] === 'TextBlock') {
        if (!isText(el['text'])) out.push(`content.body[${i}].text`);
      } else if (el['type'] === 'FactSet') {
        const facts = el['facts'];
        if (!Array.isArray(facts) || facts.some((f) => !isObj(f) || !isText(f['title']) || !isText(f['value'])))
          out.push(`content.body[${i}].facts`);
      } else out.push(`content.body[${i}].type: unknown ${String(el['type'])}`);
    });
  const actions = card['actions'];
  if (actions !== undefined) {
    if (!Array.isArray(actions)) out.push('content.actions');
    else
      actions.forEach((act: unknown, i) => {
        if (!isObj(act) || act['type'] !== 'Action.OpenUrl' || !isText(act['title']) || !isText(act['url']))
          out.push(`content.actions[${i}]`);
      });
  }
  return out;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Problems with a structured-mode CloudEvent in JSON. */
export function cloudEventProblems(body: Obj, contentType: string): string[] {
  const out: string[] = [];
  if (!contentType.startsWith('application/cloudevents+json')) out.push(`content-type: ${contentType}`);
  if (body['specversion'] !== '1.0') out.push('specversion: expected "1.0"');
  for (const required of ['id', 'source', 'type']) if (!isText(body[required])) out.push(`${required}: missing`);
  if (body['time'] !== undefined && !(isText(body['time']) && RFC3339.test(body['time'] as string))) out.push('time');
  for (const name of Object.keys(body))
    if (!/^[a-z0-9]{1,20}$/.test(name)) out.push(`attribute name ${name}: lower-case letters and digits only`);
  if (body['data'] !== undefined && body['datacontenttype'] !== 'application/json') out.push('datacontenttype');
  return out;
}

export async function startWebhookServer(options: { status?: number } = {}): Promise<WebhookServer> {
  const received: ReceivedHook[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const path = req.url ?? '';
      const contentType = String(req.headers['content-type'] ?? '');
      let body: Obj = {};
      let problems: string[];
      try {
        body = JSON.parse(text) as Obj;
        problems = path.startsWith('/slack/')
          ? slackProblems(body)
          : path.startsWith('/teams/')
            ? teamsProblems(body)
            : path.startsWith('/events/')
              ? cloudEventProblems(body, contentType)
              : [`no receiver at ${path}`];
      } catch {
        problems = ['not JSON'];
      }
      received.push({ path, contentType, body, problems });
      const status = options.status ?? (problems.length > 0 ? 400 : 200);
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : problems.length > 0 ? problems.join('; ') : 'internal error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
