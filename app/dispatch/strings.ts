'use client';

import categories from '../../db/data/categories.json';
import departments from '../../db/data/departments.json';
import { useLang, useT, type Lang, type Translator } from '../lib/i18n';

/**
 * The dispatch console's strings (zh-CN first, English on the shared switch), in
 * the pattern of app/lib/i18n.ts: one dictionary per language, the same keys. The
 * shared translator (`useT`) still names categories, severities, roles and times.
 */
const zh = {
  pageTitle: '派遣台',
  toWall: '大屏',
  toWallLabel: '打开指挥大屏',
  queue: '案件队列',
  tab_register: '待立案',
  tab_dispatch: '待派遣',
  tab_handling: '处置中',
  tab_verify: '待核查',
  tab_overdue: '已超时',
  filters: '筛选',
  filterCategory: '类别',
  filterSeverity: '等级',
  filterChannel: '渠道',
  filterArea: '区域',
  filterAll: '全部',
  clearFilters: '清除筛选',
  queueEmpty: '此队列暂无案件',
  queueEmptyHint: '新案件会实时出现在这里',
  queueLoading: '正在加载队列…',
  queueFailed: '队列加载失败，正在重试…',
  loadMore: '加载更多',
  shownOf: '显示 {n} / {total}',
  noDeadline: '无时限',
  overdueBy: '超时 {t}',
  remaining: '剩余 {t}',
  paused: '已挂账',
  selectCase: '选择左侧队列中的案件查看详情',
  selectCaseHint: '↑/↓ 选择，Enter 打开',
  caseLoading: '正在加载案件…',
  caseFailed: '案件加载失败',
  retry: '重试',
  closeCase: '关闭',
  caseNo: '案件 #{id}',
  reportedAt: '上报时间',
  channel: '渠道',
  grid: '网格',
  address: '地址',
  description: '描述',
  noDescription: '（无描述）',
  assignee: '处置人',
  department: '部门',
  stage: '阶段',
  deadline: '时限',
  rework: '返工 {n} 次',
  escalated: '已升级 {n} 级',
  duplicateOf: '疑似重复 #{id}',
  mergedInto: '已合并至 #{id}',
  pendingSuspension: '挂账申请待审批：{reason}',
  pendingExtension: '延期申请待审批：{reason}',
  actions: '操作',
  noActions: '当前无可执行的操作',
  working: '正在提交…',
  contact: '报告人',
  noContact: '无报告人信息',
  reveal: '查看完整信息',
  revealTitle: '查看报告人联系方式',
  revealHint: '查看将记入审计日志，请填写事由（至少 4 个字）',
  revealReason: '查看事由',
  revealSubmit: '查看',
  revealed: '已查看（已审计）',
  contactName: '姓名',
  contactPhone: '电话',
  contactId: '证件号',
  photos: '照片',
  noPhotos: '暂无照片',
  photoAlt: '案件照片 {n}',
  timeline: '处置记录',
  noTimeline: '暂无记录',
  suggestions: '推荐处置力量',
  suggestDept: '建议部门：{name}',
  territorial: '属地',
  byDepartment: '对口部门',
  nearest: '就近',
  noSuggestions: '无可推荐的人员',
  suggestionsUnavailable: '当前案件状态无需派遣',
  assign: '派遣',
  registerAndAssign: '立案并派遣',
  assigned: '已派遣给 {name}',
  openCases: '在办 {n}',
  distance: '{d}',
  duplicates: '疑似重复',
  noDuplicates: '无疑似重复案件',
  relation_original: '原案件',
  relation_duplicate: '重复上报',
  mergeInto: '合并到此',
  mergeHere: '并入本案',
  nearby: '附近未结案件',
  noNearby: '附近无其他未结案件',
  responders: '处置力量',
  map: '案件地图',
  conflictTitle: '案件已被他人更新',
  conflictBody: '{who} 于 {at} 执行了「{action}」（版本 {version}），已重新加载案件，请确认后再操作。',
  someone: '其他用户',
  dismiss: '知道了',
  errorTitle: '操作未完成',
  refused_transition: '案件当前状态不允许此操作，已重新加载案件。',
  refused_forbidden: '您无权执行此操作。',
  refused_reference: '所选人员或案件无效，请重新选择。',
  refused_bad: '提交的内容不完整，请检查后重试。',
  refused_gone: '案件不存在或不在您的辖区内。',
  refused_other: '网络或服务器异常，请稍后重试。',
  cancel: '取消',
  confirm: '确定',
  reason: '原因',
  note: '备注',
  noteOptional: '备注（可选）',
  reasonRequired: '请填写原因（至少 2 个字）',
  noteRequired: '请填写说明（至少 2 个字）',
  mergeTarget: '合并到案件编号',
  extendBy: '延长时限',
  unit_hours: '小时',
  unit_workHours: '工作时',
  unit_workDays: '工作日',
  dispatchTo: '派遣部门',
  dispatchResponder: '处置人员（可选）',
  none: '不指定',
  shortcuts: '快捷键',
  key_move: '选择',
  key_open: '打开',
  key_tabs: '切换队列',
  key_assign: '派遣首选',
  key_close: '关闭案件',
  key_help: '快捷键说明',
  notForRoleTitle: '此页面不适用于您的角色',
  notForRoleBody: '派遣台供派遣员、值班员、领导和管理员使用。当前登录：{who}。',
  goToReport: '前往网格员工作台',
  goToWall: '前往指挥大屏',
  status_reported: '待立案',
  status_registered: '已立案',
  status_rejected: '不予立案',
  status_dispatched: '已派遣',
  status_returned: '已回退',
  status_in_progress: '处置中',
  status_handled: '已处置',
  status_closed: '已结案',
  status_suspended: '已挂账',
  status_merged: '已合并',
  stage_register: '立案',
  stage_dispatch: '派遣',
  stage_handle: '处置',
  stage_verify: '核查',
  rstatus_on_duty: '在岗',
  rstatus_busy: '忙碌',
  rstatus_off_duty: '离岗',
  rrole_grid_worker: '网格员',
  rrole_officer: '执法人员',
  rrole_unit: '处置单位',
  action_register: '立案',
  action_reject: '不予立案',
  action_dispatch: '派遣',
  action_accept: '受理',
  action_return: '回退',
  action_handle: '处置反馈',
  action_close: '结案',
  action_rework: '返工',
  action_merge: '合并',
  action_suspend_request: '申请挂账',
  action_suspend_approve: '批准挂账',
  action_suspend_refuse: '驳回挂账',
  action_resume: '恢复处置',
  action_extension_request: '申请延期',
  action_extension_approve: '批准延期',
  action_extension_refuse: '驳回延期',
  action_reported: '上报',
  action_sla_clock: '时限',
  action_sla_warning: '时限预警',
  action_sla_overdue: '超时',
  action_sla_recomputed: '时限重算',
  action_escalated: '超时升级',
  action_request_lapsed: '申请失效',
  action_duplicate: '疑似重复',
  system: '系统',
  clock_start: '开始计时',
  clock_stop: '停止计时',
  clock_pause: '暂停计时',
  clock_resume: '恢复计时',
  clock_extend: '延长时限',
} as const;

