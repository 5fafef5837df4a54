// Map labels as HTML markers: the machines are offline and the map carries no glyphs (no font
// server), so names (districts, measurements) are DOM elements positioned by MapLibre.
import * as maplibregl from 'maplibre-gl';
import type { Map as MlMap, Marker } from 'maplibre-gl';

export interface HtmlLabel {
  lon: number;
  lat: number;
  text: string;
  /** CSS class of the label element (the page styles it). */
  className?: string;
}

/** A set of labels on one map that can be replaced or removed together. */
export class HtmlLabels {
  private markers: Marker[] = [];
  constructor(
    private readonly map: MlMap,
    private readonly className = 'om-map-label',
  ) {}

  set(labels: HtmlLabel[]): void {
    this.clear();
    for (const l of labels) {
      const el = document.createElement('div');
      el.className = `${this.className} ${l.className ?? ''}`.trim();
      el.textContent = l.text;
      this.markers.push(new maplibregl.Marker({ element: el, anchor: 'center' }).setLngLat([l.lon, l.lat]).addTo(this.map));
    }
  }

  show(visible: boolean): void {
    for (const m of this.markers) m.getElement().style.display = visible ? '' : 'none';
  }

  clear(): void {
    for (const m of this.markers) m.remove();
    this.markers = [];
  }
}
