import type { ConnectionOptions } from 'node:tls';
import type { SMTPTransportOptions, Transporter } from 'nodemailer';
import type { EmailChannelConfig } from '../channel-config.ts';
import type { ChannelSender, SendResult } from './channel.ts';
import { emailContent, type EmailContent } from './email-content.ts';
import { smtpFailure } from './smtp-failure.ts';

/**
 * Implicit TLS on 465; STARTTLS elsewhere, required when there are credentials so they never
 * cross in clear, opportunistic otherwise. `tls` adds to the TLS options (e.g. a private CA).
 */
export function transportOptions(
  config: EmailChannelConfig,
  tls?: ConnectionOptions,
): SMTPTransportOptions {
  const secure = config.port === 465;
  const login = config.user !== '';
  return {
    host: config.host,
    port: config.port,
    secure,
    requireTLS: !secure && login,
    opportunisticTLS: !secure && !login,
    ...(login ? { auth: { user: config.user, pass: config.password } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
    dnsTimeout: 15_000,
    ...(tls ? { tls } : {}),
  };
}

function parseContent(payload: string): EmailContent | null {
  try {
    const content = JSON.parse(payload) as Partial<EmailContent>;
    return typeof content.subject === 'string' && typeof content.messageId === 'string'
      ? (content as EmailContent)
      : null;
  } catch {
    return null;
  }
}

export interface EmailChannelOptions {
  /** Extra TLS options, e.g. `{ ca }` to trust a private or test certificate. */
  tls?: ConnectionOptions;
}

export function emailChannel(
  config: EmailChannelConfig,
  options: EmailChannelOptions = {},
): ChannelSender {
  // Loaded with the first email: nodemailer brings TLS, HTTP/2 and fetch into memory (some 20 MB
  // of RSS), which a watch that never sends mail should not carry.
  let transport: Promise<Transporter> | null = null;
  const connect = () =>
    (transport ??= import('nodemailer').then((nodemailer) =>
      nodemailer.default.createTransport(transportOptions(config, options.tls)),
    ));
  const server = `${config.host}:${config.port}`;
  return {
    render: (message) => JSON.stringify(emailContent(message)),
    async send(payload, context): Promise<SendResult> {
      const content = parseContent(payload);
      if (content === null) {
        return { ok: false, retry: false, error: 'the stored email is unreadable' };
      }
      try {
        // Mail is accepted when any recipient is: resending for the rest would duplicate it.
        await (
          await connect()
        ).sendMail({
          from: config.from,
          to: config.to,
          subject: content.subject,
          text: content.text,
          html: content.html,
          messageId: content.messageId,
          headers: content.headers,
          signal: context.signal,
        });
        return { ok: true };
      } catch (error) {
        return { ok: false, ...smtpFailure(error, server, config.password, context.signal) };
      }
    },
  };
}
