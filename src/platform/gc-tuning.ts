// One setting of V8's garbage collector for the server process.
//
// V8 "pretenures" an allocation site (allocates its objects straight in the old generation) once most of its
// objects have outlived a young-generation collection, and does not go back. At start, and in bulk work (seeding the
// demo, importing cameras), shared code makes many long-lived objects (rows, statements, request plans); its sites
// are then pretenured for good, and every incident's short-lived objects from them go to the old generation, where
// only a full collection frees them. The intake bench showed it: 1.75 MB promoted per young collection and
// 206–276 ms of collection pauses in 20 s at 100 incidents/s; without pretenuring 1.0 MB and 153–176 ms, and no
// pause over 11 ms. The price is a slower bulk load of long-lived objects: CameraRegistry.load of 1,000,000
// cameras took a median 2.06 s instead of 1.77 s (three fresh processes each).
import { setFlagsFromString } from 'node:v8';

let tuned = false;

/** Turns V8's allocation-site pretenuring off; call once, first thing in the process (again is a no-op). */
export function tuneGarbageCollection(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString('--no-allocation-site-pretenuring');
}
