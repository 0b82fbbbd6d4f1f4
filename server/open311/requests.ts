import type { Open311CaseRow } from '../../db/queries/open311';
import { CLOSED_STATUSES, type CaseStatus } from '../../db/vocab';
import { departmentOf, DEPARTMENTS } from '../domain/departments';
import { findService, serviceCodeOf } from './catalogue';

/**
 * One case as a GeoReport v2 service request, fields in the spec's order. Status
 * is open/closed from our lifecycle (CLOSED_STATUSES → closed); status_notes is a
 * fixed public sentence per status (never the desk's internal notes);
 * agency_responsible is the department the case is dispatched to, else the one the
 * catalogue suggests; expected_datetime is the deadline of the running SLA stage
 * (立案, 派遣, 处置 or 核查), empty once finished or while on hold. No reporter
 * contact is ever part of it.
 */
const STATUS_NOTES: Record<CaseStatus, string> = {
  reported: '已收到，等待立案 Received, awaiting registration',
  registered: '已立案，等待派遣 Registered, awaiting dispatch',
  rejected: '不予立案 Not accepted',
  dispatched: '已派遣 Dispatched to the responsible department',
  returned: '已回退，重新派遣中 Returned for re-dispatch',
  in_progress: '处置中 Being handled',
  handled: '已处置，待核查 Handled, awaiting verification',
  closed: '已核查结案 Verified and closed',
  suspended: '挂账 On hold',
  merged: '已合并至另一诉求 Merged into another request',
};

export function toServiceRequest(row: Open311CaseRow) {
  const code = serviceCodeOf(row.kind, row.category, row.topic);
  const department = (row.department ? DEPARTMENTS.get(row.department) : null) ?? departmentOf(row.kind, row.category, row.topic);
  return {
    service_request_id: String(row.id),
    status: CLOSED_STATUSES.includes(row.status) ? 'closed' : 'open',
    status_notes: row.status === 'merged' && row.mergedInto !== null ? `${STATUS_NOTES.merged} #${row.mergedInto}` : STATUS_NOTES[row.status],
    service_name: code ? (findService(code)?.service.service_name ?? null) : null,
    service_code: code,
    description: row.description,
    agency_responsible: department?.name ?? null,
    service_notice: null,
    requested_datetime: row.requested,
    updated_datetime: row.updated,
    expected_datetime: CLOSED_STATUSES.includes(row.status) ? null : row.expected,
    address: row.address,
    address_id: null,
    zipcode: null,
    lat: row.lat,
    long: row.lng,
    media_url: row.mediaUrl,
  };
}
