/**
 * The shared vocabulary: pure constants used by the database schema, the REST
 * and socket contracts and the browser. No imports, so any side may load it.
 */
export const AREA_LEVELS = ['city', 'district', 'street', 'community', 'grid'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

export const LAYERS = ['incidents', 'appeals', 'alerts'] as const;
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
export const ALERT_STATUSES = ['active', 'acknowledged', 'expired', 'cancelled'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/**
 * GB/T 30428 closed loop: 信息收集 → 立案 → 派遣 → 处置 → 反馈 → 核查结案 → 综合评价,
 * with side states 不予立案, 回退, 挂账, 延期, 返工. Intake writes only `reported`.
 */
export const CASE_STATUSES = [
  'reported',
  'registered',
  'dispatched',
  'handling',
  'feedback',
  'closed',
  'evaluated',
  'rejected',
  'returned',
  'suspended',
  'extended',
  'rework',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const CLOSED_STATUSES: readonly CaseStatus[] = ['closed', 'evaluated', 'rejected'];

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