export type DispatchKey = keyof typeof zh;

const en: Record<DispatchKey, string> = {
  pageTitle: 'Dispatch desk',
  toWall: 'Wall',
  toWallLabel: 'Open the command wall',
  queue: 'Case queue',
  tab_register: 'To register',
  tab_dispatch: 'To dispatch',
  tab_handling: 'In hand',
  tab_verify: 'To verify',
  tab_overdue: 'Overdue',
  filters: 'Filters',
  filterCategory: 'Category',
  filterSeverity: 'Severity',
  filterChannel: 'Channel',
  filterArea: 'Area',
  filterAll: 'All',
  clearFilters: 'Clear filters',
  queueEmpty: 'No cases in this queue',
  queueEmptyHint: 'New cases appear here live',
  queueLoading: 'Loading the queue…',
  queueFailed: 'Could not load the queue, retrying…',
  loadMore: 'Load more',
  shownOf: '{n} of {total}',
  noDeadline: 'No deadline',
  overdueBy: '{t} late',
  remaining: '{t} left',
  paused: 'Suspended',
  selectCase: 'Pick a case in the queue to see it here',
  selectCaseHint: '↑/↓ to move, Enter to open',
  caseLoading: 'Loading the case…',
  caseFailed: 'Could not load the case',
  retry: 'Retry',
  closeCase: 'Close',
  caseNo: 'Case #{id}',
  reportedAt: 'Reported',
  channel: 'Channel',
  grid: 'Grid',
  address: 'Address',
  description: 'Description',
  noDescription: '(no description)',
  assignee: 'Assigned to',
  department: 'Department',
  stage: 'Stage',
  deadline: 'Due',
  rework: 'Reworked {n}×',
  escalated: 'Escalated {n} level(s)',
  duplicateOf: 'Possible duplicate of #{id}',
  mergedInto: 'Merged into #{id}',
  pendingSuspension: 'Suspension requested: {reason}',
  pendingExtension: 'Extension requested: {reason}',
  actions: 'Actions',
  noActions: 'Nothing you can do on this case now',
  working: 'Sending…',
  contact: 'Reporter',
  noContact: 'No reporter details',
  reveal: 'Reveal',
  revealTitle: "Reveal the reporter's contact",
  revealHint: 'Revealing is audited: give a reason (at least 4 characters)',
  revealReason: 'Reason',
  revealSubmit: 'Reveal',
  revealed: 'Revealed (audited)',
  contactName: 'Name',
  contactPhone: 'Phone',
  contactId: 'ID number',
  photos: 'Photos',
  noPhotos: 'No photos',
  photoAlt: 'Case photo {n}',
  timeline: 'Timeline',
  noTimeline: 'Nothing recorded yet',
  suggestions: 'Suggested responders',
  suggestDept: 'Suggested department: {name}',
  territorial: 'Territorial',
  byDepartment: 'Department',
  nearest: 'Nearest',
  noSuggestions: 'Nobody to suggest',
  suggestionsUnavailable: 'This case does not need dispatching now',
  assign: 'Assign',
  registerAndAssign: 'Register & assign',
  assigned: 'Assigned to {name}',
  openCases: '{n} open',
  distance: '{d}',
  duplicates: 'Possible duplicates',
  noDuplicates: 'No possible duplicates',
  relation_original: 'Original',
  relation_duplicate: 'Repeat report',
  mergeInto: 'Merge into it',
  mergeHere: 'Merge into this',
  nearby: 'Open cases nearby',
  noNearby: 'No other open cases nearby',
  responders: 'Responders',
  map: 'Case map',
  conflictTitle: 'Someone else changed this case',
  conflictBody: '{who} did “{action}” at {at} (version {version}). The case has been reloaded: check it before acting.',
  someone: 'Another user',
  dismiss: 'OK',
  errorTitle: 'Not done',
  refused_transition: 'The case is no longer in a state that allows this; it has been reloaded.',
  refused_forbidden: 'You may not do this.',
  refused_reference: 'That responder or case is not valid; pick again.',
  refused_bad: 'Something is missing from the command; check and try again.',
  refused_gone: 'No such case in your jurisdiction.',
  refused_other: 'Network or server trouble; try again shortly.',
  cancel: 'Cancel',
  confirm: 'Confirm',
  reason: 'Reason',
  note: 'Note',
  noteOptional: 'Note (optional)',
  reasonRequired: 'Give a reason (at least 2 characters)',
  noteRequired: 'Write a note (at least 2 characters)',
  mergeTarget: 'Merge into case number',
  extendBy: 'Extend by',
  unit_hours: 'hours',
  unit_workHours: 'working hours',
  unit_workDays: 'working days',
  dispatchTo: 'Department',
  dispatchResponder: 'Responder (optional)',
  none: 'None',
  shortcuts: 'Shortcuts',
  key_move: 'move',
  key_open: 'open',
  key_tabs: 'queues',
  key_assign: 'assign first suggestion',
  key_close: 'close case',
  key_help: 'shortcut help',
  notForRoleTitle: 'This page is not for your role',
  notForRoleBody: 'The dispatch desk is for dispatchers, duty officers, leaders and administrators. Signed in: {who}.',
  goToReport: "Go to the grid worker's app",
  goToWall: 'Go to the command wall',
  status_reported: 'To register',
  status_registered: 'Registered',
  status_rejected: 'Rejected',
  status_dispatched: 'Dispatched',
  status_returned: 'Returned',
  status_in_progress: 'In progress',
  status_handled: 'Handled',
  status_closed: 'Closed',
  status_suspended: 'Suspended',
  status_merged: 'Merged',
  stage_register: 'Register',
  stage_dispatch: 'Dispatch',
  stage_handle: 'Handle',
  stage_verify: 'Verify',
  rstatus_on_duty: 'On duty',
  rstatus_busy: 'Busy',
  rstatus_off_duty: 'Off duty',
  rrole_grid_worker: 'Grid worker',
  rrole_officer: 'Officer',
  rrole_unit: 'Unit',
  action_register: 'Register',
  action_reject: 'Reject',
  action_dispatch: 'Dispatch',
  action_accept: 'Accept',
  action_return: 'Return',
  action_handle: 'Report handled',
  action_close: 'Close',
  action_rework: 'Rework',
  action_merge: 'Merge',
  action_suspend_request: 'Request suspension',
  action_suspend_approve: 'Approve suspension',
  action_suspend_refuse: 'Refuse suspension',
  action_resume: 'Resume',
  action_extension_request: 'Request extension',
  action_extension_approve: 'Approve extension',
  action_extension_refuse: 'Refuse extension',
  action_reported: 'Reported',
  action_sla_clock: 'Deadline',
  action_sla_warning: 'Deadline warning',
  action_sla_overdue: 'Overdue',
  action_sla_recomputed: 'Deadline recomputed',
  action_escalated: 'Escalated',
  action_request_lapsed: 'Request lapsed',
  action_duplicate: 'Possible duplicate',
  system: 'System',
  clock_start: 'Clock started',
  clock_stop: 'Clock stopped',
  clock_pause: 'Clock paused',
  clock_resume: 'Clock resumed',
  clock_extend: 'Deadline extended',
};

