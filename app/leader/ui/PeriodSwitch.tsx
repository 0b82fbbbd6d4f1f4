'use client';

import { useState, type FormEvent } from 'react';
import { customPeriod, lastDay, PERIOD_PRESETS, presetOf, presetPeriod, type Period, type PeriodPreset } from '../../lib/period';
import { useNow } from '../../lib/location-search';
import { useLeaderT } from '../strings';

/**
 * 今日 · 近7天 · 近30天 · 本月 · 自定义: one row of toggle buttons; 自定义 opens two
 * date fields (first and last day, both inclusive) and an apply button.
 */
export default function PeriodSwitch({ period, onChange }: { period: Period; onChange: (p: Period) => void }) {
  const tr = useLeaderT();
  const now = useNow();
  const active = presetOf(period, now);
  const [customOpen, setCustomOpen] = useState(false);
  const showCustom = customOpen || active === 'custom';

  const pick = (preset: PeriodPreset) => {
    if (preset === 'custom') {
      setCustomOpen(true);
      return;
    }
    setCustomOpen(false);
    onChange(presetPeriod(preset, now));
  };

  return (
    <div className="leader-period" data-testid="period-switch">
      <div className="leader-period-buttons" role="group" aria-label={tr.s('period')}>
        {PERIOD_PRESETS.map((preset) => {
          const pressed = preset === 'custom' ? showCustom : active === preset && !customOpen;
          return (
            <button key={preset} type="button" aria-pressed={pressed} data-preset={preset} onClick={() => pick(preset)}>
              {tr.s(`period_${preset}`)}
            </button>
          );
        })}
      </div>
      {showCustom ? <CustomRange key={`${period.from}|${period.to}`} period={period} onChange={onChange} /> : null}
    </div>
  );
}

function CustomRange({ period, onChange }: { period: Period; onChange: (p: Period) => void }) {
  const tr = useLeaderT();
  const [first, setFirst] = useState(period.from);
  const [last, setLast] = useState(lastDay(period));
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = customPeriod(first, last);
    if ('error' in result) {
      setError(result.error === 'order' ? tr.s('periodOrder') : result.error === 'tooLong' ? tr.s('periodTooLong') : tr.s('periodInvalid'));
      return;
    }
    setError(null);
    onChange(result);
  };
  return (
    <form className="leader-period-custom" onSubmit={submit} noValidate>
      <label>
        <span>{tr.s('customFrom')}</span>
        <input type="date" value={first} onChange={(e) => setFirst(e.target.value)} required />
      </label>
      <label>
        <span>{tr.s('customTo')}</span>
        <input type="date" value={last} onChange={(e) => setLast(e.target.value)} required />
      </label>
      <button type="submit">{tr.s('apply')}</button>
      {error ? (
        <p className="leader-period-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
