import type { ExportAlert } from '../../db/queries/alert-export';
import type { CapStatus } from '../../db/vocab';
import { ALERT_TYPES } from '../domain/categories';
import { toCapTime, type CapArea, type CapInfo, type CapMessage } from './message';

/**
 * Any stored alert → a CAP 1.2 message. A CAP message we received goes out as it
 * came in (sender, identifier and sent kept, so a downstream system sees the same
 * message); an alert made here is written as ours: sender `CAP_SENDER`, identifier
 * from its id, sent when it was stored, times in China's +08:00, the area as one
 * <polygon> per part (its outer ring: CAP has no holes) named after the districts it
 * reaches, our type as an <eventCode>, and its lifecycle status as a <parameter>.
 */
export const CAP_SENDER = 'harmony-command-map';
export const EVENT_CODE_NAME = 'HCM';

export function capOfAlert(alert: ExportAlert): CapMessage {
  if (alert.cap) return alert.cap as unknown as CapMessage;
  const type = ALERT_TYPES.get(alert.eventType);
  const at = (iso: string | null) => (iso ? toCapTime(Date.parse(iso)) : undefined);
  const geometry = JSON.parse(alert.geometry) as { coordinates: Array<Array<Array<[number, number]>>> };
  const area: CapArea = {
    areaDesc: alert.areaNames.join('、') || '指定区域',
    polygon: geometry.coordinates.map((polygon) => polygon[0]!.map(([lng, lat]) => `${lat},${lng}`).join(' ')),
    circle: [],
    geocode: [],
  };
  const info: CapInfo = {
    language: 'zh-CN',
    category: [type?.cap ?? 'Other'],
    event: type?.name ?? alert.eventType,
    responseType: [],
    urgency: alert.urgency,
    severity: alert.severity,
    certainty: alert.certainty,
    eventCode: [{ valueName: EVENT_CODE_NAME, value: alert.eventType }],
    onset: at(alert.onset),
    expires: at(alert.expires),
    senderName: '和云指挥一张图',
    headline: alert.headline,
    description: alert.description ?? undefined,
    parameter: [
      { valueName: `${EVENT_CODE_NAME}:status`, value: alert.status },
      { valueName: `${EVENT_CODE_NAME}:affectedGrids`, value: String(alert.affectedGrids) },
    ],
    resource: [],
    area: [area],
  };
  return {
    identifier: `hcm-alert-${alert.id}`,
    sender: CAP_SENDER,
    sent: toCapTime(Date.parse(alert.createdAt)),
    status: alert.messageStatus as CapStatus,
    msgType: 'Alert',
    source: alert.source,
    scope: 'Public',
    code: [],
    info: [removeUndefined(info)],
  };
}

function removeUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
