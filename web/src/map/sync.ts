// Keeps two maps on the same view (the viewer's version compare: side by side or swipe). Moving
// either map moves the other; a flag stops the echo of the programmatic move.
import type { Map as MlMap } from 'maplibre-gl';

/** Links the views of `a` and `b`; returns the function that unlinks them. */
export function syncMaps(a: MlMap, b: MlMap): () => void {
  let busy = false;
  const follow = (from: MlMap, to: MlMap) => () => {
    if (busy) return;
    busy = true;
    to.jumpTo({ center: from.getCenter(), zoom: from.getZoom(), bearing: from.getBearing(), pitch: from.getPitch() });
    busy = false;
  };
  const ab = follow(a, b);
  const ba = follow(b, a);
  a.on('move', ab);
  b.on('move', ba);
  ab();
  return () => {
    a.off('move', ab);
    b.off('move', ba);
  };
}
