'use client';

import { useCallback, useId, useState } from 'react';
import { useT } from '../../lib/i18n';
import { newUuid } from '../ids';
import { newCommandItem, type OutboxPhoto, type WorkerCommand } from '../outbox';
import { useReportContext } from '../report-context';
import { useReportT } from '../report-i18n';
import { useReport } from '../report-store';
import type { Task } from '../tasks-state';
import PhotoPicker, { toOutboxPhotos, type PickedPhoto } from './PhotoPicker';

type Sent = 'delivered' | 'queued' | 'failed';

/**
 * Sends one of my commands on a task through the outbox (so it is kept, and sent
 * once, with or without a network) and says what became of it. A command refused
 * at once is dropped from the outbox: the worker reads why here, and the task
 * shows where the case stands now.
 */
export function useSendCommand(task: Task): (command: WorkerCommand, photos: OutboxPhoto[]) => Promise<Sent> {
  const { runner, toast } = useReportContext();
  const rt = useReportT();
  const tr = useT();
  const responderId = useReport((s) => s.tasks.responder?.id ?? null);
  return useCallback(
    async (command, photos) => {
      if (!runner) return 'failed';
      const target = { caseId: task.id, caseLabel: task.title ?? tr.category(task.category), expectedVersion: task.version, responderId };
      const outcome = await runner.submit(newCommandItem(runner.login, newUuid(), target, command, photos, Date.now()));
      if (outcome.kind === 'delivered') toast(rt.t('actionSent'), 'ok');
      else if (outcome.kind === 'queued') toast(rt.t('actionQueued'), 'warn');
      else {
        toast(rt.t('actionFailed', { message: rt.error(outcome.item.error) }), 'bad');
        await runner.discard(outcome.item.id);
      }
      return outcome.kind;
    },
    [runner, toast, rt, tr, task, responderId],
  );
}

/** 处置反馈 (note and photos) or 回退 (a reason). */
export function CommandForm({ task, kind, onDone }: { task: Task; kind: 'handle' | 'return'; onDone: () => void }) {
  const rt = useReportT();
  const send = useSendCommand(task);
  const textId = useId();
  const hintId = useId();
  const [text, setText] = useState('');
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState(false);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (text.trim().length < 2) {
      setMissing(true);
      return;
    }
    setBusy(true);
    const command: WorkerCommand = kind === 'handle' ? { action: 'handle', note: text.trim() } : { action: 'return', reason: text.trim() };
    const sent = await send(command, kind === 'handle' ? toOutboxPhotos(photos) : []);
    setBusy(false);
    if (sent !== 'failed') onDone();
  };

  return (
    <form className="report-form report-command" onSubmit={(e) => void submit(e)} data-testid={`${kind}-form`} noValidate>
      <label htmlFor={textId} className="report-label">
        {rt.t(kind === 'handle' ? 'handleNote' : 'returnReason')}
      </label>
      <textarea
        id={textId}
        className="report-input"
        rows={3}
        maxLength={kind === 'handle' ? 2000 : 500}
        value={text}
        placeholder={rt.t(kind === 'handle' ? 'handleNoteHint' : 'returnReasonHint')}
        onChange={(e) => {
          setText(e.target.value);
          setMissing(false);
        }}
        aria-invalid={missing}
        aria-describedby={missing ? hintId : undefined}
        data-testid={`${kind}-text`}
        required
      />
      {missing ? (
        <p id={hintId} className="report-error" role="alert">
          {rt.t(kind === 'handle' ? 'handleNoteHint' : 'returnReasonHint')}
        </p>
      ) : null}
      {kind === 'handle' ? (
        <>
          <span className="report-label">{rt.t('photos')}</span>
          <PhotoPicker photos={photos} onChange={setPhotos} testId="handle-photos" />
        </>
      ) : null}
      <div className="report-actions">
        <button type="submit" className="report-button primary" disabled={busy} aria-busy={busy} data-testid={`${kind}-submit`}>
          {busy ? rt.t('submitting') : rt.t(kind === 'handle' ? 'submitHandle' : 'confirmReturn')}
        </button>
        <button type="button" className="report-button" onClick={onDone} disabled={busy}>
          {rt.t('cancel')}
        </button>
      </div>
    </form>
  );
}
