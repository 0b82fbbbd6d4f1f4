'use client';

import { useCallback, useId, useState } from 'react';
import type { Severity } from '../../../server/protocol/vocab';
import { useT } from '../../lib/i18n';
import { newUuid } from '../ids';
import { newReportItem, type ReportBody } from '../outbox';
import ReportMap from '../map/lazy';
import { useGeo, useReportContext } from '../report-context';
import { CATEGORY_GROUPS, useReportT } from '../report-i18n';
import { useReport } from '../report-store';
import PhotoPicker, { toOutboxPhotos, type PickedPhoto } from './PhotoPicker';

const SEVERITIES: Severity[] = ['Minor', 'Moderate', 'Severe', 'Extreme'];

type Location = { source: 'gps' | 'map'; lng: number; lat: number; accuracy: number | null };

interface Draft {
  /** The idempotency key: made once per report, kept through retries, new after it is sent or queued. */
  externalId: string;
  location: Location | null;
  major: string;
  category: string;
  severity: Severity;
  title: string;
  description: string;
  photos: PickedPhoto[];
}

const emptyDraft = (): Draft => ({ externalId: newUuid(), location: null, major: '', category: '', severity: 'Minor', title: '', description: '', photos: [] });

type Problem = 'location' | 'category' | 'description' | null;

/**
 * A new report: where (GPS or a tap on the map), what (大类 → 小类 from the
 * catalogue), how serious, a description and up to three photos. It goes through
 * the outbox like everything else: sent now when there is a network, kept and sent
 * once later when there is not.
 */
