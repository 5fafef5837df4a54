// The current view of a map as an image. MapLibre clears its WebGL drawing buffer after each frame
// (preserveDrawingBuffer is off: it slows every frame for a rare export), so the canvas is copied
// inside the 'render' event of a frame asked for on purpose, while the frame's pixels still exist.
import type { Map as MlMap } from 'maplibre-gl';

/** A 2D canvas holding the map's pixels now (device pixels). */
export function mapSnapshot(map: MlMap): Promise<HTMLCanvasElement> {
  return new Promise((resolve) => {
    map.once('render', () => {
      const src = map.getCanvas();
      const c = document.createElement('canvas');
      c.width = src.width;
      c.height = src.height;
      c.getContext('2d')!.drawImage(src, 0, 0);
      resolve(c);
    });
    map.triggerRepaint();
  });
}

/** canvas → PNG Blob. */
export function pngBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
}