const DICTS: Record<Lang, Record<DispatchKey, string>> = { zh, en };

const channelNames = new Map(categories.appealChannels.map((c) => [c.code, c.name]));
const CHANNELS_ZH: Record<string, string> = { grid_worker: '网格员上报', sensor: '物联感知', api: '接口', ...Object.fromEntries(channelNames) };
const CHANNELS_EN: Record<string, string> = {
  grid_worker: 'Grid worker',
  sensor: 'Sensor',
  api: 'API',
  hotline_12345: '12345 hotline',
  wechat: 'WeChat',
  leader_board: 'Leader board',
  letters_visits: 'Letters & visits',
  open311: 'Open311',
};
const departmentByCode = new Map(departments.departments.map((d) => [d.code, d]));

export interface DispatchTranslator {
  lang: Lang;
  base: Translator;
  d: (key: DispatchKey, values?: Record<string, string | number>) => string;
  /** A key that may not exist (a status, an action from the server): falls back to the raw word. */
  maybe: (key: string, fallback: string) => string;
  status: (status: string) => string;
  action: (action: string) => string;
  channel: (code: string) => string;
  department: (code: string | null) => string;
  /** A duration in ms as 2天3时 / 3时05分 / 12分 (or d h / h m / m). */
  duration: (ms: number) => string;
  distance: (metres: number | null) => string;
}

