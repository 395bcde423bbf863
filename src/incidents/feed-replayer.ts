// Plays a recorded incident file (a city's open crime data, decoded by incident-files.ts) as a live feed: each
// incident is handed to `sink` when its turn comes, the recorded spacing divided by `speed`, its times moved to
// the present (replaySchedule). Used by `watchfloor replay` (the sink POSTs to a running server) and by the demo
// (the sink is the intake itself). With `loop`, the file starts again when it ends; a later round's incidents
// get a suffix on their number ("-R2"), so they are new incidents rather than repeats of the first round's.
import { replaySchedule } from './incident-files.js';
import type { IncidentInput } from './decoders/types.js';

export interface FeedReplayerOptions {
  /** How many times faster than recorded (> 0). */
  speed: number;
  loop?: boolean;
  /** How long before its play time the first incident of a round happened (replaySchedule's lead). */
  leadMs?: number;
  /** The clock the incidents' times are moved to (the application's); the pace itself follows real time. */
  now?: () => Date;
  /** Called with an incident the sink refused or threw on; the replay goes on. */
  onError?: (incident: IncidentInput, err: unknown) => void;
}

export class FeedReplayer {
  readonly #incidents: IncidentInput[];
  readonly #sink: (incident: IncidentInput) => Promise<unknown>;
  readonly #opts: FeedReplayerOptions;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  #round = 0;
  #played = 0;
  #inFlight = new Set<Promise<unknown>>();
  #finish: (() => void) | undefined;
  /** Settles when a replay without `loop` has handed out its last incident and the sink has finished with it. */
  readonly finished: Promise<void> = new Promise((resolve) => (this.#finish = resolve));

  constructor(incidents: readonly IncidentInput[], sink: (incident: IncidentInput) => Promise<unknown>, opts: FeedReplayerOptions) {
    if (!(opts.speed > 0 && Number.isFinite(opts.speed))) throw new RangeError(`speed must be a positive number, got ${opts.speed}`);
    this.#incidents = [...incidents];
    this.#sink = sink;
    this.#opts = opts;
  }

  /** Incidents handed to the sink so far. */
  get played(): number {
    return this.#played;
  }

  /** The round being played (1 for the file's first pass). */
  get round(): number {
    return this.#round;
  }

  /** How long one pass of the file takes at this speed, in ms. */
  get roundMs(): number {
    const times = this.#incidents.map((i) => Date.parse(i.occurredFrom));
    return times.length < 2 ? 0 : (Math.max(...times) - Math.min(...times)) / this.#opts.speed;
  }

  start(): void {
    if (!this.#stopped || this.#incidents.length === 0) return;
    this.#stopped = false;
    this.#playRound();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    void Promise.allSettled([...this.#inFlight]).then(() => this.#finish?.());
  }

  #playRound(): void {
    this.#round++;
    const now = this.#opts.now?.() ?? new Date();
    const suffix = this.#round === 1 ? '' : `-R${this.#round}`;
    const renamed = suffix ? this.#incidents.map((i) => ({ ...i, externalId: `${i.externalId}${suffix}` })) : this.#incidents;
    const schedule = replaySchedule(renamed, this.#opts.speed, now, this.#opts.leadMs);
    const started = Date.now();
    let next = 0;
    const step = () => {
      if (this.#stopped) return;
      const elapsed = Date.now() - started;
      // Everything that is due goes out now, in order; a sink that takes long delays, never drops.
      while (next < schedule.length && schedule[next]![0] <= elapsed) {
        const incident = schedule[next++]![1];
        this.#played++;
        const sent = this.#sink(incident).catch((err: unknown) => this.#opts.onError?.(incident, err));
        this.#inFlight.add(sent);
        void sent.finally(() => this.#inFlight.delete(sent));
      }
      if (next < schedule.length) {
        this.#timer = setTimeout(step, Math.max(0, schedule[next]![0] - elapsed));
        this.#timer.unref?.();
      } else if (this.#opts.loop) {
        // The next round starts one average gap after this one's last incident.
        const gap = schedule.length > 1 ? schedule.at(-1)![0] / (schedule.length - 1) : 1000;
        this.#timer = setTimeout(() => this.#playRound(), gap);
        this.#timer.unref?.();
      } else {
        this.#stopped = true;
        void Promise.allSettled([...this.#inFlight]).then(() => this.#finish?.());
      }
    };
    step();
  }
}
