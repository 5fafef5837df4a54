// In-process notice that a layer has a new active version (an import committed, a rollback),
// so caches keyed by layer version (vector tiles, collection extents) drop stale entries at once
// rather than waiting for their time-to-live. Other processes writing to the same PostgreSQL
// database are caught by those caches' short re-check interval instead.
import { EventEmitter } from 'node:events';

export interface LayerChange {
  code: string;
  layerId: number;
  version: number | null;
}

class LayerEvents extends EventEmitter {
  changed(c: LayerChange): void {
    this.emit('changed', c);
  }
  onChanged(fn: (c: LayerChange) => void): () => void {
    this.on('changed', fn);
    return () => this.off('changed', fn);
  }
}

export const layerEvents = new LayerEvents();
layerEvents.setMaxListeners(100); // one per app instance; tests build many
