'use client';

import { exportUrl } from '../../lib/indicators-api';
import type { Period } from '../../lib/period';
import { useLeaderT } from '../strings';

/**
 * The indicator table of the current area and period as CSV or Excel (the server
 * names the file after the area and period), and the printable shift handover report.
 */
export default function Exports({ area, period }: { area: string | null; period: Period }) {
  const tr = useLeaderT();
  const handover = `/leader/handover${area ? `?area=${encodeURIComponent(area)}` : ''}`;
  return (
    <section className="leader-panel leader-exports" aria-labelledby="exports-title">
      <h2 id="exports-title" className="leader-panel-title">
        {tr.s('exports')}
      </h2>
      <div className="leader-export-buttons">
        <a className="leader-button" href={exportUrl('csv', area, period)} download data-testid="export-csv">
          {tr.s('exportCsv')}
        </a>
        <a className="leader-button" href={exportUrl('xlsx', area, period)} download data-testid="export-xlsx">
          {tr.s('exportXlsx')}
        </a>
        <a className="leader-button leader-button-secondary" href={handover} data-testid="handover-link">
          {tr.s('handover')}
        </a>
      </div>
    </section>
  );
}
