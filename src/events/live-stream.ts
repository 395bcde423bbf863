// One browser's stream of floor events (contract B), apart from the socket so it can be tested on its own:
// hello, then what the browser missed since `after` (or a reset when that is no longer known), then live events,
// in sequence order, each once, only those the viewer may see.
//
// Without a gap or a duplicate: the stream subscribes first and buffers, reads the bus's current number (hello),
// replays since(after), then flushes the buffer, skipping every event at or below the last one it handled.
import { canSeeEvent, type EventBus, type PublishedEvent } from './event-bus.js';
import type { Role } from '../db/schema.js';

export interface Viewer {
  roles: readonly Role[];
  agencyId: string;
}

export type ServerFrame =
  | { kind: 'hello'; seq: number }
  | { kind: 'reset'; seq: number }
  | { kind: 'pong' }
  | { kind: 'event'; seq: number; at: string; type: string; agencyId: string | null; incidentId: string | null; data: unknown };

const frames = new WeakMap<PublishedEvent, string>();

/** The event's frame as JSON text, built once however many browsers it goes to. */
export function eventFrame(e: PublishedEvent): string {
  let text = frames.get(e);
  if (text === undefined) {
    const frame: ServerFrame = { kind: 'event', seq: e.seq, at: e.at, type: e.type, agencyId: e.agencyId, incidentId: e.incidentId ?? null, data: e.data };
    text = JSON.stringify(frame);
    frames.set(e, text);
  }
  return text;
}

/** Sends one frame's text; `event` is set for event frames. */
export type FrameSink = (text: string, event?: PublishedEvent) => void;

/**
 * Starts a viewer's stream on the bus. Resolves, once the replay is done and live delivery has begun, to a
 * function that stops it. Rejects when the bus cannot replay (the caller closes the connection).
 */
export async function openStream(bus: EventBus, viewer: Viewer, after: number | undefined, send: FrameSink): Promise<() => void> {
  let buffer: PublishedEvent[] | null = [];
  let lastHandled = 0;
  let stopped = false;
  const deliver = (e: PublishedEvent) => {
    if (stopped || e.seq <= lastHandled) return;
    lastHandled = e.seq;
    if (canSeeEvent(viewer, e)) send(eventFrame(e), e);
  };
  const unsubscribe = bus.subscribe((e) => {
    if (buffer) buffer.push(e);
    else deliver(e);
  });
  const stop = () => {
    stopped = true;
    buffer = null;
    unsubscribe();
  };
  try {
    const hello = bus.lastSeq();
    send(JSON.stringify({ kind: 'hello', seq: hello } satisfies ServerFrame));
    lastHandled = hello;
    if (after !== undefined && after !== hello) {
      const missed = await bus.since(after);
      if (stopped) return stop;
      if (missed === undefined) {
        // Too old (or from before a restart): the browser reloads its lists and takes the live events after hello.
        send(JSON.stringify({ kind: 'reset', seq: hello } satisfies ServerFrame));
      } else {
        // `after` may be ahead of hello on an instance still catching up; what the browser has is skipped.
        lastHandled = after;
        for (const e of missed) deliver(e);
      }
    }
    const pending = buffer ?? [];
    buffer = null;
    for (const e of pending) deliver(e);
  } catch (err) {
    stop();
    throw err;
  }
  return stop;
}