export default function ReportForm({ active }: { active: boolean }) {
  const tr = useT();
  const rt = useReportT();
  const ids = { major: useId(), minor: useId(), title: useId(), description: useId(), problem: useId() };
  const { runner, toast, setTab, geo: tracker } = useReportContext();
  const config = useReport((s) => s.config);
  const area = useReport((s) => s.me?.area?.code ?? null);
  const geo = useGeo(active);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [problem, setProblem] = useState<Problem>(null);
  const [refused, setRefused] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const update = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setProblem(null);
    setRefused(null);
  };

  // Until the worker chooses, the report sits where the phone is.
  const location: Location | null = draft.location ?? (geo.fix ? { source: 'gps', lng: geo.fix.lng, lat: geo.fix.lat, accuracy: geo.fix.accuracy } : null);
  const pick = useCallback((lng: number, lat: number) => {
    setDraft((d) => ({ ...d, location: { source: 'map', lng, lat, accuracy: null } }));
    setProblem(null);
  }, []);
  const chooseGps = () => {
    if (geo.fix) update({ location: { source: 'gps', lng: geo.fix.lng, lat: geo.fix.lat, accuracy: geo.fix.accuracy } });
    else {
      // No fix yet (or it was refused): ask again, and follow the GPS once it answers.
      tracker.retry();
      update({ location: null });
    }
  };

  const minors = CATEGORY_GROUPS.find((g) => g.major === draft.major)?.items ?? [];

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!runner) return;
    const missing: Problem = !location ? 'location' : !draft.category ? 'category' : draft.description.trim().length === 0 ? 'description' : null;
    if (missing) {
      setProblem(missing);
      return;
    }
    const body: ReportBody = {
      kind: 'incident',
      channel: 'grid_worker',
      externalId: draft.externalId,
      category: draft.category,
      severity: draft.severity,
      ...(draft.title.trim() ? { title: draft.title.trim() } : {}),
      description: draft.description.trim(),
      location: { type: 'Point', coordinates: [location!.lng, location!.lat] },
      reportedAt: new Date().toISOString(),
    };
    setBusy(true);
    const outcome = await runner.submit(newReportItem(runner.login, body, toOutboxPhotos(draft.photos), Date.now()));
    setBusy(false);
    if (outcome.kind === 'failed') {
      // Refused at once: nothing was stored, the worker fixes the form and sends it again under the same key.
      await runner.discard(outcome.item.id);
      setRefused(rt.t('reportFailed', { message: rt.error(outcome.item.error) }));
      return;
    }
    if (outcome.kind === 'delivered') toast(rt.t('reportSent', { id: outcome.case.id }), 'ok');
    else toast(rt.t('reportQueued'), 'warn');
    setDraft(emptyDraft());
    if (outcome.kind === 'queued') setTab('outbox');
  };

  const locationText = location
    ? `${location.source === 'gps' ? rt.t('gpsFix', { n: Math.round(location.accuracy ?? 0) }) : rt.t('mapPick')} · ${location.lng.toFixed(5)}, ${location.lat.toFixed(5)}`
    : geo.problem
      ? rt.t('gpsDenied')
      : geo.watching
        ? rt.t('locating')
        : rt.t('noLocation');

  return (
    <form className="report-view report-form" onSubmit={(e) => void submit(e)} noValidate data-testid="report-form">
      <h2 className="report-heading">{rt.t('reportHeading')}</h2>

      <fieldset className="report-fieldset">
        <legend className="report-label">{rt.t('location')}</legend>
        <p className="report-location" data-testid="report-location" data-source={location?.source ?? 'none'} aria-live="polite">
          {locationText}
        </p>
        <div className="report-map small" data-testid="report-map">
          {config && active ? (
            <ReportMap config={config} picked={location ? [location.lng, location.lat] : null} me={geo.fix} gridsWithin={area} onPick={pick} label={rt.t('pickHint')} />
          ) : null}
        </div>
        <p className="report-hint">{rt.t('pickHint')}</p>
        <button type="button" className="report-button" onClick={chooseGps} data-testid="use-gps">
          {rt.t('useGps')}
        </button>
      </fieldset>

      <div className="report-row">
        <div className="report-field">
          <label htmlFor={ids.major} className="report-label">
            {rt.t('categoryMajor')}
          </label>
          <select id={ids.major} className="report-input" value={draft.major} onChange={(e) => update({ major: e.target.value, category: '' })} data-testid="category-major">
            <option value="">{rt.t('choose')}</option>
            {CATEGORY_GROUPS.map((g) => (
              <option key={g.major} value={g.major}>
                {rt.major(g.major)}
              </option>
            ))}
          </select>
        </div>
        <div className="report-field">
          <label htmlFor={ids.minor} className="report-label">
            {rt.t('categoryMinor')}
          </label>
          <select
            id={ids.minor}
            className="report-input"
            value={draft.category}
            onChange={(e) => update({ category: e.target.value })}
            disabled={minors.length === 0}
            data-testid="category-minor"
          >
            <option value="">{rt.t('choose')}</option>
            {minors.map((c) => (
              <option key={c.code} value={c.code}>
                {tr.category(c.code)}
              </option>
            ))}
          </select>
        </div>
      </div>

      <fieldset className="report-fieldset">
        <legend className="report-label">{rt.t('severity')}</legend>
        <div className="report-segments">
          {SEVERITIES.map((s) => (
            <label key={s} className={`report-segment sev-${s}`}>
              <input type="radio" name="severity" value={s} checked={draft.severity === s} onChange={() => update({ severity: s })} />
              <span>{tr.severity(s)}</span>
            </label>
          ))}
        </div>
      </fieldset>

      <label htmlFor={ids.title} className="report-label">
        {rt.t('titleLabel')}
      </label>
      <input id={ids.title} className="report-input" value={draft.title} maxLength={200} placeholder={rt.t('titleHint')} onChange={(e) => update({ title: e.target.value })} data-testid="report-title" />

      <label htmlFor={ids.description} className="report-label">
        {rt.t('descriptionLabel')}
      </label>
      <textarea
        id={ids.description}
        className="report-input"
        rows={3}
        maxLength={4000}
        value={draft.description}
        placeholder={rt.t('descriptionHint')}
        onChange={(e) => update({ description: e.target.value })}
        aria-invalid={problem === 'description'}
        required
        data-testid="report-description"
      />

      <span className="report-label">{rt.t('photos')}</span>
      <PhotoPicker photos={draft.photos} onChange={(photos) => update({ photos })} testId="report-photos" />

      {problem || refused ? (
        <p id={ids.problem} className="report-error" role="alert" data-testid="report-problem">
          {refused ?? rt.t(problem === 'location' ? 'locationMissing' : problem === 'category' ? 'categoryMissing' : 'descriptionMissing')}
        </p>
      ) : null}
      <button type="submit" className="report-button primary wide" disabled={busy || !runner} aria-busy={busy} data-testid="report-submit">
        {busy ? rt.t('submitting') : rt.t('submitReport')}
      </button>
    </form>
  );
}
