import { describe, expect, it } from 'vitest';
import { normaliseAreaGeometry, type NormalisedGeometry } from '../../db/geojson';
import { parseAreaFile } from '../../db/import/geojson';
import { alertInputSchema } from '../../server/protocol/api';
import datav from '../fixtures/datav-city.json';
import { BAD_SHAPES } from '../helpers/bad-geojson';

/** The one GeoJSON rule (db/geojson.ts), as the importer and the alert API both see it. */
const signed = (ring: number[][]): number =>
  ring.reduce((sum, [x, y], i) => {
    const [nx, ny] = ring[(i + 1) % ring.length] as number[];
    return sum + ((x as number) * (ny as number) - (nx as number) * (y as number));
  }, 0) / 2;

const ok = (input: unknown): NormalisedGeometry => {
  const result = normaliseAreaGeometry(input);
  if (!result.ok) throw new Error(result.issue.message);
  return result.value;
};

describe('GeoJSON area rule', () => {
  it('normalises winding to the right-hand rule: exteriors counterclockwise, holes clockwise', () => {
    const clockwise = [[0, 0], [0, 2], [2, 2], [2, 0], [0, 0]];
    const counterHole = [[0.5, 0.5], [1.5, 0.5], [1.5, 1.5], [0.5, 1.5], [0.5, 0.5]];
    const result = ok({ type: 'Polygon', coordinates: [clockwise, counterHole] });
    expect(result.rewound).toBe(2);
    const [outer, hole] = (result.geometry.coordinates as number[][][]);
    expect(signed(outer!)).toBeGreaterThan(0);
    expect(signed(hole!)).toBeLessThan(0);
    // Already right-handed input is left as it is.
    expect(ok({ type: 'Polygon', coordinates: [outer, hole] }).rewound).toBe(0);
  });

  it('drops altitudes and keeps [lng, lat]', () => {
    const result = ok({ type: 'MultiPolygon', coordinates: [[[[1, 1, 9], [2, 1, 9], [2, 2, 9], [1, 1, 9]]]] });
    expect(result.altitudes).toBe(4);
    expect(result.geometry.coordinates.flat(3).length).toBe(8);
  });

  it('accepts a bbox that holds the geometry, also with altitudes', () => {
    ok({ type: 'Polygon', bbox: [1, 1, 2, 2], coordinates: [[[1, 1], [2, 1], [2, 2], [1, 1]]] });
    ok({ type: 'Polygon', bbox: [1, 1, 0, 2, 2, 5], coordinates: [[[1, 1, 0], [2, 1, 5], [2, 2, 1], [1, 1, 0]]] });
  });

  for (const bad of BAD_SHAPES) {
    it(`refuses ${bad.name} with the same message in the importer and the API`, () => {
      const result = normaliseAreaGeometry(bad.geometry);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.issue.message).toMatch(bad.reason);
      const api = alertInputSchema.safeParse({
        externalId: 'a', eventType: 'FIRE', headline: 'h', severity: 'Minor', urgency: 'Past', certainty: 'Observed', geometry: bad.geometry,
      });
      expect(api.success).toBe(false);
      expect(api.error?.issues[0]?.message).toBe(result.issue.message);
      expect(api.error?.issues[0]?.path.join('.')).toBe(['geometry', ...result.issue.path].join('.'));
    });
  }
});

describe('DataV-shaped files', () => {
  const mapping = { codeProp: 'adcode', nameProp: 'name', levelProp: 'level', parentCodeProp: 'parent.adcode' };

  it('reads numeric adcodes and the nested parent, and warns when no datum is given', () => {
    const parsed = parseAreaFile(datav, mapping);
    expect(parsed.areas.map((a) => [a.code, a.level, a.parentCode])).toEqual([
      ['520902', 'district', '520900'],
      ['520903', 'district', '520900'],
      ['520904', 'district', '520900'],
      ['520905', 'district', '520900'],
    ]);
    expect(parsed.warnings).toHaveLength(1);
    expect(parsed.warnings[0]).toMatch(/looks like DataV GeoAtlas .* GCJ-02.*--datum gcj02/);
    expect(parsed.datumShift).toBeNull();
  });

  it('converts GCJ-02 to WGS84 and reports how far that moved the vertices', () => {
    const parsed = parseAreaFile(datav, { ...mapping, datum: 'gcj02' });
    expect(parsed.warnings).toEqual([]);
    // Near 106.3°E 27.0°N the GCJ-02 offset is about half a kilometre.
    expect(parsed.datumShift?.meanM).toBeGreaterThan(450);
    expect(parsed.datumShift?.maxM).toBeLessThan(600);
  });
});
