import type { IndexedAlert } from '../../db/queries/alert-export';
import { CAP_NS } from './message';
import { escapeXml } from './write';

/**
 * The Atom index (RFC 4287) of live alerts, as CAP feeds publish it: one entry per
 * alert linking to its CAP message (`application/cap+xml`), with the CAP fields a
 * reader filters on as `cap:` extension elements.
 */
export interface AtomFeed {
  /** Absolute URL of this feed (its id and self link). */
  self: string;
  /** Absolute URL of one alert's CAP message, from its id. */
  alertUrl: (id: number) => string;
  title: string;
  alerts: readonly IndexedAlert[];
  now: string;
}

export function writeAtom(feed: AtomFeed): string {
  const updated = feed.alerts.reduce((latest, a) => (a.updatedAt > latest ? a.updatedAt : latest), feed.alerts[0]?.updatedAt ?? feed.now);
  const entries = feed.alerts.map((a) => {
    const url = escapeXml(feed.alertUrl(a.id));
    const area = a.areaNames.join('、');
    return `  <entry>
    <id>${url}</id>
    <title>${escapeXml(a.headline)}</title>
    <updated>${a.updatedAt}</updated>
    <published>${a.createdAt}</published>
    <link rel="alternate" type="application/cap+xml" href="${url}"/>
    <summary>${escapeXml(`${a.severity} · ${a.urgency} · ${a.certainty}${area ? ` · ${area}` : ''}`)}</summary>
    <cap:event>${escapeXml(a.eventType)}</cap:event>
    <cap:status>${a.messageStatus}</cap:status>
    <cap:msgType>${a.msgType}</cap:msgType>
    <cap:urgency>${a.urgency}</cap:urgency>
    <cap:severity>${a.severity}</cap:severity>
    <cap:certainty>${a.certainty}</cap:certainty>
${a.expires ? `    <cap:expires>${a.expires}</cap:expires>\n` : ''}    <cap:areaDesc>${escapeXml(area)}</cap:areaDesc>
  </entry>
`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:cap="${CAP_NS}">
  <id>${escapeXml(feed.self)}</id>
  <title>${escapeXml(feed.title)}</title>
  <updated>${updated}</updated>
  <author><name>和云指挥一张图 Harmony Command Map</name></author>
  <link rel="self" type="application/atom+xml" href="${escapeXml(feed.self)}"/>
${entries.join('')}</feed>
`;
}
