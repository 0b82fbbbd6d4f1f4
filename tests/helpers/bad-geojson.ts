/**
 * Shapes every entry point must refuse with the same clear message (the one
 * rule in db/geojson.ts): used by the unit test, the importer and the alert API tests.
 * Coordinates sit inside the made-up DataV city (tests/fixtures/datav-city.ts).
 */
const ring = [[106.33, 26.93], [106.34, 26.93], [106.34, 26.94], [106.33, 26.93]];

export const BAD_SHAPES: Array<{ name: string; geometry: unknown; reason: RegExp }> = [
  { name: 'a bbox of 3 numbers', geometry: { type: 'Polygon', bbox: [106.33, 26.93, 106.34], coordinates: [ring] }, reason: /invalid bbox: must be an array of 4 numbers/ },
  { name: 'a bbox with south above north', geometry: { type: 'Polygon', bbox: [106.33, 26.94, 106.34, 26.93], coordinates: [ring] }, reason: /invalid bbox: south 26.94 is above north 26.93/ },
  { name: 'a bbox that does not hold the shape', geometry: { type: 'Polygon', bbox: [106.33, 26.93, 106.335, 26.94], coordinates: [ring] }, reason: /invalid bbox: position \[106.34, 26.93\] lies outside/ },
  { name: 'a bbox holding a string', geometry: { type: 'Polygon', bbox: [106.33, '26.93', 106.34, 26.94], coordinates: [ring] }, reason: /invalid bbox: value 1 is the string "26.93", not a finite number/ },
  { name: 'a nested array where a position should be', geometry: { type: 'Polygon', coordinates: [[ring]] }, reason: /position 0 is a nested array where a position \[lng, lat\] should be/ },
  { name: 'a bare number where a position should be', geometry: { type: 'Polygon', coordinates: ring }, reason: /position 0 is a bare number where a position \[lng, lat\] should be/ },
  { name: 'Polygon coordinates [[]]', geometry: { type: 'Polygon', coordinates: [[]] }, reason: /ring 0 of polygon 0 has 0 positions; a closed ring needs at least 4/ },
  { name: 'MultiPolygon coordinates [[]]', geometry: { type: 'MultiPolygon', coordinates: [[]] }, reason: /polygon 0 must be a non-empty array of rings, got an empty one/ },
  { name: 'empty coordinates', geometry: { type: 'MultiPolygon', coordinates: [] }, reason: /MultiPolygon coordinates must be a non-empty array, got an empty one/ },
  { name: 'a position of 4 values', geometry: { type: 'Polygon', coordinates: [ring.map(([x, y]) => [x, y, 0, 0])] }, reason: /has 4 values; at most 3/ },
];
