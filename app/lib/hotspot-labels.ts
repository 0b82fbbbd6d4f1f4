import type { HotspotTrend } from '../../server/protocol/vocab';
import type { HotspotEventData } from '../../server/protocol/wire';
import { useLang, type Lang } from './i18n';

/**
 * Words of appeal hotspots (信访热点), shared by the wall and the leader view (their
 * trend colours: hotspot-trends.ts). Appeal topics come from
 * the catalogue (db/data/categories.json appealTopics), which names them in Chinese
 * only: the English names live here.
 */
export { LIVE_TRENDS, TREND_COLOURS, type LiveTrend } from './hotspot-trends';

const TREND: Record<Lang, Record<HotspotTrend, string>> = {
  zh: { emerging: '新发', growing: '上升', stable: '平稳', cooling: '回落', ended: '已消散' },
  en: { emerging: 'Emerging', growing: 'Growing', stable: 'Stable', cooling: 'Cooling', ended: 'Ended' },
};

const TOPICS_EN: Record<string, string> = {
  物业管理: 'Property management',
  噪音扰民: 'Noise',
  环境污染: 'Pollution',
  交通出行: 'Transport',
  劳动社保: 'Labour & social security',
  住房建设: 'Housing & construction',
  拆迁安置: 'Demolition & resettlement',
  医疗卫生: 'Health care',
  教育: 'Education',
  市场监管: 'Market regulation',
  供水供电: 'Water & power supply',
  城市管理: 'City management',
};

const zh = {
  layerHotspots: '信访热点',
  hotspot: '信访热点',
  hotspots: '信访热点',
  allTopics: '综合（跨诉求主题）',
  appeals: '件诉求',
  count: '诉求数',
  previous: '上次',
  peak: '峰值',
  firstSeen: '首次发现',
  topics: '诉求主题',
  areas: '涉及区域',
  trend: '趋势',
  raisedAlert: '已发出信访聚集风险预警',
  noHotspots: '当前没有信访热点',
  tapHotspot: '点击热点查看诉求主题和涉及区域',
  close: '关闭',
  heatNote: '诉求热力按网格汇总，少于 {k} 件的网格不显示',
};

type Key = keyof typeof zh;

const en: Record<Key, string> = {
  layerHotspots: 'Appeal hotspots',
  hotspot: 'Appeal hotspot',
  hotspots: 'Appeal hotspots',
  allTopics: 'All topics',
  appeals: 'appeals',
  count: 'Appeals',
  previous: 'Last run',
  peak: 'Peak',
  firstSeen: 'First seen',
  topics: 'Topics',
  areas: 'Areas',
  trend: 'Trend',
  raisedAlert: 'Petition gathering alert raised',
  noHotspots: 'No appeal hotspots now',
  tapHotspot: 'Tap a hotspot for its topics and areas',
  close: 'Close',
  heatNote: 'Appeal heat is summed per grid; grids with fewer than {k} are left out',
};

const DICTS: Record<Lang, Record<Key, string>> = { zh, en };

export interface HotspotWords {
  lang: Lang;
  w: (key: Key, vars?: Record<string, string | number>) => string;
  trend: (trend: HotspotTrend) => string;
  topic: (topic: string | null) => string;
  /** The hotspot's heading: its topic (or "all topics") and trend. */
  title: (h: Pick<HotspotEventData, 'topic' | 'trend'>) => string;
}

export function hotspotWords(lang: Lang): HotspotWords {
  const dict = DICTS[lang];
  const w = (key: Key, vars?: Record<string, string | number>) =>
    vars ? dict[key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? '')) : dict[key];
  const topic = (t: string | null) => (t === null ? dict.allTopics : lang === 'en' ? (TOPICS_EN[t] ?? t) : t);
  return {
    lang,
    w,
    trend: (t) => TREND[lang][t],
    topic,
    title: (h) => `${topic(h.topic)} · ${TREND[lang][h.trend]}`,
  };
}

export function useHotspotWords(): HotspotWords {
  return hotspotWords(useLang());
}

/** Topics of a hotspot, most appeals first (ties by name). */
export function topicsByCount(h: Pick<HotspotEventData, 'topics'>): Array<[topic: string, count: number]> {
  return Object.entries(h.topics).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
