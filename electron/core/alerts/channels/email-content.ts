import type { AlertMessage } from '../../model/alert-message.ts';
import { headline, latestAt, memberSources, moreLine } from './message-text.ts';

/** What an email says, frozen at the first attempt so every retry sends the same message. */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
}

/** Member lines listed in an email before `…and N more`. */
const EMAIL_MAX_LINES = 100;
const TEST_NOTE = 'This is a test message from Runwatch: nothing happened.';

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** `<db.row@runwatch>`: the idempotency key as a Message-ID, so a receiver can drop duplicates. */
function emailMessageId(idempotencyKey: string): string {
  return `<${idempotencyKey.replaceAll(':', '.')}@runwatch>`;
}

function footer(message: AlertMessage): string {
  const parts = ['Sent by Runwatch'];
  const sources = memberSources(message);
  if (sources.length > 0) parts.push(`source ${sources.join(', ')}`);
  const at = latestAt(message);
  if (at !== null) parts.push(at.toISOString());
  return parts.join(' · ');
}

function memberDetails(message: AlertMessage): string[][] {
  return message.members
    .slice(0, EMAIL_MAX_LINES)
    .map((m) => [m.rule, m.severity, m.status, m.dedup_key, m.fired_at]);
}

const DETAIL_HEADINGS = ['rule', 'severity', 'status', 'dedup key', 'fired at'];

/** The member lines shown, and the `…and N more` line for the rest (empty when none). */
function shownLines(message: AlertMessage): { shown: string[]; more: string[] } {
  const shown = message.lines.slice(0, EMAIL_MAX_LINES);
  const hidden = message.lines.length - shown.length;
  return { shown, more: hidden > 0 ? [moreLine(hidden)] : [] };
}

function plainText(message: AlertMessage, subject: string): string {
  const { shown, more } = shownLines(message);
  return [
    ...(message.test ? [TEST_NOTE, ''] : []),
    subject,
    '',
    ...shown.map((line) => `- ${line}`),
    ...more,
    '',
    'Alerts:',
    ...memberDetails(message).map((row) => `  ${row.join(' | ')}`),
    '',
    footer(message),
    '',
  ].join('\n');
}

function html(message: AlertMessage, subject: string): string {
  const { shown, more } = shownLines(message);
  const items = shown.map((line) => `<li>${escapeHtml(line)}</li>`).join('');
  const cell = 'style="padding:2px 12px 2px 0;text-align:left"';
  const rows = memberDetails(message)
    .map(
      (row) => `<tr>${row.map((value) => `<td ${cell}>${escapeHtml(value)}</td>`).join('')}</tr>`,
    )
    .join('');
  return [
    '<!doctype html><html><body style="font-family:sans-serif;color:#222">',
    message.test ? `<p style="color:#a15c00">${escapeHtml(TEST_NOTE)}</p>` : '',
    `<h2 style="margin:0 0 12px">${escapeHtml(subject)}</h2>`,
    `<ul>${items}</ul>`,
    more.map((line) => `<p>${escapeHtml(line)}</p>`).join(''),
    '<table style="border-collapse:collapse;font-size:13px">',
    `<tr>${DETAIL_HEADINGS.map((h) => `<th ${cell}>${h}</th>`).join('')}</tr>${rows}</table>`,
    `<p style="color:#777;font-size:12px">${escapeHtml(footer(message))}</p>`,
    '</body></html>',
  ].join('');
}

export function emailContent(message: AlertMessage): EmailContent {
  const subject = headline(message);
  return {
    subject,
    text: plainText(message, subject),
    html: html(message, subject),
    messageId: emailMessageId(message.idempotencyKey),
    headers: { 'X-Runwatch-Idempotency-Key': message.idempotencyKey },
  };
}
