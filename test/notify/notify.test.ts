import { afterEach, describe, expect, it } from 'vitest';
import { cloudEvent, cloudEventType } from '../../src/notify/cloudevents.js';
import type { NotifyEvent } from '../../src/notify/event.js';
import { notify, notifyMarkdown } from '../../src/notify/send.js';
import { fetchWebhooks } from '../../src/runtime/webhooks.js';
import { slackMessage } from '../../src/notify/slack.js';
import { teamsMessage } from '../../src/notify/teams.js';
import { RecordingLogger } from '../../src/runtime/logger.js';
import { NOTIFY_EVENTS } from '../../src/policy/schemas/notify.js';
import { cloudEventProblems, slackProblems, startWebhookServer, teamsProblems } from '../helpers/webhook-server.js';
import type { WebhookServer } from '../helpers/webhook-server.js';

const RUN = 'https://github.com/acme/shop/actions/runs/1658821493';

const event = (over: Partial<NotifyEvent> = {}): NotifyEvent => ({
  kind: 'stage',
  action: 'rolled-back',
  tone: 'bad',
  headline: 'Rolled back at 5%: error rate 2.1% against 0.3% <baseline> & more',
  service: 'checkout',
  environment: 'production',
  region: 'eu-west-1',
  version: '1.4.0',
  links: [{ label: 'Rollback pull request', url: 'https://github.com/acme/shop/pull/7' }],
  id: '1658821493.1/stage.rolled-back/checkout/production/eu-west-1',
  time: '2026-11-22T09:30:00.000Z',
  repository: 'acme/shop',
  repositoryUrl: 'https://github.com/acme/shop',
  runUrl: RUN,
  ...over,
});

describe('payloads', () => {
  it.each(NOTIFY_EVENTS.map((kind) => [kind]))('a %s event is valid for Slack, Teams and CloudEvents', (kind) => {
    const e = event({ kind });
    expect(slackProblems(slackMessage(e))).toEqual([]);
    expect(teamsProblems(teamsMessage(e))).toEqual([]);
    expect(cloudEventProblems(cloudEvent(e), 'application/cloudevents+json; charset=utf-8')).toEqual([]);
  });

  it('an event without service, region or links is valid too', () => {
    const bare = event({ kind: 'freeze', action: 'frozen', links: [] });
    delete (bare as { service?: string }).service;
    delete (bare as { region?: string }).region;
    delete (bare as { environment?: string }).environment;
    delete (bare as { version?: string }).version;
    expect(slackProblems(slackMessage(bare))).toEqual([]);
    expect(teamsProblems(teamsMessage(bare))).toEqual([]);
    expect(cloudEvent(bare)).toMatchObject({ subject: 'acme/shop', data: { service: null, links: [] } });
  });

  it('Slack: the headline in mrkdwn with its control characters escaped, and a button to the run', () => {
    const m = slackMessage(event()) as { text: string; blocks: Array<Record<string, unknown>> };
    expect(m.text).toContain('&lt;baseline&gt; &amp; more');
    expect(m.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Canary rolled back: checkout/production/eu-west-1 1.4.0', emoji: true },
    });
    expect(JSON.stringify(m.blocks[1])).toContain('&lt;baseline&gt;');
    expect(m.blocks.at(-1)).toMatchObject({
      type: 'actions',
      elements: [
        { type: 'button', text: { text: 'Open the run' }, url: RUN },
        { type: 'button', text: { text: 'Rollback pull request' }, url: 'https://github.com/acme/shop/pull/7' },
      ],
    });
  });

  it('Slack: a headline past its limits is cut, not refused', () => {
    const long = event({ headline: 'x'.repeat(5000), service: 's'.repeat(200) });
    expect(slackProblems(slackMessage(long))).toEqual([]);
  });

  it('Teams: an Adaptive Card 1.4 with the title in the tone colour, the headline, facts and a link to the run', () => {
    const m = teamsMessage(event()) as {
      attachments: Array<{ content: { version: string; body: Array<Record<string, unknown>>; actions: unknown[] } }>;
    };
    const card = m.attachments[0]!.content;
    expect(card.version).toBe('1.4');
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', color: 'Attention', weight: 'Bolder' });
    expect(card.body[1]).toMatchObject({ type: 'TextBlock', text: event().headline });
    expect(card.body[2]).toEqual({
      type: 'FactSet',
      facts: [
        { title: 'Service', value: 'checkout' },
        { title: 'Environment', value: 'production' },
        { title: 'Region', value: 'eu-west-1' },
        { title: 'Version', value: '1.4.0' },
        { title: 'Repository', value: 'acme/shop' },
      ],
    });
    expect(card.actions[0]).toEqual({ type: 'Action.OpenUrl', title: 'Open the run', url: RUN });
  });

  it('CloudEvents: type dev.bellwether.<kind>.<action>, the repository as source, the run in data', () => {
    expect(cloudEventType({ kind: 'stage', action: 'promoted' })).toBe('dev.bellwether.stage.promoted');
    expect(cloudEvent(event())).toMatchObject({
      specversion: '1.0',
      id: '1658821493.1/stage.rolled-back/checkout/production/eu-west-1',
      source: 'https://github.com/acme/shop',
      type: 'dev.bellwether.stage.rolled-back',
      subject: 'checkout/production/eu-west-1',
      time: '2026-11-22T09:30:00.000Z',
      datacontenttype: 'application/json',
      data: { headline: event().headline, runUrl: RUN, version: '1.4.0' },
    });
  });

  it('the receiver refuses what its service would refuse', () => {
    expect(slackProblems({ blocks: [] })).toEqual(['text: missing', 'blocks: 1 to 50 expected']);
    expect(
      teamsProblems({
        type: 'message',
        attachments: [{ contentType: 'x', content: { type: 'AdaptiveCard', version: '2.0', body: [] } }],
      }),
    ).toEqual(['attachments[0].contentType', 'content.version: 2.0 is not 1.0 to 1.5', 'content.body: empty']);
    expect(
      cloudEventProblems({ specversion: '0.3', id: '', source: 'x', type: 't', Data: 1 }, 'application/json'),
    ).toEqual([
      'content-type: application/json',
      'specversion: expected "1.0"',
      'id: missing',
      'attribute name Data: lower-case letters and digits only',
    ]);
  });
});

