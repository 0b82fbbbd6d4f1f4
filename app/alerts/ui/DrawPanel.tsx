'use client';

import { useEffect, useState, type FormEvent } from 'react';
import categories from '../../../db/data/categories.json';
import type { AlertInput } from '../../../server/protocol/api';
import type { AlertPreview } from '../../../server/protocol/rest';
import { CERTAINTIES, SEVERITIES, URGENCIES, type Severity } from '../../../server/protocol/vocab';
import { ApiRequestError, isAbort, postJson } from '../../lib/api';
import { useAreaNames } from '../../lib/area-names';
import { useT } from '../../lib/i18n';
import { useDraft, type DraftShape, type DrawTool } from '../draft';
import { useDeskT } from '../i18n';
import { useNow } from '../use-now';
import { expiryInputValue, parseShanghaiInput } from './expiry';

/**
 * Drawing and issuing an alert: arm the polygon or circle tool, fill in the CAP
 * fields, see what the area reaches (POST /api/alerts/preview: the same statements
 * that store it), then send it through POST /api/alerts like any other alert. The
 * external id is made once per draft, so a retry after a lost answer is the same
 * alert, not a second one.
 */
const SOURCE = 'duty-desk';
const PREVIEW_DELAY_MS = 200;
const GRID_NAMES_SHOWN = 12;
const DEFAULT_HOURS = 6;
const NOW_MS = 15_000;

const LOCAL_TYPES = categories.alertTypes.filter((t) => !t.code.startsWith('CAP_'));
const CAP_TYPES = categories.alertTypes.filter((t) => t.code.startsWith('CAP_'));

type Outcome = { kind: 'sent'; id: number } | { kind: 'failed'; message: string } | null;

