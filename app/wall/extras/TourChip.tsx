'use client';

import { useT } from '../../lib/i18n';
import { useWall } from '../../lib/store';
import { useWallExtrasT } from './strings';
import { useTourStatus } from './WallExtras';

/** What the auto-rotating focus is doing, in one line under the KPI strip. */
export default function TourChip() {
  const t = useWallExtrasT();
  const status = useTourStatus();
  const tr = useT();
  const config = useWall((s) => s.config);
  // Home is the wall's own area (a district wall's district), not always the city.
  const home = config ? tr.areaName(config.cityName, config.cityNameEn) : '';
  const text =
    status.mode === 'off'
      ? t('tourOff')
      : status.mode === 'paused'
        ? t('tourPaused')
        : status.mode === 'home'
          ? t('tourHome', { name: home })
          : status.target === 'overdue'
            ? t('tourFocusOverdue', { name: status.name, n: status.overdue })
            : t('tourFocusAlert', { name: status.name });
  return (
    <p className="tour-chip" data-testid="tour-status" data-mode={status.mode} role="status" aria-live="polite">
      <span className="tour-dot" aria-hidden="true" />
      {text}
    </p>
  );
}
