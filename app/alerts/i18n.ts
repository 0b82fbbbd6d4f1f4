'use client';

import { useLang, type Lang } from '../lib/i18n';

/**
 * Strings of the alert desk (/alerts), following app/lib/i18n.ts: Simplified Chinese
 * first, English on the same switch. Shared words (severity, urgency, alert types,
 * area names, times) come from the app-wide translator.
 */
const zh = {
  pageTitle: '预警值班台',
  deskSubtitle: '公共安全预警 · 确认与发布',
  readOnly: '只读',
  readOnlyHint: '您的角色可查看预警，确认和发布由值班员负责',
  listTitle: '预警列表',
  countPendingMine: '待本辖区确认',
  countActive: '生效预警',
  emptyTitle: '当前没有生效的预警',
  emptyHint: '新的预警（接入系统、CAP 或值班台绘制）会实时出现在这里',
  groupMine: '待您确认',
  groupPending: '待其他辖区确认',
  groupDone: '已确认',
  source: '来源',
  issued: '发布',
  expires: '截止',
  noExpiry: '未设截止时间',
  remaining: '剩余 {t}',
  expired: '已到期',
  impact: '影响范围',
  grids: '涉及网格',
  openCases: '区域内未结案件',
  responders: '区域内在岗人员',
  population: '影响人口',
  ackTitle: '确认情况',
  ackPending: '待确认',
  ackDone: '已确认',
  ackBy: '确认人 {who}',
  ackAll: '全部辖区已确认',
  escalated1: '已升级至市值班室',
  escalated2: '已升级至市领导',
  acknowledge: '确认收到',
  acknowledgeFor: '确认：{area}',
  acknowledging: '正在确认…',
  ackFailed: '确认失败：{message}',
  capXml: 'CAP XML',
  capXmlLabel: '下载预警 {id} 的 CAP 1.2 报文',
  showOnMap: '地图定位',
  newAlert: '新',
  chime: '提示音',
  chimeOn: '提示音：开',
  chimeOff: '提示音：关',
  chimeHint: '有新的待确认预警时播放提示音',
  drawTitle: '绘制预警',
  drawHint: '先在地图上画出预警区域，再填写内容，确认影响范围后发布',
  toolPolygon: '多边形',
  toolCircle: '圆形',
  toolClear: '清除',
  toolPolygonHint: '在地图上依次点击各顶点，点击第一个顶点完成',
  toolCircleHint: '在地图上点击圆心，移动后再次点击确定半径',
  handleCorner: '顶点：拖动以调整区域',
  handleMiddle: '边中点：拖动以增加顶点',
  shapeNone: '尚未绘制区域',
  shapePolygon: '多边形，{n} 个顶点',
  shapeCircle: '圆形，半径 {r}',
  type: '预警类型',
  typesLocal: '本地预警类型',
  typesCap: 'CAP 通用类别',
  severityLabel: '严重程度',
  urgencyLabel: '紧急程度',
  certaintyLabel: '确定性',
  headline: '标题',
  headlinePlaceholder: '例如：南明区发布暴雨橙色预警',
  description: '详细内容',
  descriptionPlaceholder: '影响区域、防范措施、联系人等（选填）',
  expiresLabel: '截止时间（北京时间）',
  previewTitle: '影响预览',
  previewIdle: '画出区域后自动计算影响范围',
  previewLoading: '正在计算影响范围…',
  previewGrids: '{n} 个网格受影响',
  previewAck: '需确认的辖区',
  previewOutside: '该区域不在本市范围内，无法发布',
  previewFailed: '无法计算影响范围：{message}',
  moreGrids: '等共 {n} 个网格',
  send: '发布预警',
  sending: '正在发布…',
  sent: '预警已发布（编号 {id}）',
  sendFailed: '发布失败：{message}',
  needShape: '请先在地图上绘制区域',
  needHeadline: '请填写标题',
  needFutureExpiry: '截止时间须晚于当前时间',
  notForRoleTitle: '此页面不适用于您的角色',
  notForRoleBody: '预警值班台供值班员、管理员使用（领导和派遣员可只读查看）。',
  backToWall: '返回指挥大屏',
  deskLink: '预警值班台',
  deskLinkShort: '预警',
  wallLink: '指挥大屏',
  pendingBadge: '{n} 条待确认',
  source_simulator: '模拟器',
  source_duty_desk: '值班台绘制',
  source_api: '接入接口',
} as const;

export type DeskKey = keyof typeof zh;