describe('sending', () => {
  let server: WebhookServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const ALL = { on: [...NOTIFY_EVENTS] };
  const SECRET_PATH = 'T000/B000/XXXXsecretXXXX';

  it('posts each target its own format, over HTTP, and each is accepted', async () => {
    server = await startWebhookServer();
    const logger = new RecordingLogger();
    const targets = {
      slack: `${server.url}/slack/${SECRET_PATH}`,
      teams: `${server.url}/teams/${SECRET_PATH}`,
      webhook: `${server.url}/events/${SECRET_PATH}`,
    };
    const out = await notify(event(), targets, ALL, { webhooks: fetchWebhooks(), logger });
    expect(out.deliveries).toEqual([
      { target: 'slack', ok: true, status: 200 },
      { target: 'teams', ok: true, status: 200 },
      { target: 'webhook', ok: true, status: 200 },
    ]);
    expect(server.received.map((r) => [r.path.split('/')[1], r.problems])).toEqual([
      ['slack', []],
      ['teams', []],
      ['events', []],
    ]);
    expect(server.received[2]!.contentType).toBe('application/cloudevents+json; charset=utf-8');
    expect(JSON.stringify(logger.records)).not.toContain(SECRET_PATH);
  });

  it('a 500 is a warning naming the target and the status, never the address; the other targets are still sent', async () => {
    server = await startWebhookServer({ status: 500 });
    const logger = new RecordingLogger();
    const out = await notify(
      event(),
      { slack: `${server.url}/slack/${SECRET_PATH}`, webhook: `${server.url}/events/${SECRET_PATH}` },
      ALL,
      { webhooks: fetchWebhooks(), logger },
    );
    expect(out.deliveries.map((d) => [d.target, d.ok, d.status])).toEqual([
      ['slack', false, 500],
      ['webhook', false, 500],
    ]);
    expect(logger.messages('warning')).toEqual([
      'Slack webhook: the stage notification was not delivered (HTTP 500: internal error); the deployment decision stands',
      'CloudEvents webhook: the stage notification was not delivered (HTTP 500: internal error); the deployment decision stands',
    ]);
    expect(notifyMarkdown(out)).toContain('Slack webhook: ⚠️ not delivered (HTTP 500: internal error)');
    expect(JSON.stringify(logger.records) + notifyMarkdown(out)).not.toContain(SECRET_PATH);
  });

  it('an unreachable or malformed address is reported by its error code, without the address', async () => {
    const closed = await startWebhookServer();
    await closed.close();
    const logger = new RecordingLogger();
    const out = await notify(
      event(),
      { slack: `${closed.url}/slack/${SECRET_PATH}`, teams: `not a url ${SECRET_PATH}` },
      ALL,
      { webhooks: fetchWebhooks(), logger },
    );
    expect(out.deliveries).toEqual([
      { target: 'slack', ok: false, reason: 'could not connect (ECONNREFUSED)' },
      { target: 'teams', ok: false, reason: 'the address is not a valid URL' },
    ]);
    expect(JSON.stringify(logger.records)).not.toContain(SECRET_PATH);
  });

  it('sends nothing, and says why, without a target or for an event the policy leaves out', async () => {
    const posts: unknown[] = [];
    const webhooks = { post: async (...a: unknown[]) => (posts.push(a), { ok: true as const, status: 200 }) };
    const logger = new RecordingLogger();
    expect(await notify(event(), { slack: ' ' }, ALL, { webhooks, logger })).toEqual({
      deliveries: [],
      skipped: 'no notification target is configured',
    });
    expect(
      await notify(event(), { slack: 'https://hooks.example/x' }, { on: ['rollback'] }, { webhooks, logger }),
    ).toEqual({
      deliveries: [],
      skipped: 'the notify policy does not announce stage events (on: rollback)',
    });
    expect(posts).toEqual([]);
  });
});
