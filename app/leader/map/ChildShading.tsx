'use client';

import L from 'leaflet';
import { useEffect, useRef } from 'react';
import { useMap } from 'react-leaflet';
import type { AreaCollection, AreaFeatureProperties } from '../../../server/protocol/rest';
import { keepLabelsDecluttered } from '../../wall/map/declutter';
import { labelPoint } from '../../wall/map/geometry';
import { ensurePane, sizeScale, useProjection } from '../../wall/map/support';
import { colourOf, type Scale } from './shade';

/** What the map shows for one child area: its name, the chosen indicator's value and how it reads. */
export interface ChildValue {
  name: string;
  value: number | null;
  text: string;
}

/** More children than this and names would pile up: the ranking lists them instead. */
const MAX_LABELS = 40;

type ChildPath = L.Path & { feature?: { properties: AreaFeatureProperties } };

/**
 * The children of the current area, shaded by the chosen indicator; a tap (or click)
 * drills into one. Shapes are drawn when they arrive; values restyle the same paths,
 * so a live re-fetch never flickers the map. Each path carries `data-area-code`.
 */
export default function ChildShading({
  shapes,
  values,
  scale,
  onSelect,
}: {
  shapes: AreaCollection | null;
  values: ReadonlyMap<string, ChildValue>;
  scale: Scale;
  onSelect: (code: string) => void;
}) {
  const map = useMap();
  const { project } = useProjection();
  const layerRef = useRef<L.GeoJSON | null>(null);
  const selectRef = useRef(onSelect);
  useEffect(() => {
    selectRef.current = onSelect;
  }, [onSelect]);

  useEffect(() => {
    if (!shapes) return;
    const s = sizeScale(map);
    const layer = L.geoJSON(shapes as GeoJSON.FeatureCollection, {
      pane: ensurePane(map, 'fills'),
      coordsToLatLng: (c) => L.latLng(project(c[0]!, c[1]!)),
      style: { color: '#e2e8f0', weight: 1.2 * s, opacity: 0.75, fillOpacity: 0 },
      onEachFeature: (feature, path) => {
        const code = (feature.properties as AreaFeatureProperties).code;
        path.on('click', () => selectRef.current(code));
        path.on('mouseover', () => (path as L.Path).setStyle({ weight: 3 * s, opacity: 1 }));
        path.on('mouseout', () => (path as L.Path).setStyle({ weight: 1.2 * s, opacity: 0.75 }));
      },
    }).addTo(map);
    layer.eachLayer((child) => {
      const path = child as ChildPath;
      const element = path.getElement?.();
      const code = path.feature?.properties.code;
      if (element && code) {
        element.setAttribute('data-area-code', code);
        element.classList.add('leader-area-path');
      }
    });
    layerRef.current = layer;
    map.getContainer().setAttribute('data-children', String(shapes.features.length));
    return () => {
      layer.remove();
      if (layerRef.current === layer) layerRef.current = null;
      map.getContainer().removeAttribute('data-children');
    };
  }, [map, shapes, project]);

  useEffect(() => {
    const layer = layerRef.current;
    if (!layer || !shapes) return;
    const s = sizeScale(map);
    const labelled = shapes.features.length <= MAX_LABELS;
    const labels = L.layerGroup();
    layer.eachLayer((child) => {
      const path = child as ChildPath;
      const props = path.feature?.properties;
      if (!props) return;
      const entry = values.get(props.code);
      const colour = colourOf(entry?.value ?? null, scale);
      path.setStyle(
        colour
          ? { fillColor: colour, fillOpacity: 0.55, dashArray: undefined }
          : { fillColor: '#64748b', fillOpacity: 0.12, dashArray: `${4 * s} ${4 * s}` },
      );
      path.getElement?.()?.setAttribute('data-value', entry?.value === null || entry === undefined ? '' : String(entry.value));
      if (!labelled || !entry) return;
      const at = labelPoint(path.feature as AreaCollection['features'][number]);
      if (!at) return;
      const content = document.createElement('span');
      // Larger areas keep their labels where labels would collide (declutter.ts).
      const box = (path as L.Polygon).getBounds?.();
      if (box) content.dataset.priority = String((box.getEast() - box.getWest()) * (box.getNorth() - box.getSouth()));
      const name = document.createElement('span');
      name.className = 'leader-map-label-name';
      name.textContent = entry.name;
      const value = document.createElement('span');
      value.className = 'leader-map-label-value';
      value.textContent = entry.text;
      content.append(name, value);
      labels.addLayer(
        L.tooltip({ permanent: true, direction: 'center', className: 'leader-map-label', pane: ensurePane(map, 'labels'), interactive: false })
          .setLatLng(project(at[0], at[1]))
          .setContent(content),
      );
    });
    labels.addTo(map);
    const stopDecluttering = keepLabelsDecluttered(map, { labels: ['.leader-map-label'] });
    map.getContainer().setAttribute('data-shaded', 'yes');
    return () => {
      stopDecluttering();
      labels.remove();
      map.getContainer().removeAttribute('data-shaded');
    };
  }, [map, shapes, values, scale, project]);

  return null;
}
