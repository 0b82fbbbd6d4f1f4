'use client';

import type { ReactNode } from 'react';
import { CASE_CHANNELS, SEVERITIES } from '../../../server/protocol/vocab';
import { useAreaNames } from '../../lib/area-names';
import { useT } from '../../lib/i18n';
import { useDispatch, useDispatchStore } from '../state/dispatch-store';
import type { QueueFilters as Filters } from '../state/queue';
import { CATEGORY_CODES, useDT } from '../strings';

/** Category, severity, channel and area (a district or street of the jurisdiction); each applies to the list and the counts. */
export default function QueueFilters() {
  const tr = useT();
  const dt = useDT();
  const store = useDispatchStore();
  const filters = useDispatch((s) => s.queue.filters);
  const names = useAreaNames();
  const areas = names ? [...names.entries()].sort(([a], [b]) => a.localeCompare(b)) : [];
  const set = (patch: Partial<Filters>) => store.setFilters({ ...filters, ...patch });
  const any = filters.category || filters.severity || filters.channel || filters.area;

  return (
    <div className="queue-filters" role="group" aria-label={dt.d('filters')}>
      <Select id="filter-category" label={dt.d('filterCategory')} value={filters.category} onChange={(v) => set({ category: v })} all={dt.d('filterAll')}>
        {CATEGORY_CODES.map((code) => (
          <option key={code} value={code}>
            {tr.category(code)}
          </option>
        ))}
      </Select>
      <Select id="filter-severity" label={dt.d('filterSeverity')} value={filters.severity} onChange={(v) => set({ severity: v })} all={dt.d('filterAll')}>
        {SEVERITIES.map((s) => (
          <option key={s} value={s}>
            {tr.severity(s)}
          </option>
        ))}
      </Select>
      <Select id="filter-channel" label={dt.d('filterChannel')} value={filters.channel} onChange={(v) => set({ channel: v })} all={dt.d('filterAll')}>
        {CASE_CHANNELS.map((c) => (
          <option key={c} value={c}>
            {dt.channel(c)}
          </option>
        ))}
      </Select>
      <Select id="filter-area" label={dt.d('filterArea')} value={filters.area} onChange={(v) => set({ area: v })} all={dt.d('filterAll')}>
        {areas.map(([code, n]) => (
          <option key={code} value={code}>
            {code.length > 6 ? '\u3000' : ''}
            {tr.areaName(n.name, n.nameEn)}
          </option>
        ))}
      </Select>
      {any ? (
        <button type="button" className="btn btn-quiet filter-clear" onClick={() => store.clearFilters()}>
          {dt.d('clearFilters')}
        </button>
      ) : null}
    </div>
  );
}

function Select({
  id,
  label,
  value,
  onChange,
  all,
  children,
}: {
  id: string;
  label: string;
  value: string | null;
  onChange: (value: string | null) => void;
  all: string;
  children: ReactNode;
}) {
  return (
    <label className="filter" htmlFor={id}>
      <span className="filter-label">{label}</span>
      <select id={id} data-testid={id} value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}>
        <option value="">{all}</option>
        {children}
      </select>
    </label>
  );
}
