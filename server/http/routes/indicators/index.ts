export { exportIndicatorsCsv, exportIndicatorsXlsx } from './export';
export { handoverReport } from './handover';
export { indicatorPanel, indicatorTrend } from './panel';