function make(lang: Lang, base: Translator): DispatchTranslator {
  const dict = DICTS[lang];
  const fill = (text: string, values?: Record<string, string | number>) =>
    values ? text.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`)) : text;
  const maybe = (key: string, fallback: string) => (key in dict ? dict[key as DispatchKey] : fallback);
  return {
    lang,
    base,
    d: (key, values) => fill(dict[key], values),
    maybe,
    status: (status) => maybe(`status_${status}`, status),
    action: (action) => maybe(`action_${action}`, action),
    channel: (code) => (lang === 'zh' ? CHANNELS_ZH : CHANNELS_EN)[code] ?? code,
    department: (code) => {
      if (!code) return '—';
      const found = departmentByCode.get(code);
      return found ? (lang === 'zh' ? found.name : found.nameEn) : code;
    },
    duration: (ms) => {
      const minutes = Math.max(0, Math.floor(ms / 60_000));
      const days = Math.floor(minutes / 1440);
      const hours = Math.floor((minutes % 1440) / 60);
      const mins = minutes % 60;
      const pad = (n: number) => String(n).padStart(2, '0');
      if (lang === 'zh') {
        if (days > 0) return `${days}天${hours}时`;
        if (hours > 0) return `${hours}时${pad(mins)}分`;
        if (minutes > 0) return `${mins}分`;
        return `${Math.max(0, Math.floor(ms / 1000))}秒`;
      }
      if (days > 0) return `${days}d ${hours}h`;
      if (hours > 0) return `${hours}h ${pad(mins)}m`;
      if (minutes > 0) return `${mins}m`;
      return `${Math.max(0, Math.floor(ms / 1000))}s`;
    },
    distance: (metres) => {
      if (metres === null) return '—';
      if (metres < 1000) return `${Math.round(metres)} m`;
      return `${(metres / 1000).toFixed(metres < 10_000 ? 1 : 0)} km`;
    },
  };
}

const cache = new Map<Translator, DispatchTranslator>();

export function useDT(): DispatchTranslator {
  const base = useT();
  useLang();
  let found = cache.get(base);
  if (!found) {
    found = make(base.lang, base);
    cache.set(base, found);
  }
  return found;
}

/** The departments of the catalogue, for the dispatch dialog. */
export const DEPARTMENTS = departments.departments;
/** Category codes of the catalogue (incidents, then appeal types), for the filter. */
export const CATEGORY_CODES = [...categories.gridEvents.map((c) => c.code), ...categories.appealTypes.map((c) => c.code)];
