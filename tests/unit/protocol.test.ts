import { describe, expect, it } from 'vitest';
import { alertInputSchema, caseInputSchema } from '../../server/protocol/api';
import { feedFrameSchema, PROTOCOL_VERSION, subscribeSchema } from '../../server/protocol/wire';
import { basemapFromConfig } from '../../server/domain/basemap';
import { configFromEnv } from '../../server/config';

const base = {
  kind: 'incident',
  channel: 'grid_worker',
  externalId: 'u-1',
  category: '0102',
  location: { type: 'Point', coordinates: [106.7, 26.6] },
};

describe('intake schemas', () => {
  it('accepts a minimal incident and defaults its severity', () => {
    expect(caseInputSchema.parse(base).severity).toBe('Unknown');
  });

  it.each([
    ['lat/lng swapped', { location: { type: 'Point', coordinates: [26.6, 106.7] } }, 'location.coordinates.1'],
    ['NaN coordinate', { location: { type: 'Point', coordinates: [Number.NaN, 26.6] } }, 'location.coordinates.0'],
    ['appeal channel on an incident', { channel: 'wechat' }, 'channel'],
    ['unknown property', { secret: 1 }, ''],
    ['blank external id', { externalId: '   ' }, 'externalId'],
  ])('rejects %s, naming the path', (_name, patch, path) => {
    const result = caseInputSchema.safeParse({ ...base, ...patch });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('counts alert vertices across all rings and polygons', () => {
    const ring = (n: number) => [...Array.from({ length: n - 1 }, (_, i) => [106 + Math.cos(i) / 10, 26 + Math.sin(i) / 10]), [106 + 0.1, 26]];
    const closed = (r: number[][]) => [...r.slice(0, -1), r[0]!];
    const polygon = (n: number) => [closed(ring(n))];
    const alert = (coordinates: unknown) => ({
      externalId: 'a',
      eventType: 'FIRE',
      headline: 'h',
      severity: 'Minor',
      urgency: 'Past',
      certainty: 'Observed',
      geometry: { type: 'MultiPolygon', coordinates },
    });
    expect(alertInputSchema.safeParse(alert([polygon(10_000), polygon(10_000)])).success).toBe(true);
    expect(alertInputSchema.safeParse(alert([polygon(10_000), polygon(10_001)])).success).toBe(false);
  });
});

describe('socket contract', () => {
  it('requires the protocol version and a known layer', () => {
    expect(subscribeSchema.safeParse({ v: PROTOCOL_VERSION, layers: ['alerts'], since: null }).success).toBe(true);
    expect(subscribeSchema.safeParse({ v: PROTOCOL_VERSION + 1, layers: ['alerts'], since: null }).success).toBe(false);
    expect(subscribeSchema.safeParse({ v: PROTOCOL_VERSION, layers: [], since: 0 }).success).toBe(false);
    expect(subscribeSchema.safeParse({ v: PROTOCOL_VERSION, layers: ['alerts'], since: 1.5 }).success).toBe(false);
  });

  it('rejects a frame whose event does not match its topic', () => {
    const frame = {
      v: PROTOCOL_VERSION,
      from: 0,
      to: 1,
      replay: false,
      events: [{ seq: 1, at: 'x', topic: 'alert.created', layer: 'alerts', areaCodes: [], payload: { id: 1 } }],
    };
    expect(feedFrameSchema.safeParse(frame).success).toBe(false);
  });

  it('reads who acknowledged each district, and an alert event written before acknowledgements named anyone', () => {
    const alert = (ack: Record<string, unknown>) => ({
      v: PROTOCOL_VERSION,
      from: 0,
      to: 1,
      replay: true,
      events: [{
        seq: 1, at: '2026-06-01T00:00:00.000Z', topic: 'alert.updated', layer: 'alerts', areaCodes: ['520100', '520102'],
        payload: {
          id: 1, source: 'api', eventType: 'FIRE', headline: 'h', severity: 'Severe', urgency: 'Immediate', certainty: 'Observed',
          status: 'acknowledged', onset: null, expires: null, affectedGrids: 1, impact: { openCases: 0, onDutyResponders: 0, population: 0 },
          ack, geometry: { type: 'MultiPolygon', coordinates: [] }, action: 'acknowledged',
        },
      }],
    });
    const records = [{ area: '520102', by: '南明区值班员', at: '2026-06-01T00:00:00.000Z' }];
    const now = feedFrameSchema.safeParse(alert({ pending: [], acknowledged: ['520102'], level: 0, records }));
    expect(now.success && now.data.events[0]!.layer === 'alerts' && now.data.events[0]!.payload.ack.records).toEqual(records);
    const before = feedFrameSchema.safeParse(alert({ pending: [], acknowledged: ['520102'], level: 0 }));
    expect(before.success && before.data.events[0]!.layer === 'alerts' && before.data.events[0]!.payload.ack.records).toEqual([]);
    expect(feedFrameSchema.safeParse(alert({ pending: [], acknowledged: ['520102'], level: 0, records: [{ area: '520102' }] })).success).toBe(false);
  });
});

describe('configuration', () => {
  it('defaults to no base map and refuses an unknown one', () => {
    expect(basemapFromConfig('none').url).toBeNull();
    expect(basemapFromConfig('amap').crs).toBe('gcj02');
    expect(basemapFromConfig('https://tiles.example.gov/{z}/{x}/{y}.png').kind).toBe('custom');
    expect(() => basemapFromConfig('googlemaps')).toThrow(/BASEMAP/);
  });

  it('treats an empty variable as unset and names a bad one', () => {
    expect(configFromEnv({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
    expect(() => configFromEnv({ PORT: 'eighty' })).toThrow(/PORT/);
  });

  it('reads office hours and the scheduler switch, naming a bad span', () => {
    expect(configFromEnv({}).officeHours).toEqual([
      ['08:30', '12:00'],
      ['14:00', '17:30'],
    ]);
    expect(configFromEnv({ OFFICE_HOURS: '09:00-12:00, 13:30-18:00' }).officeHours).toEqual([
      ['09:00', '12:00'],
      ['13:30', '18:00'],
    ]);
    expect(() => configFromEnv({ OFFICE_HOURS: '9-12' })).toThrow(/OFFICE_HOURS: HH:MM/);
    expect(() => configFromEnv({ OFFICE_HOURS: '14:00-17:30,08:30-12:00' })).toThrow(/OFFICE_HOURS: .*out of order/);
    expect(() => configFromEnv({ OFFICE_HOURS: '08:30' })).toThrow(/OFFICE_HOURS: "08:30" is not like/);
    expect(configFromEnv({}).scheduler).toEqual({ enabled: true, tickMs: 5000 });
    expect(configFromEnv({ SCHEDULER: '0', SCHEDULER_TICK_MS: '250' }).scheduler).toEqual({ enabled: false, tickMs: 250 });
  });

});
