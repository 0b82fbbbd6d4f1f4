/**
 * The shared vocabulary: pure constants used by the database schema, the REST
 * and socket contracts and the browser. No imports, so any side may load it.
 */
export const AREA_LEVELS = ['city', 'district', 'street', 'community', 'grid'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

/**
 * Map layers a client subscribes to. `appeals` carries individual appeals (positions
 * included) and is for roles cleared for them (dispatch console); shared screens (the
 * wall, the leader view) take `hotspots`: per-grid appeal counts with small counts
 * suppressed and hotspot outlines, never an individual appeal.
 */
export const LAYERS = ['incidents', 'appeals', 'alerts', 'hotspots'] as const;
export type Layer = (typeof LAYERS)[number];

export const CASE_KINDS = ['incident', 'appeal'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

/** Intake channels: grid workers and sensors report incidents; the rest carry citizen appeals. */
export const CASE_CHANNELS = [
  'grid_worker',
  'sensor',
  'hotline_12345',
  'wechat',
  'leader_board',
  'letters_visits',
  'open311',
  'api',
] as const;
export type CaseChannel = (typeof CASE_CHANNELS)[number];

/** CAP 1.2 severity words, shared by cases and alerts. */
export const SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;
/**
 * An alert's life: active until every affected district has acknowledged it, then
 * acknowledged; it ends expired (its `expires` passed), cancelled (a CAP Cancel named
 * it, or it is itself a Cancel message) or superseded (a CAP Update replaced it).
 */
export const ALERT_STATUSES = ['active', 'acknowledged', 'expired', 'cancelled', 'superseded'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
/** Statuses a wall shows. */
export const LIVE_ALERT_STATUSES: readonly AlertStatus[] = ['active', 'acknowledged'];

/** OASIS CAP 1.2 code lists (CAP-v1.2 §3.2), stored verbatim with an alert. */
export const CAP_STATUSES = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
export type CapStatus = (typeof CAP_STATUSES)[number];
export const CAP_MSG_TYPES = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const;
export type CapMsgType = (typeof CAP_MSG_TYPES)[number];
export const CAP_SCOPES = ['Public', 'Restricted', 'Private'] as const;
export const CAP_CATEGORIES = ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'] as const;
export type CapCategory = (typeof CAP_CATEGORIES)[number];
export const CAP_RESPONSE_TYPES = ['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None'] as const;

/**
 * GB/T 30428 closed loop 上报 → 立案 → 派遣 → 处置 → 反馈 → 核查结案, with the side
 * states 不予立案 (rejected), 回退 (returned), 挂账 (suspended) and 合并 (merged).
 * 返工 is an action back to in_progress (counted on the case) and 延期 changes the
 * deadline, not the status. Intake writes only `reported`. The transition table is
 * server/domain/workflow/transitions.ts.
 */
export const CASE_STATUSES = [
  'reported',
  'registered',
  'rejected',
  'dispatched',
  'returned',
  'in_progress',
  'handled',
  'closed',
  'suspended',
  'merged',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** Finished cases: nothing leaves these, and they are not "open". */
export const CLOSED_STATUSES: readonly CaseStatus[] = ['closed', 'rejected', 'merged'];

/** The SLA stages of the loop (立案, 派遣, 处置, 核查); each runs its own clock. */
export const SLA_STAGES = ['register', 'dispatch', 'handle', 'verify'] as const;
export type SlaStage = (typeof SLA_STAGES)[number];
/** normal → warning (≤ 20 % of the stage's time left) → overdue. */
export const SLA_STATES = ['normal', 'warning', 'overdue'] as const;
export type SlaState = (typeof SLA_STATES)[number];

export const RESPONDER_ROLES = ['grid_worker', 'officer', 'unit'] as const;
export const RESPONDER_STATUSES = ['on_duty', 'busy', 'off_duty'] as const;

export function layerOfKind(kind: CaseKind): 'incidents' | 'appeals' {
  return kind === 'incident' ? 'incidents' : 'appeals';
}

/** Who a person is in the command centre; every user also has one jurisdiction (an area). */
export const ROLES = ['admin', 'leader', 'duty_officer', 'dispatcher', 'grid_worker'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who is asking: a logged-in user, an unattended wall display (read-only, by
 * display token) or an intake API client (12345 hotline, WeChat platform, Open311
 * partner, sensor gateway; by API key).
 */
export const PRINCIPAL_KINDS = ['user', 'display', 'api_client'] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

/** Audit outcomes: a write that happened, or an attempt that was refused. */
export const AUDIT_OUTCOMES = ['ok', 'denied', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * A hotspot's course between two detection runs: emerging (first seen this run),
 * growing / stable / cooling (count up, about level, down against the last run),
 * ended (no cluster matched it this run; kept for history).
 */
export const HOTSPOT_TRENDS = ['emerging', 'growing', 'stable', 'cooling', 'ended'] as const;
export type HotspotTrend = (typeof HOTSPOT_TRENDS)[number];
/** Shared screens never show an appeal count below this (k-anonymity of per-cell counts). */
export const APPEAL_MIN_COUNT = 3;
