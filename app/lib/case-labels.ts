import type { CaseStatus, SlaState } from '../../server/protocol/vocab';
import type { Lang } from './i18n';

/**
 * Words for where a case is in the GB/T 30428 loop and how its clock stands, kept
 * apart from i18n.ts's interface strings. Colours are the lifecycle's own: waiting
 * on the desk (立案/派遣) blue, in the field (处置) teal, awaiting verification
 * violet, finished grey; SLA alarms use amber and red, which only they use.
 */
const STATUS: Record<Lang, Record<CaseStatus, string>> = {
  zh: {
    reported: '待立案',
    registered: '已立案',
    rejected: '不予立案',
    dispatched: '已派遣',
    returned: '已回退',
    in_progress: '处置中',
    handled: '待核查',
    closed: '已结案',
    suspended: '挂账',
    merged: '已合并',
  },
  en: {
    reported: 'To register',
    registered: 'Registered',
    rejected: 'Rejected',
    dispatched: 'Dispatched',
    returned: 'Returned',
    in_progress: 'In progress',
    handled: 'To verify',
    closed: 'Closed',
    suspended: 'Suspended',
    merged: 'Merged',
  },
};

const SLA: Record<Lang, Record<SlaState, string>> = {
  zh: { normal: '正常', warning: '临期', overdue: '超期' },
  en: { normal: 'On time', warning: 'Due soon', overdue: 'Overdue' },
};

const MISC = {
  zh: { status: '状态', due: '时限', escalated: '已升级', escalatedLevels: '已升级 {n} 级' },
  en: { status: 'Status', due: 'Due', escalated: 'Escalated', escalatedLevels: 'Escalated {n} level(s)' },
} as const;

export const STATUS_COLOURS: Record<CaseStatus, string> = {
  reported: '#60a5fa',
  registered: '#60a5fa',
  returned: '#818cf8',
  dispatched: '#2dd4bf',
  in_progress: '#2dd4bf',
  suspended: '#94a3b8',
  handled: '#c084fc',
  closed: '#64748b',
  rejected: '#64748b',
  merged: '#64748b',
};

export function statusLabel(lang: Lang, status: CaseStatus): string {
  return STATUS[lang][status];
}

export function slaLabel(lang: Lang, state: SlaState): string {
  return SLA[lang][state];
}

export function caseWord(lang: Lang, key: keyof (typeof MISC)['zh'], n?: number): string {
  return MISC[lang][key].replace('{n}', String(n ?? ''));
}
