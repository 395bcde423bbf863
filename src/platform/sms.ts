// Text messages through an SMS provider's HTTP API. One adapter for a JSON API: POST {to, from, text} to the
// configured URL with a bearer token and an Idempotency-Key header, so a retried message is not delivered twice by
// providers that honour it (most do). A 4xx other than 408/429 is permanent; everything else is retried.
export interface SmsMessage {
  to: string;
  text: string;
  idempotencyKey: string;
}

export interface SmsSender {
  send(message: SmsMessage): Promise<{ providerMessageId: string }>;
}

export class PermanentDeliveryError extends Error {
  override name = 'PermanentDeliveryError';
}

export function createSmsSender(url: string | undefined, token: string | undefined, from: string, fetchFn: typeof fetch = fetch): SmsSender | undefined {
  if (!url) return undefined;
  return {
    async send(message) {
      let res: Response;
      try {
        res = await fetchFn(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': message.idempotencyKey, ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ to: message.to, from, text: message.text }),
          signal: AbortSignal.timeout(15_000),
        });
      } catch (err) {
        throw new Error(`SMS provider unreachable: ${(err as Error).message}`);
      }
      const body = await res.text();
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        throw new PermanentDeliveryError(`SMS provider refused the message (${res.status}): ${body.slice(0, 200)}`);
      }
      if (!res.ok) throw new Error(`SMS provider answered ${res.status}: ${body.slice(0, 200)}`);
      let id = message.idempotencyKey;
      try {
        const parsed = JSON.parse(body) as { id?: unknown; sid?: unknown; messageId?: unknown };
        id = String(parsed.id ?? parsed.sid ?? parsed.messageId ?? id);
      } catch {
        /* a provider that answers with text: keep our key as the id */
      }
      return { providerMessageId: id };
    },
  };
}
