import type { AlertMessage } from '../../model/alert-message.ts';
import type { SlackChannelConfig } from '../channel-config.ts';
import type { ChannelSender } from './channel.ts';
import { httpPost } from './http-post.ts';
import { headline, latestAt, memberSources, moreLine, truncate } from './message-text.ts';

/** Slack's limits (api.slack.com/reference/block-kit/blocks): longer text is rejected. */
const SLACK_HEADER_MAX = 150;
const SLACK_SECTION_MAX = 3000;
/** Members listed before `…and N more`; a longer list is noise in a channel. */
const SLACK_MAX_LINES = 10;

type TextObject =
  { type: 'plain_text'; text: string; emoji: true } | { type: 'mrkdwn'; text: string };

export type SlackBlock =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text: TextObject }
  | { type: 'context'; elements: TextObject[] };

export interface SlackPayload {
  /** The plain fallback that notifications and old clients show. */
  text: string;
  blocks: SlackBlock[];
}

/** The three characters Slack's mrkdwn gives meaning to (`<@U123>`, `<!channel>`, links). */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function bulletList(lines: readonly string[], shown: number): string {
  const list = lines.slice(0, shown).map((line) => `• ${escapeMrkdwn(line)}`);
  if (lines.length > shown) list.push(`_${moreLine(lines.length - shown)}_`);
  return list.join('\n');
}

/** As many member lines as fit both the line cap and the section limit. */
function memberList(lines: readonly string[]): string {
  for (let shown = Math.min(lines.length, SLACK_MAX_LINES); shown > 1; shown--) {
    const text = bulletList(lines, shown);
    if (text.length <= SLACK_SECTION_MAX) return text;
  }
  return truncate(bulletList(lines, 1), SLACK_SECTION_MAX);
}

/** Slack renders `<!date^…>` in each reader's own time zone, with the ISO time as fallback. */
function slackDate(date: Date): string {
  const unix = Math.floor(date.getTime() / 1000);
  return `<!date^${unix}^{date_short_pretty} {time_secs}|${date.toISOString()}>`;
}

function contextLine(message: AlertMessage): string {
  const parts = ['Runwatch'];
  const sources = memberSources(message);
  if (sources.length > 0) parts.push(`source ${sources.map(escapeMrkdwn).join(', ')}`);
  const at = latestAt(message);
  if (at !== null) parts.push(slackDate(at));
  if (message.test) parts.push('a test message: nothing happened');
  return truncate(parts.join(' · '), SLACK_SECTION_MAX);
}

export function slackPayload(message: AlertMessage): SlackPayload {
  const title = headline(message);
  const lines = message.lines.length > 0 ? message.lines : [message.title];
  const list = memberList(lines);
  return {
    text: truncate(`${escapeMrkdwn(title)}\n${list}`, SLACK_SECTION_MAX),
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: truncate(title, SLACK_HEADER_MAX), emoji: true },
      },
      { type: 'section', text: { type: 'mrkdwn', text: list } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: contextLine(message) }] },
    ],
  };
}

/** An incoming webhook: 200 `ok`; 400/403/404/410 are permanent; 429 says when to come back. */
export function slackChannel(config: SlackChannelConfig): ChannelSender {
  return {
    render: (message) => JSON.stringify(slackPayload(message)),
    send: (payload, context) =>
      httpPost({
        url: config.webhook_url,
        body: payload,
        headers: [
          {
            'Content-Type': 'application/json',
            'User-Agent': 'Runwatch',
            'Idempotency-Key': context.idempotencyKey,
          },
        ],
        signal: context.signal,
      }),
  };
}
