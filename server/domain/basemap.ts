import type { BasemapConfig } from '../protocol/rest';

/**
 * BASEMAP → what the browser loads. `none` is the default: government intranets
 * often have no tile server, and the map must stay legible without one.
 */
export function basemapFromConfig(value: string, tiandituKey?: string): BasemapConfig {
  switch (value) {
    case 'none':
      return { kind: 'none', url: null, attribution: null, crs: 'wgs84', maxZoom: 18 };
    case 'osm':
      return {
        kind: 'osm',
        url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
        attribution: '© OpenStreetMap contributors',
        crs: 'wgs84',
        maxZoom: 19,
      };
    case 'tianditu':
      return {
        kind: 'tianditu',
        url: `https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(tiandituKey ?? '')}`,
        attribution: '天地图',
        crs: 'wgs84',
        maxZoom: 18,
      };
    case 'amap':
      return {
        kind: 'amap',
        url: 'https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}',
        attribution: '高德地图',
        crs: 'gcj02',
        maxZoom: 18,
      };
    default:
      if (/^https?:\/\/.+\{z\}.*\{x\}.*\{y\}/.test(value) || /^\/.+\{z\}.*\{x\}.*\{y\}/.test(value)) {
        return { kind: 'custom', url: value, attribution: null, crs: 'wgs84', maxZoom: 19 };
      }
      throw new Error(`BASEMAP must be none, osm, tianditu, amap or a tile URL template with {z}/{x}/{y}, got ${value}`);
  }
}
