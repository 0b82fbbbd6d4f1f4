import ExcelJS from 'exceljs';
import { addDays, displayValue, INDICATOR_COLUMNS, type Indicators } from '../domain/indicators';
import type { IndicatorPanel } from './indicators';

/**
 * The indicator table of an area and its children as CSV and XLSX: the area itself
 * first (rank empty), then its children in ranking order. The CSV shows what a
 * person reads (percentages and hours to one decimal, UTF-8 with a BOM so Excel
 * opens the Chinese correctly); the XLSX keeps the exact values with number formats.
 */
const LEVEL_ZH = { city: '市', district: '区县', street: '街道', community: '社区', grid: '网格' } as const;

const FIXED = [
  { zh: '区划代码', en: 'Code' },
  { zh: '名称', en: 'Name' },
  { zh: '层级', en: 'Level' },
  { zh: '排名', en: 'Rank' },
] as const;

const unit = (format: (typeof INDICATOR_COLUMNS)[number]['format']) => (format === 'rate' ? '(%)' : '');

interface TableRow {
  code: string;
  name: string;
  level: string;
  rank: number | null;
  indicators: Indicators;
}

function rowsOf(panel: IndicatorPanel): TableRow[] {
  return [
    { code: panel.area.code, name: panel.area.name, level: LEVEL_ZH[panel.area.level], rank: null, indicators: panel.indicators },
    ...(panel.children ?? []).map((c) => ({ code: c.code, name: c.name, level: LEVEL_ZH[c.level], rank: c.rank, indicators: c.indicators })),
  ];
}

/** 指标_贵阳市_520100_2026-05-01至2026-05-07.csv (the last day inclusive, as people say it). */
export function exportFileName(panel: IndicatorPanel, ext: 'csv' | 'xlsx'): { utf8: string; ascii: string } {
  const last = addDays(panel.period.to, -1);
  const span = panel.period.from === last ? last : `${panel.period.from}至${last}`;
  const asciiSpan = panel.period.from === last ? last : `${panel.period.from}_${last}`;
  const kind = panel.kind === 'all' ? '' : panel.kind === 'incident' ? '_事件' : '_诉求';
  return {
    utf8: `指标_${panel.area.name}_${panel.area.code}_${span}${kind}.${ext}`,
    ascii: `indicators_${panel.area.code}_${asciiSpan}${panel.kind === 'all' ? '' : `_${panel.kind}`}.${ext}`,
  };
}

export function contentDisposition(name: { utf8: string; ascii: string }): string {
  return `attachment; filename="${name.ascii}"; filename*=UTF-8''${encodeURIComponent(name.utf8)}`;
}

function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  // Quote what needs it; a leading =, +, - or @ would be a formula in a spreadsheet (CSV injection).
  const guarded = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

export function indicatorCsv(panel: IndicatorPanel): string {
  const header = [...FIXED.map((f) => f.zh), ...INDICATOR_COLUMNS.map((c) => `${c.zh}${unit(c.format)}`)];
  const lines = [header.map(csvField).join(',')];
  for (const row of rowsOf(panel)) {
    const values = INDICATOR_COLUMNS.map((c) => displayValue(row.indicators[c.key] as number | null, c.format));
    lines.push([row.code, row.name, row.level, row.rank, ...values].map(csvField).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

const NUMBER_FORMAT = { count: '0', rate: '0.0%', hours: '0.0', score: '0.0', stars: '0' } as const;

export async function indicatorXlsx(panel: IndicatorPanel): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Harmony Command Map';
  workbook.created = new Date(panel.asOf);
  const sheet = workbook.addWorksheet('指标', { views: [{ state: 'frozen', xSplit: 2, ySplit: 2 }] });
  const last = addDays(panel.period.to, -1);
  const kind = panel.kind === 'all' ? '' : panel.kind === 'incident' ? '（事件）' : '（诉求）';
  sheet.addRow([`${panel.area.name}（${panel.area.code}）评价指标${kind} ${panel.period.from} 至 ${last}（在办、超期、预警截至 ${panel.asOf}）`]);
  sheet.getRow(1).font = { bold: true };
  const header = sheet.addRow([...FIXED.map((f) => f.zh), ...INDICATOR_COLUMNS.map((c) => c.zh)]);
  header.font = { bold: true };
  for (const row of rowsOf(panel)) {
    sheet.addRow([row.code, row.name, row.level, row.rank, ...INDICATOR_COLUMNS.map((c) => row.indicators[c.key] as number | null)]);
  }
  INDICATOR_COLUMNS.forEach((c, i) => {
    const column = sheet.getColumn(FIXED.length + 1 + i);
    column.numFmt = NUMBER_FORMAT[c.format];
    column.width = Math.max(8, c.zh.length * 2 + 2);
  });
  sheet.getColumn(1).width = 16;
  sheet.getColumn(2).width = 16;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The header row of the XLSX (row 2) and CSV, for readers that map columns by name. */
export const EXPORT_HEADER = [...FIXED.map((f) => f.zh), ...INDICATOR_COLUMNS.map((c) => c.zh)];
