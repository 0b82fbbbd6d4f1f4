'use client';

import { useCallback, useEffect } from 'react';
import categories from '../../db/data/categories.json';
import type { Severity } from '../../server/protocol/vocab';
import { createPref } from './prefs';

/**
 * UI strings, Simplified Chinese first, English on request. The choice is kept in
 * localStorage so a wall keeps its language across reloads. The server renders
 * Chinese; the client switches right after hydration.
 */
export type Lang = 'zh' | 'en';

const zh = {
  title: '和云指挥一张图',
  subtitle: '城市社会治理实时指挥',
  loading: '正在加载…',
  loadFailed: '无法连接服务器，正在重试…',
  openIncidents: '未结事件',
  openAppeals: '未结诉求',
  activeAlerts: '生效预警',
  todayCases: '今日受理',
  kpis: '关键指标',
  layers: '图层',
  layerIncidents: '网格事件',
  layerAppeals: '诉求热力',
  layerHotspots: '信访热点',
  layerAlerts: '预警区域',
  layerGrids: '网格',
  status_connecting: '连接中',
  status_live: '实时',
  status_reconnecting: '重连中',
  status_offline: '离线',
  status_resyncing: '同步中',
  lastUpdate: '更新于',
  never: '—',
  recentEvents: '最新动态',
  noEvents: '暂无事件',
  noEventsHint: '新上报的网格事件和预警将实时显示在这里',
  alert: '预警',
  incident: '事件',
  severity: '等级',
  urgency: '紧急程度',
  certainty: '确定性',
  expires: '截止',
  affectedGrids: '涉及网格',
  acknowledgedBy: '已确认',
  reported: '上报',
  description: '描述',
  openCases: '未结案件',
  incidentsShort: '事件',
  appealsShort: '诉求',
  legend: '图例',
  caseCount: '未结数',
  zoomIn: '点击放大',
  truncated: '数据量较大，地图仅显示最新部分',
  showPanel: '展开',
  hidePanel: '收起',
  unknownPlace: '网格外',
  switchTo: 'EN',
  switchLabel: 'Switch to English',
  loginHeading: '登录',
  loginIntro: '请使用分配给您的账号登录指挥平台',
  loginUser: '账号',
  loginPassword: '密码',
  loginShowPassword: '显示密码',
  loginHidePassword: '隐藏密码',
  loginSubmit: '登录',
  loginSubmitting: '正在登录…',
  loginMissing: '请输入账号和密码',
  loginBadCredentials: '账号或密码错误，请重新输入',
  loginRateLimited: '登录失败次数过多，请在 {wait} 后重试',
  loginNetworkError: '无法连接服务器，请检查网络后重试',
  loginServerError: '服务器暂时无法登录，请稍后重试',
  loginFooter: '仅限授权人员使用 · 所有登录均记入审计日志',
  waitSeconds: '{n} 秒',
  signedInAs: '当前登录',
  signOut: '退出登录',
  signingOut: '正在退出…',
  signOutFailed: '退出失败，请重试',
  displayLabel: '大屏',
  role_admin: '系统管理员',
  role_leader: '领导',
  role_duty_officer: '值班员',
  role_dispatcher: '派遣员',
  role_grid_worker: '网格员',
  role_display: '大屏',
  role_api_client: '接入系统',
  signedOutTitle: '已退出登录',
  signedOutHint: '正在前往登录页…',
  reason_logout: '您已在其他页面退出登录。',
  reason_expired: '登录已过期，请重新登录。',
  reason_idle: '长时间未操作，登录已失效。',
  reason_password_changed: '密码已修改，请使用新密码重新登录。',
  reason_password_reset: '管理员已重置您的密码，请重新登录。',
  reason_disabled: '账号已被停用。',
  reason_display_revoked: '此大屏的显示令牌已被吊销。',
  reason_other: '登录已被管理员终止。',
  loginNotice_signed_out: '您已退出登录。',
  loginNotice_session_ended: '登录已失效，请重新登录。',
  loginNotice_display_revoked: '此大屏的显示令牌已被吊销，请联系管理员获取新的大屏链接，或使用账号登录。',
  loginNotice_display_invalid: '大屏链接无效或已被吊销，请联系管理员获取新的大屏链接，或使用账号登录。',
  loginNotice_unauthenticated: '请先登录。',
  demoHeading: '演示环境',
  demoWall: '打开演示大屏（免登录）',
  demoAccounts: '演示账号（点击填入）',
  waitMinutes: '{n} 分钟',
  toDispatch: '派遣台',
} as const;

type Key = keyof typeof zh;

