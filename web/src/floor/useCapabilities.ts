// What this server offers the floor (see api/capabilities.ts); undefined while the answer is on its way.
import { useEffect, useState } from 'react';
import { loadCapabilities, type Capabilities } from '../api/capabilities';

export function useCapabilities(): Capabilities | undefined {
  const [caps, setCaps] = useState<Capabilities>();
  useEffect(() => {
    let live = true;
    void loadCapabilities().then((c) => live && setCaps(c));
    return () => {
      live = false;
    };
  }, []);
  return caps;
}
