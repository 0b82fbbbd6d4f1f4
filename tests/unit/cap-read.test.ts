import { describe, expect, it } from 'vitest';
import { capExternalId, capTime, toCapTime } from '../../server/cap/message';
import { readCap } from '../../server/cap/read';
import { capToIntake, displayInfo } from '../../server/cap/to-alert';
import { writeCap } from '../../server/cap/write';
import { readXml } from '../../server/cap/xml';
import { capFixture, xsdProblems } from '../helpers/cap';

/** The pure half of CAP 1.2: safe XML, the schema's rules, the mapping to an alert, and writing back. */
function refusal(run: () => unknown): { code: string; message: string; details: unknown } {
  try {
    run();
  } catch (error) {
    return error as { code: string; message: string; details: unknown };
  }
  throw new Error('expected a refusal');
}

const minimal = (body: string, root = '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">') =>
  `${root}<identifier>X-1</identifier><sender>s@example.cn</sender><sent>2026-06-01T08:00:00+08:00</sent>` +
  `<status>Actual</status><msgType>Alert</msgType><scope>Public</scope>${body}</alert>`;
const info = (extra = '', area = '') =>
  `<info><category>Met</category><event>e</event><urgency>Expected</urgency><severity>Minor</severity><certainty>Likely</certainty>${extra}${area}</info>`;

describe('safe XML', () => {
  it('refuses DOCTYPE in any case, undefined entities and references to characters XML cannot carry', () => {
    expect(refusal(() => readXml('<!doctype a><a/>')).details).toMatchObject({ reason: 'doctype' });
    // A harmless-looking DOCTYPE on a valid message is refused too: no DTD is ever processed.
    const withDoctype = capFixture('circle-point').replace('<alert ', '<!DOCTYPE alert>\n<alert ');
    expect(refusal(() => readCap(withDoctype)).details).toMatchObject({ reason: 'doctype' });
    expect(refusal(() => readXml('<a>&nbsp;</a>')).details).toMatchObject({ reason: 'entity', entity: 'nbsp' });
    expect(refusal(() => readXml('<a>&#0;</a>')).details).toMatchObject({ reason: 'entity' });
    expect(refusal(() => readXml('<a>R & D</a>')).code).toBe('BAD_XML');
    expect(readXml('<a><!-- R & D --><![CDATA[R & D]]></a>').text).toBe('R & D');
    expect(refusal(() => readXml('<a>&#xD800;</a>')).details).toMatchObject({ reason: 'entity' });
    expect(refusal(() => readXml('<a><b></a>')).details).toMatchObject({ reason: 'syntax' });
    expect(refusal(() => readXml('<p:a/>')).details).toMatchObject({ reason: 'namespace' });
  });

  it('decodes the predefined entities and character references once, never CDATA', () => {
    const el = readXml('<a x="&lt;&amp;lt;">&amp;amp; &#x4E2D;&#25991; <![CDATA[&amp; <b>]]></a>');
    expect(el.text).toBe('&amp; 中文 &amp; <b>');
    expect(el.attrs.x).toBe('<&lt;');
  });

  it('caps nesting without recursing into a deep document', () => {
    const deep = `${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}`;
    expect(refusal(() => readXml(deep)).code).toBe('BAD_XML');
  });

  it('resolves namespaces per element: default, prefixed, redeclared', () => {
    const el = readXml('<c:alert xmlns:c="urn:x"><c:b xmlns:c="urn:y"/><d xmlns="urn:z"/><e/></c:alert>');
    expect([el.ns, el.local]).toEqual(['urn:x', 'alert']);
    expect(el.children.map((c) => c.ns)).toEqual(['urn:y', 'urn:z', null]);
  });
});

