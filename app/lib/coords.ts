/**
 * The one place where coordinate order and datum change.
 *
 * Data (REST, socket, PostGIS, GeoJSON) is always WGS84 `[lng, lat]`. Leaflet wants
 * `[lat, lng]`. AMap tiles are drawn in GCJ-02, so when the base map says
 * `crs: 'gcj02'` overlays are shifted at display time only; stored data never is.
 */
export type LngLat = readonly [lng: number, lat: number];
/** Leaflet's order. Only Leaflet calls should ever see this type. */
export type LeafletLatLng = [lat: number, lng: number];
export type DisplayCrs = 'wgs84' | 'gcj02';
/** Bounding box in data order: west, south, east, north (degrees, WGS84). */
export type BBox = [west: number, south: number, east: number, north: number];

/** Maps a WGS84 data position to what Leaflet should draw for the current base map. */
export type Projector = (lng: number, lat: number) => LeafletLatLng;
/** Maps a displayed Leaflet position back to WGS84 data order. */
export type Unprojector = (lat: number, lng: number) => LngLat;

export function makeProjector(crs: DisplayCrs): Projector {
  if (crs === 'gcj02') {
    return (lng, lat) => {
      const [gLng, gLat] = wgs84ToGcj02(lng, lat);
      return [gLat, gLng];
    };
  }
  return (lng, lat) => [lat, lng];
}

export function makeUnprojector(crs: DisplayCrs): Unprojector {
  if (crs === 'gcj02') return (lat, lng) => gcj02ToWgs84(lng, lat);
  return (lat, lng) => [lng, lat];
}

/** Leaflet view bounds (displayed south-west / north-east) → data bbox, clamped to valid degrees. */
export function boundsToBBox(
  southWest: { lat: number; lng: number },
  northEast: { lat: number; lng: number },
  unproject: Unprojector,
): BBox {
  const [w, s] = unproject(southWest.lat, southWest.lng);
  const [e, n] = unproject(northEast.lat, northEast.lng);
  return [Math.max(-180, w), Math.max(-90, s), Math.min(180, e), Math.min(90, n)];
}

// --- GCJ-02 ("Mars coordinates"), the published eviltransform formula -------------------

/** Krasovsky 1940 ellipsoid, as used by the GCJ-02 obfuscation. */
const AXIS = 6378245.0;
const ECC2 = 0.006693421622965943;

function outOfChina(lng: number, lat: number): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function offsetLat(x: number, y: number): number {
  let ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return ret;
}

function offsetLng(x: number, y: number): number {
  let ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return ret;
}

export function wgs84ToGcj02(lng: number, lat: number): LngLat {
  if (outOfChina(lng, lat)) return [lng, lat];
  let dLat = offsetLat(lng - 105.0, lat - 35.0);
  let dLng = offsetLng(lng - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - ECC2 * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((AXIS * (1 - ECC2)) / (magic * sqrtMagic)) * Math.PI);
  dLng = (dLng * 180.0) / ((AXIS / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lng + dLng, lat + dLat];
}

/** Inverse by fixed-point iteration; converges to well under a metre in a few steps. */
export function gcj02ToWgs84(lng: number, lat: number): LngLat {
  if (outOfChina(lng, lat)) return [lng, lat];
  let wLng = lng;
  let wLat = lat;
  for (let i = 0; i < 4; i++) {
    const [gLng, gLat] = wgs84ToGcj02(wLng, wLat);
    wLng -= gLng - lng;
    wLat -= gLat - lat;
  }
  return [wLng, wLat];
}