const en: Record<DeskKey, string> = {
  pageTitle: 'Alert desk',
  deskSubtitle: 'Public-safety alerts · acknowledge and issue',
  readOnly: 'Read-only',
  readOnlyHint: 'Your role can view alerts; duty officers acknowledge and issue them',
  listTitle: 'Alerts',
  countPendingMine: 'Awaiting your district',
  countActive: 'Active alerts',
  emptyTitle: 'No active alerts',
  emptyHint: 'New alerts (API clients, CAP feeds, drawn here) appear live',
  groupMine: 'Awaiting your acknowledgement',
  groupPending: 'Awaiting other districts',
  groupDone: 'Acknowledged',
  source: 'Source',
  issued: 'Issued',
  expires: 'Expires',
  noExpiry: 'No expiry',
  remaining: '{t} left',
  expired: 'Expired',
  impact: 'Impact',
  grids: 'Grids',
  openCases: 'Open cases',
  responders: 'On duty',
  population: 'Population',
  ackTitle: 'Acknowledgement',
  ackPending: 'pending',
  ackDone: 'acknowledged',
  ackBy: 'by {who}',
  ackAll: 'All districts acknowledged',
  escalated1: 'Escalated to the city duty desk',
  escalated2: 'Escalated to city leaders',
  acknowledge: 'Acknowledge',
  acknowledgeFor: 'Acknowledge: {area}',
  acknowledging: 'Acknowledging…',
  ackFailed: 'Could not acknowledge: {message}',
  capXml: 'CAP XML',
  capXmlLabel: 'Download alert {id} as a CAP 1.2 message',
  showOnMap: 'Show on map',
  newAlert: 'New',
  chime: 'Chime',
  chimeOn: 'Chime: on',
  chimeOff: 'Chime: off',
  chimeHint: 'Play a chime when a new unacknowledged alert arrives',
  drawTitle: 'Draw an alert',
  drawHint: 'Draw the area on the map, fill in the alert, check the impact, then issue it',
  toolPolygon: 'Polygon',
  toolCircle: 'Circle',
  toolClear: 'Clear',
  toolPolygonHint: 'Click each corner on the map; click the first corner to finish',
  toolCircleHint: 'Click the centre on the map, move, and click again to set the radius',
  handleCorner: 'Corner: drag to reshape the area',
  handleMiddle: 'Edge midpoint: drag to add a corner',
  shapeNone: 'No area drawn yet',
  shapePolygon: 'Polygon, {n} corners',
  shapeCircle: 'Circle, radius {r}',
  type: 'Alert type',
  typesLocal: 'Local alert types',
  typesCap: 'CAP categories',
  severityLabel: 'Severity',
  urgencyLabel: 'Urgency',
  certaintyLabel: 'Certainty',
  headline: 'Headline',
  headlinePlaceholder: 'e.g. Orange rainstorm warning for Nanming',
  description: 'Description',
  descriptionPlaceholder: 'Area, precautions, contacts (optional)',
  expiresLabel: 'Expires (Beijing time)',
  previewTitle: 'Impact preview',
  previewIdle: 'The impact is computed once an area is drawn',
  previewLoading: 'Computing the impact…',
  previewGrids: '{n} grids affected',
  previewAck: 'Districts to acknowledge',
  previewOutside: 'This area is outside the city and cannot be issued',
  previewFailed: 'Could not compute the impact: {message}',
  moreGrids: '{n} grids in all',
  send: 'Issue alert',
  sending: 'Issuing…',
  sent: 'Alert issued (no. {id})',
  sendFailed: 'Could not issue: {message}',
  needShape: 'Draw the area on the map first',
  needHeadline: 'Enter a headline',
  needFutureExpiry: 'The expiry must be in the future',
  notForRoleTitle: 'This page is not for your role',
  notForRoleBody: 'The alert desk is for duty officers and administrators (leaders and dispatchers may view it).',
  backToWall: 'Back to the command wall',
  deskLink: 'Alert desk',
  deskLinkShort: 'Alerts',
  wallLink: 'Command wall',
  pendingBadge: '{n} awaiting',
  source_simulator: 'Simulator',
  source_duty_desk: 'Drawn at the desk',
  source_api: 'API',
};

const DICTS: Record<Lang, Record<DeskKey, string>> = { zh, en };

export interface DeskTranslator {
  /** A string, with `{name}` placeholders filled from `vars`. */
  t: (key: DeskKey, vars?: Record<string, string | number>) => string;
  /** A source label: known origins translated, a CAP sender as it is. */
  source: (source: string) => string;
  /** A duration in minutes/hours/days, short. */
  duration: (ms: number) => string;
}

function deskTranslator(lang: Lang): DeskTranslator {
  const dict = DICTS[lang];
  const t = (key: DeskKey, vars?: Record<string, string | number>) =>
    vars ? dict[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : dict[key];
  return {
    t,
    source: (source) => {
      const key = `source_${source.replace(/-/g, '_')}`;
      return key in dict ? dict[key as DeskKey] : source;
    },
    duration: (ms) => {
      const minutes = Math.max(0, Math.round(ms / 60_000));
      if (minutes < 60) return lang === 'zh' ? `${minutes} 分钟` : `${minutes} min`;
      const hours = Math.floor(minutes / 60);
      if (hours < 48) {
        const rest = minutes % 60;
        if (lang === 'zh') return rest ? `${hours} 小时 ${rest} 分` : `${hours} 小时`;
        return rest ? `${hours} h ${rest} min` : `${hours} h`;
      }
      const days = Math.floor(hours / 24);
      return lang === 'zh' ? `${days} 天` : `${days} d`;
    },
  };
}

const translators: Record<Lang, DeskTranslator> = { zh: deskTranslator('zh'), en: deskTranslator('en') };

export function useDeskT(): DeskTranslator {
  return translators[useLang()];
}