describe('CAP 1.2 reader', () => {
  it('checks date-times: an explicit offset, a real calendar date, years 1900–2999', () => {
    expect(capTime('2026-06-01T08:00:00+08:00')).toBe(Date.parse('2026-06-01T00:00:00Z'));
    expect(capTime('2026-06-01T00:00:00-00:00')).toBe(Date.parse('2026-06-01T00:00:00Z'));
    for (const bad of ['2026-06-01T08:00:00Z', '2026-06-01T08:00:00', '2026-02-30T08:00:00+08:00', '2026-06-01T24:00:00+08:00', '2026-06-01T08:00:00.5+08:00', '3000-01-01T00:00:00+00:00']) {
      expect(capTime(bad), bad).toBeNull();
    }
    expect(toCapTime(Date.parse('2026-06-01T00:00:00Z'))).toBe('2026-06-01T08:00:00+08:00');
    expect(capExternalId('X', '2026-06-01T08:00:00+08:00')).toBe(capExternalId('X', '2026-06-01T00:00:00-00:00'));
  });

  it('names each problem by its element path', () => {
    const problems = (xml: string) => (refusal(() => readCap(xml)).details as Array<{ path: string }>).map((p) => p.path);
    expect(problems(minimal(info('<responseType>Run</responseType>')))).toEqual(['alert.info[0].responseType[0]']);
    expect(problems(minimal(`${info()}${info('<unknownThing>1</unknownThing>')}`))).toEqual(['alert.info[1].unknownThing']);
    expect(problems(minimal(info('', '<area><polygon>1,2 3,4 5,6 1,2</polygon></area>')))).toEqual(['alert.info[0].area[0].areaDesc']);
    expect(problems(minimal(info('', '<area><areaDesc>a</areaDesc><circle>26.5,106.6 -1</circle><ceiling>3</ceiling></area>')))).toEqual([
      'alert.info[0].area[0].ceiling',
      'alert.info[0].area[0].circle[0]',
    ]);
    expect(problems(minimal(info('', '<area><areaDesc>a</areaDesc><polygon>26.5,106.6 26.6,106.6 26.6,106.7 26.5,106.7</polygon></area>')))).toEqual([
      'alert.info[0].area[0].polygon[0]',
    ]);
    expect(problems(minimal(info('', '<area><areaDesc>a</areaDesc><polygon>96.5,106.6 26.6,106.6 26.6,106.7 96.5,106.6</polygon></area>')))).toEqual([
      'alert.info[0].area[0].polygon[0]',
    ]);
    expect(problems(minimal('<references>a,b</references>'))).toEqual(['alert.references']);
    expect(problems(minimal('<references>a,b,2026-06-01T08:00:00Z</references>'))).toEqual(['alert.references']);
    expect(problems(minimal('').replace('<scope>Public</scope>', '<scope>Private</scope>'))).toEqual(['alert.addresses']);
    expect(problems(minimal('').replace('<identifier>X-1</identifier>', '<identifier>X 1</identifier>'))).toEqual(['alert.identifier']);
    expect(problems(minimal(info('<onset>2026-06-02T00:00:00+08:00</onset><expires>2026-06-01T00:00:00+08:00</expires>')))).toEqual(['alert.info[0].expires']);
  });

  it('tells CAP 1.1, 1.0 and foreign documents apart from invalid 1.2 ones', () => {
    expect(refusal(() => readCap(capFixture('cap11'))).message).toMatch(/CAP 1\.1 is not supported/);
    expect(refusal(() => readCap(minimal('', '<alert xmlns="http://www.incident.com/cap/1.0">'))).message).toMatch(/CAP 1\.0/);
    expect(refusal(() => readCap(minimal('', '<alert>'))).code).toBe('UNSUPPORTED_VERSION');
    expect(refusal(() => readCap('<cap:message xmlns:cap="urn:oasis:names:tc:emergency:cap:1.2"/>')).code).toBe('VALIDATION_FAILED');
  });
});

describe('CAP 1.2 → alert', () => {
  it('picks zh-CN, then another Chinese info, then the first', () => {
    const infos = (langs: Array<string | undefined>) => langs.map((language) => ({ language, event: language ?? 'none' }) as never);
    expect(displayInfo(infos(['en-US', 'zh-CN']))!.language).toBe('zh-CN');
    expect(displayInfo(infos(['en-US', 'zh-TW', 'zh-Hans']))!.language).toBe('zh-Hans');
    expect(displayInfo(infos(['en-US', 'zh-TW']))!.language).toBe('zh-TW');
    expect(displayInfo(infos([undefined, 'fr']))!.language).toBeUndefined();
  });

  it('reads polygons as lat,lon into [lng, lat], a radius of 0 as a point-sized circle, and geocodes as area codes', () => {
    const polygon = capToIntake(readCap(capFixture('bilingual-rainstorm')));
    expect(polygon.shape.geometry!.coordinates[0]![0]![0]).toEqual([106.6305, 26.5105]);
    expect(polygon.row.translations.map((t) => t.language)).toEqual(['en-US']);
    expect(capToIntake(readCap(capFixture('circle-point'))).shape.circles).toEqual([{ lng: 106.6655, lat: 26.5355, radiusM: 1 }]);
    expect(capToIntake(readCap(capFixture('geocodes-only'))).shape).toEqual({ geometry: null, circles: [], geocodes: ['006113', '520103'] });
  });

  it('writes back what it read, schema-valid, in the schema’s order', () => {
    for (const name of ['bilingual-rainstorm', 'circle-point', 'geocodes-only', 'update', 'cancel', 'prefixed', 'exercise', 'outside-city', 'area-desc-only']) {
      const message = readCap(capFixture(name));
      const written = writeCap(message);
      expect(xsdProblems(written), name).toBe('');
      expect(readCap(written), name).toEqual(message);
    }
  });
});