export default function DrawPanel() {
  const tr = useT();
  const desk = useDeskT();
  const names = useAreaNames();
  const { draft, setTool, setPreview, clear } = useDraft();
  const { shape, preview, tool } = draft;
  const [eventType, setEventType] = useState(LOCAL_TYPES[0]?.code ?? 'CAP_OTHER');
  const [severity, setSeverity] = useState<Severity>('Severe');
  const [urgency, setUrgency] = useState<(typeof URGENCIES)[number]>('Expected');
  const [certainty, setCertainty] = useState<(typeof CERTAINTIES)[number]>('Likely');
  const [headline, setHeadline] = useState('');
  const [description, setDescription] = useState('');
  const [expires, setExpires] = useState(() => expiryInputValue(Date.now() + DEFAULT_HOURS * 3600_000));
  const [externalId, setExternalId] = useState(newExternalId);
  const [attempted, setAttempted] = useState(false);
  const [sending, setSending] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [previewError, setPreviewError] = useState<{ shape: DraftShape; message: string } | null>(null);
  const now = useNow(NOW_MS);

  // Preview each shape once it settles (editing a corner reports many shapes in a row).
  useEffect(() => {
    if (!shape) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      postJson<AlertPreview>('/api/alerts/preview', { geometry: shape.geometry }, abort.signal).then(setPreview, (error: unknown) => {
        if (!isAbort(error)) setPreviewError({ shape, message: messageOf(error) });
      });
    }, PREVIEW_DELAY_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [shape, setPreview]);

  const failedPreview = previewError && previewError.shape === shape ? previewError.message : null;
  const expiresMs = parseShanghaiInput(expires);
  const problems = {
    shape: !shape ? desk.t('needShape') : null,
    headline: headline.trim() === '' ? desk.t('needHeadline') : null,
    expires: expiresMs === null || (now !== null && expiresMs <= now) ? desk.t('needFutureExpiry') : null,
  };
  const ready = preview !== null && preview.reachesCity && !problems.shape && !problems.headline && !problems.expires;

  const choose = (next: DrawTool) => {
    setOutcome(null);
    setTool(tool === next ? null : next);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (!ready || !shape || sending) return;
    if (expiresMs! <= Date.now()) {
      setOutcome({ kind: 'failed', message: desk.t('needFutureExpiry') });
      return;
    }
    const body: AlertInput = {
      source: SOURCE,
      externalId,
      eventType,
      headline: headline.trim(),
      severity,
      urgency,
      certainty,
      onset: new Date().toISOString(),
      expires: new Date(expiresMs!).toISOString(),
      geometry: shape.geometry,
      ...(description.trim() ? { description: description.trim() } : {}),
    };
    setSending(true);
    setOutcome(null);
    try {
      const answer = await postJson<{ alert: { id: number } }>('/api/alerts', body);
      setOutcome({ kind: 'sent', id: answer.alert.id });
      setHeadline('');
      setDescription('');
      setAttempted(false);
      setExternalId(newExternalId());
      clear();
    } catch (error) {
      setOutcome({ kind: 'failed', message: messageOf(error) });
    } finally {
      setSending(false);
    }
  };

  const areaName = (code: string) => {
    const area = names?.get(code);
    return area ? tr.areaName(area.name, area.nameEn) : code;
  };

  return (
    <section className="panel desk-draw" aria-labelledby="desk-draw-title" data-testid="draw-panel">
      <h2 className="desk-draw-title" id="desk-draw-title">
        {desk.t('drawTitle')}
      </h2>
      <p className="desk-hint">{desk.t('drawHint')}</p>
      <div className="draw-tools" role="group" aria-label={desk.t('drawTitle')}>
        <button type="button" className="desk-button" aria-pressed={tool === 'polygon'} onClick={() => choose('polygon')} data-testid="tool-polygon">
          {desk.t('toolPolygon')}
        </button>
        <button type="button" className="desk-button" aria-pressed={tool === 'circle'} onClick={() => choose('circle')} data-testid="tool-circle">
          {desk.t('toolCircle')}
        </button>
        <button type="button" className="desk-button" onClick={clear} disabled={!shape && !tool} data-testid="tool-clear">
          {desk.t('toolClear')}
        </button>
      </div>
      <p className="draw-shape" data-testid="draw-shape" data-kind={shape?.kind ?? 'none'}>
        {tool ? desk.t(tool === 'polygon' ? 'toolPolygonHint' : 'toolCircleHint') : shapeSummary(shape, desk)}
      </p>

      <form className="draw-form" onSubmit={(e) => void submit(e)} noValidate>
        <label className="field">
          <span>{desk.t('type')}</span>
          <select value={eventType} onChange={(e) => setEventType(e.target.value)} data-testid="field-type">
            <optgroup label={desk.t('typesLocal')}>
              {LOCAL_TYPES.map((t) => (
                <option key={t.code} value={t.code}>
                  {tr.alertType(t.code)}
                </option>
              ))}
            </optgroup>
            <optgroup label={desk.t('typesCap')}>
              {CAP_TYPES.map((t) => (
                <option key={t.code} value={t.code}>
                  {tr.alertType(t.code)}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <div className="field-row">
          <label className="field">
            <span>{desk.t('severityLabel')}</span>
            <select value={severity} onChange={(e) => setSeverity(e.target.value as Severity)} data-testid="field-severity">
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {tr.severity(s)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{desk.t('urgencyLabel')}</span>
            <select value={urgency} onChange={(e) => setUrgency(e.target.value as (typeof URGENCIES)[number])} data-testid="field-urgency">
              {URGENCIES.map((u) => (
                <option key={u} value={u}>
                  {tr.capWord(u)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{desk.t('certaintyLabel')}</span>
            <select value={certainty} onChange={(e) => setCertainty(e.target.value as (typeof CERTAINTIES)[number])} data-testid="field-certainty">
              {CERTAINTIES.map((c) => (
                <option key={c} value={c}>
                  {tr.capWord(c)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label className="field">
          <span>{desk.t('headline')}</span>
          <input
            type="text"
            value={headline}
            maxLength={200}
            onChange={(e) => setHeadline(e.target.value)}
            placeholder={desk.t('headlinePlaceholder')}
            aria-invalid={attempted && problems.headline !== null}
            data-testid="field-headline"
          />
        </label>
        <label className="field">
          <span>{desk.t('description')}</span>
          <textarea
            value={description}
            maxLength={4000}
            rows={2}
            onChange={(e) => setDescription(e.target.value)}
            placeholder={desk.t('descriptionPlaceholder')}
            data-testid="field-description"
          />
        </label>
        <label className="field">
          <span>{desk.t('expiresLabel')}</span>
          <input
            type="datetime-local"
            value={expires}
            onChange={(e) => setExpires(e.target.value)}
            aria-invalid={attempted && problems.expires !== null}
            data-testid="field-expires"
          />
        </label>

        <PreviewBox shape={shape} preview={preview} failed={failedPreview} areaName={areaName} />

        {attempted && !ready ? (
          <p className="form-problem" role="alert">
            {problems.shape ?? problems.headline ?? problems.expires ?? (preview && !preview.reachesCity ? desk.t('previewOutside') : desk.t('previewLoading'))}
          </p>
        ) : null}
        <button type="submit" className="send-button" disabled={sending} aria-busy={sending} data-testid="send-alert">
          {sending ? desk.t('sending') : desk.t('send')}
        </button>
        <p className="send-outcome" role="status" data-testid="send-outcome" data-kind={outcome?.kind ?? 'none'}>
          {outcome?.kind === 'sent' ? desk.t('sent', { id: outcome.id }) : outcome?.kind === 'failed' ? desk.t('sendFailed', { message: outcome.message }) : ''}
        </p>
      </form>
    </section>
  );
}

function PreviewBox({
  shape,
  preview,
  failed,
  areaName,
}: {
  shape: DraftShape | null;
  preview: AlertPreview | null;
  failed: string | null;
  areaName: (code: string) => string;
}) {
  const tr = useT();
  const desk = useDeskT();
  let body;
  let state: string;
  if (!shape) {
    state = 'idle';
    body = <p className="preview-note">{desk.t('previewIdle')}</p>;
  } else if (failed) {
    state = 'failed';
    body = <p className="preview-note preview-bad">{desk.t('previewFailed', { message: failed })}</p>;
  } else if (!preview) {
    state = 'loading';
    body = <p className="preview-note">{desk.t('previewLoading')}</p>;
  } else if (!preview.reachesCity) {
    state = 'outside';
    body = <p className="preview-note preview-bad">{desk.t('previewOutside')}</p>;
  } else {
    state = 'ready';
    const shown = preview.affectedGrids.slice(0, GRID_NAMES_SHOWN);
    body = (
      <>
        <p className="preview-count" data-testid="preview-grids" data-count={preview.affectedGrids.length}>
          {desk.t('previewGrids', { n: tr.number(preview.affectedGrids.length) })}
        </p>
        <dl className="alert-impact preview-impact">
          <div className="alert-figure">
            <dt>{desk.t('openCases')}</dt>
            <dd>{tr.number(preview.impact.openCases)}</dd>
          </div>
          <div className="alert-figure">
            <dt>{desk.t('responders')}</dt>
            <dd>{tr.number(preview.impact.onDutyResponders)}</dd>
          </div>
          <div className="alert-figure">
            <dt>{desk.t('population')}</dt>
            <dd>{tr.number(preview.impact.population)}</dd>
          </div>
        </dl>
        <p className="preview-ack">
          {desk.t('previewAck')}: {preview.ackAreas.map(areaName).join('、')}
        </p>
        <p className="preview-grid-names">
          {shown.map((g) => g.name).join('、')}
          {preview.affectedGrids.length > shown.length ? ` ${desk.t('moreGrids', { n: tr.number(preview.affectedGrids.length) })}` : ''}
        </p>
      </>
    );
  }
  return (
    <section className="preview-box" aria-live="polite" data-testid="preview" data-state={state}>
      <h3 className="preview-title">{desk.t('previewTitle')}</h3>
      {body}
    </section>
  );
}

function shapeSummary(shape: DraftShape | null, desk: ReturnType<typeof useDeskT>): string {
  if (!shape) return desk.t('shapeNone');
  if (shape.kind === 'circle' && shape.radiusM !== null) {
    const r = shape.radiusM >= 1000 ? `${(shape.radiusM / 1000).toFixed(2)} km` : `${Math.round(shape.radiusM)} m`;
    return desk.t('shapeCircle', { r });
  }
  return desk.t('shapePolygon', { n: shape.vertices });
}

function messageOf(error: unknown): string {
  return error instanceof ApiRequestError ? error.message : error instanceof Error ? error.message : String(error);
}

/** 128 random bits; getRandomValues works on plain-HTTP intranet addresses too (randomUUID needs a secure context). */
function newExternalId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `desk-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
