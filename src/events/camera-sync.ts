// Keeps this instance's camera index in step with changes made on other instances: every camera.changed event on
// the shared bus reloads that camera from the database (the one source of truth) and applies it. Events that
// arrive together are loaded in one query. Reloading is harmless for this instance's own changes (the row is the
// one it already applied, or a newer one), so the origin of an event does not matter.
import type { Db } from '../db/client.js';
import { findCameras } from '../cameras/camera.repository.js';
import type { CameraRegistry } from '../cameras/camera-registry.js';
import type { EventBus } from './event-bus.js';

const BATCH = 1000;

export class CameraIndexSync {
  #pending = new Set<string>();
  #running: Promise<void> | undefined;
  readonly #unsubscribe: () => void;

  constructor(
    bus: EventBus,
    private readonly db: Db,
    private readonly registry: CameraRegistry,
    private readonly log: { warn(obj: unknown, msg?: string): void },
  ) {
    this.#unsubscribe = bus.subscribe((e) => {
      if (e.type !== 'camera.changed') return;
      const id = (e.data as { cameraId?: unknown }).cameraId;
      if (typeof id !== 'string') return;
      this.#pending.add(id);
      this.#running ??= this.drain();
    });
  }

  /** Resolves once every camera change received so far is in the index (tests). */
  async settled(): Promise<void> {
    while (this.#running) await this.#running;
  }

  private async drain(): Promise<void> {
    // Let the events of one burst gather first.
    await new Promise((r) => setImmediate(r));
    try {
      while (this.#pending.size) {
        const ids = [...this.#pending].slice(0, BATCH);
        for (const id of ids) this.#pending.delete(id);
        const rows = await findCameras(this.db, ids);
        this.registry.applyAll(rows);
        const found = new Set(rows.map((r) => r.id));
        for (const id of ids) if (!found.has(id)) this.registry.index.remove(id);
      }
    } catch (err) {
      this.log.warn({ err }, 'camera changes from another instance could not be applied; they will be on the next change or restart');
    } finally {
      this.#running = undefined;
      if (this.#pending.size) this.#running = this.drain();
    }
  }

  stop(): void {
    this.#unsubscribe();
  }
}