const en: Record<Key, string> = {
  title: 'Harmony Command Map',
  subtitle: 'Live city governance command',
  loading: 'Loading…',
  loadFailed: 'Cannot reach the server, retrying…',
  openIncidents: 'Open incidents',
  openAppeals: 'Open appeals',
  activeAlerts: 'Active alerts',
  todayCases: "Today's cases",
  kpis: 'Key figures',
  layers: 'Layers',
  layerIncidents: 'Grid incidents',
  layerAppeals: 'Appeal heat',
  layerHotspots: 'Appeal hotspots',
  layerAlerts: 'Alert areas',
  layerGrids: 'Grids',
  status_connecting: 'Connecting',
  status_live: 'Live',
  status_reconnecting: 'Reconnecting',
  status_offline: 'Offline',
  status_resyncing: 'Syncing',
  lastUpdate: 'Updated',
  never: '—',
  recentEvents: 'Latest',
  noEvents: 'No events yet',
  noEventsHint: 'New grid incidents and alerts appear here live',
  alert: 'Alert',
  incident: 'Incident',
  severity: 'Severity',
  urgency: 'Urgency',
  certainty: 'Certainty',
  expires: 'Expires',
  affectedGrids: 'Grids affected',
  acknowledgedBy: 'Acknowledged by',
  reported: 'Reported',
  description: 'Description',
  openCases: 'Open cases',
  incidentsShort: 'incidents',
  appealsShort: 'appeals',
  legend: 'Legend',
  caseCount: 'Open',
  zoomIn: 'Click to zoom in',
  truncated: 'Large data set: the map shows the newest part only',
  showPanel: 'Show',
  hidePanel: 'Hide',
  unknownPlace: 'Outside grids',
  switchTo: '中文',
  switchLabel: '切换到中文',
  loginHeading: 'Sign in',
  loginIntro: 'Sign in to the command platform with the account assigned to you',
  loginUser: 'Account',
  loginPassword: 'Password',
  loginShowPassword: 'Show password',
  loginHidePassword: 'Hide password',
  loginSubmit: 'Sign in',
  loginSubmitting: 'Signing in…',
  loginMissing: 'Enter your account and password',
  loginBadCredentials: 'Wrong account or password. Please try again',
  loginRateLimited: 'Too many failed attempts. Try again in {wait}',
  loginNetworkError: 'Cannot reach the server. Check the network and try again',
  loginServerError: 'The server cannot sign you in right now. Try again later',
  loginFooter: 'Authorised personnel only · every sign-in is audited',
  waitSeconds: '{n} s',
  signedInAs: 'Signed in',
  signOut: 'Sign out',
  signingOut: 'Signing out…',
  signOutFailed: 'Sign-out failed, try again',
  displayLabel: 'Display',
  role_admin: 'Administrator',
  role_leader: 'Leader',
  role_duty_officer: 'Duty officer',
  role_dispatcher: 'Dispatcher',
  role_grid_worker: 'Grid worker',
  role_display: 'Wall display',
  role_api_client: 'API client',
  signedOutTitle: 'Signed out',
  signedOutHint: 'Going to the sign-in page…',
  reason_logout: 'You signed out on another page.',
  reason_expired: 'Your session has expired. Please sign in again.',
  reason_idle: 'Your session ended after a long idle period.',
  reason_password_changed: 'Your password was changed. Sign in with the new one.',
  reason_password_reset: 'An administrator reset your password. Please sign in again.',
  reason_disabled: 'This account has been disabled.',
  reason_display_revoked: 'This wall display\'s token has been revoked.',
  reason_other: 'An administrator ended your session.',
  loginNotice_signed_out: 'You have signed out.',
  loginNotice_session_ended: 'Your session has ended. Please sign in again.',
  loginNotice_display_revoked: 'This wall display\'s token has been revoked. Ask an administrator for a new display link, or sign in.',
  loginNotice_display_invalid: 'This display link is invalid or revoked. Ask an administrator for a new display link, or sign in.',
  loginNotice_unauthenticated: 'Please sign in first.',
  demoHeading: 'Demo',
  demoWall: 'Open the demo wall (no sign-in)',
  demoAccounts: 'Demo accounts (click to fill in)',
  waitMinutes: '{n} min',
  toDispatch: 'Dispatch desk',
};

const DICTS: Record<Lang, Record<Key, string>> = { zh, en };

const SEVERITY_LABELS: Record<Lang, Record<Severity, string>> = {
  zh: { Extreme: '特别严重', Severe: '严重', Moderate: '较重', Minor: '一般', Unknown: '未定级' },
  en: { Extreme: 'Extreme', Severe: 'Severe', Moderate: 'Moderate', Minor: 'Minor', Unknown: 'Unknown' },
};

/** CAP 1.2 urgency / certainty words. */
const CAP_WORDS: Record<string, string> = {
  Immediate: '立即',
  Expected: '预计',
  Future: '未来',
  Past: '已过',
  Observed: '已发生',
  Likely: '很可能',
  Possible: '可能',
  Unlikely: '不太可能',
  Unknown: '未知',
};

