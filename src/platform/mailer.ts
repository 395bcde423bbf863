// Outgoing mail over SMTP (nodemailer). Without an SMTP URL, messages are written to the log instead, so a demo
// or a development machine works without a mail server.
import nodemailer, { type Transporter } from 'nodemailer';
import type { FastifyBaseLogger } from 'fastify';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Stable Message-ID: a retry after an unclear failure carries the same id, so mail clients fold duplicates. */
  messageId: string;
  language?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<{ providerMessageId: string }>;
  close(): void;
}

export function createMailer(smtpUrl: string | undefined, from: string, log?: Pick<FastifyBaseLogger, 'info'>): Mailer {
  if (!smtpUrl) {
    return {
      async send(message) {
        log?.info({ mail: { to: message.to, subject: message.subject, text: message.text } }, 'mail (no WATCHFLOOR_SMTP_URL set: logged, not sent)');
        return { providerMessageId: message.messageId };
      },
      close() {},
    };
  }
  const transport: Transporter = nodemailer.createTransport(smtpUrl, { from });
  return {
    async send(message) {
      const info = await transport.sendMail({
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: message.messageId,
        headers: message.language ? { 'Content-Language': message.language } : {},
      });
      return { providerMessageId: String(info.messageId ?? message.messageId) };
    },
    close() {
      transport.close();
    },
  };
}
