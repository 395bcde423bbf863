// An in-process SMTP server (smtp-server) that keeps what it receives, and can refuse mail to simulate an outage.
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

export interface MailCatcher {
  url: string;
  received: ReceivedMail[];
  /** While down, every message is refused with a 421 (service not available). */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export async function startMailCatcher(): Promise<MailCatcher> {
  const received: ReceivedMail[] = [];
  let down = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onMailFrom(_address, _session, callback) {
      if (down) {
        const err = Object.assign(new Error('Service not available, try later'), { responseCode: 421 });
        return callback(err);
      }
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
          received.push({ to, subject: mail.subject ?? '', text: mail.text ?? '', html: typeof mail.html === 'string' ? mail.html : '', messageId: mail.messageId ?? '' });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    setDown: (d) => (down = d),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function linkIn(mail: ReceivedMail): string {
  const m = /https?:\/\/\S+\/connect\/manage#token=([\w.-]+)/.exec(mail.text);
  if (!m) throw new Error(`no owner link in mail: ${mail.text}`);
  return m[1]!;
}