/** categories.json names alert types in Chinese only. */
const ALERT_TYPES_EN: Record<string, string> = {
  MET_RAINSTORM: 'Rainstorm warning',
  MET_FREEZE: 'Freezing warning',
  GEO_LANDSLIDE: 'Geohazard warning',
  FIRE: 'Fire',
  SAFETY_PRODUCTION: 'Workplace safety incident',
  CROWD: 'Crowd gathering',
  STABILITY: 'Petition gathering risk',
  DRUG: 'Drug-related lead',
  CAP_GEO: 'Geological / seismic alert',
  CAP_MET: 'Weather alert',
  CAP_SAFETY: 'Public safety alert',
  CAP_SECURITY: 'Security alert',
  CAP_RESCUE: 'Rescue alert',
  CAP_FIRE: 'Fire alert',
  CAP_HEALTH: 'Public health alert',
  CAP_ENV: 'Environmental alert',
  CAP_TRANSPORT: 'Transport alert',
  CAP_INFRA: 'Infrastructure alert',
  CAP_CBRNE: 'CBRNE alert',
  CAP_OTHER: 'Other alert',
};

const gridEventByCode = new Map(categories.gridEvents.map((c) => [c.code, c]));
const appealTypeByCode = new Map(categories.appealTypes.map((c) => [c.code, c]));
const alertTypeByCode = new Map(categories.alertTypes.map((c) => [c.code, c]));

// --- the language store ---------------------------------------------------------------

const langPref = createPref<Lang>('hcm.lang', 'zh', (raw) => (raw === 'en' || raw === 'zh' ? raw : null));

export function setLang(lang: Lang): void {
  langPref.set(lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

export interface Translator {
  lang: Lang;
  t: (key: Key) => string;
  severity: (s: Severity) => string;
  capWord: (w: string) => string;
  category: (code: string) => string;
  alertType: (code: string) => string;
  areaName: (name: string, nameEn: string | null) => string;
  time: (iso: string | number) => string;
  /** Weekday, day and month, for the clock. */
  date: (value: number) => string;
  /** Month, day and time (for values that may not be today). */
  dateTime: (iso: string | number) => string;
  number: (n: number) => string;
  /** A role, or a display / API client. */
  role: (role: string) => string;
  /** Why the server ended a session (the signedOut notice's reason). */
  signedOutReason: (reason: string) => string;
}

export function translator(lang: Lang): Translator {
  const dict = DICTS[lang];
  const timeFormat = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
    timeZone: 'Asia/Shanghai',
  });
  const dateTimeFormat = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: 'Asia/Shanghai',
  });
  const dateFormat = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    weekday: 'short',
    month: 'long',
    day: 'numeric',
    timeZone: 'Asia/Shanghai',
  });
  const numberFormat = new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-GB');
  return {
    lang,
    t: (key) => dict[key],
    severity: (s) => SEVERITY_LABELS[lang][s],
    capWord: (w) => (lang === 'zh' ? (CAP_WORDS[w] ?? w) : w),
    category: (code) => {
      const grid = gridEventByCode.get(code);
      if (grid) return lang === 'zh' ? grid.name : grid.en;
      const appeal = appealTypeByCode.get(code);
      if (appeal) return lang === 'zh' ? appeal.name : appeal.en;
      return code;
    },
    alertType: (code) =>
      lang === 'zh' ? (alertTypeByCode.get(code)?.name ?? code) : (ALERT_TYPES_EN[code] ?? code),
    areaName: (name, nameEn) => (lang === 'en' && nameEn ? nameEn : name),
    time: (value) => timeFormat.format(new Date(value)),
    date: (value) => dateFormat.format(new Date(value)),
    dateTime: (value) => dateTimeFormat.format(new Date(value)),
    number: (n) => numberFormat.format(n),
    role: (role) => (`role_${role}` in dict ? dict[`role_${role}` as Key] : role),
    signedOutReason: (reason) => {
      const bare = reason.replace(/^revoked:/, '');
      const key = `reason_${bare === 'user_disabled' ? 'disabled' : bare}`;
      return key in dict ? dict[key as Key] : dict.reason_other;
    },
  };
}

const translators: Record<Lang, Translator> = { zh: translator('zh'), en: translator('en') };

export function useLang(): Lang {
  return langPref.use();
}

export function useT(): Translator {
  return translators[useLang()];
}

/** Keeps <html lang> in step with the chosen language (screen readers, fonts). */
export function useDocumentLang(): void {
  const lang = useLang();
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
}

export function useLangToggle(): () => void {
  const lang = useLang();
  return useCallback(() => setLang(lang === 'zh' ? 'en' : 'zh'), [lang]);
}
