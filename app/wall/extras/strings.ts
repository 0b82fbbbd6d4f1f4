'use client';

import { useLang, type Lang } from '../../lib/i18n';

/** Strings of the wall's KPI strip, alert ticker and auto-rotating focus (pattern of app/lib/i18n.ts). */
const zh = {
  kpiStrip: '今日考核指标',
  today: '今日',
  reportedToday: '今日新增',
  closedToday: '今日结案',
  ticker: '预警动态',
  tickerEmpty: '暂无生效预警',
  pendingAck: '待签收',
  allAcked: '已全部签收',
  tourFocusOverdue: '轮播聚焦 · {name} · 超期 {n} 件',
  tourFocusAlert: '轮播聚焦 · {name}',
  tourHome: '轮播中 · {name}',
  tourPaused: '轮播已暂停（操作中）',
  tourOff: '轮播已关闭',
};

type Key = keyof typeof zh;

const en: Record<Key, string> = {
  kpiStrip: "Today's indicators",
  today: 'Today',
  reportedToday: 'New today',
  closedToday: 'Closed today',
  ticker: 'Alerts',
  tickerEmpty: 'No active alerts',
  pendingAck: 'Awaiting acknowledgement',
  allAcked: 'All acknowledged',
  tourFocusOverdue: 'Tour · {name} · {n} overdue',
  tourFocusAlert: 'Tour · {name}',
  tourHome: 'Tour · {name}',
  tourPaused: 'Tour paused (in use)',
  tourOff: 'Tour off',
};

const DICTS: Record<Lang, Record<Key, string>> = { zh, en };

export function useWallExtrasT(): (key: Key, vars?: Record<string, string | number>) => string {
  const dict = DICTS[useLang()];
  return (key, vars) => (vars ? dict[key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? '')) : dict[key]);
}
