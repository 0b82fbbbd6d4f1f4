'use client';

import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { DEPARTMENTS, useDT } from '../strings';

/**
 * A modal dialog (native <dialog>: focus stays inside, Esc cancels) asking what a
 * command needs: a reason, a note, a merge target, an extension, a department.
 * It validates as the server does (2+ characters) before anything is sent.
 */
export type DialogField =
  | { kind: 'reason'; min?: number }
  | { kind: 'note'; required: boolean }
  | { kind: 'into'; initial: number | null }
  | { kind: 'extend' }
  | { kind: 'department'; initial: string | null }
  | { kind: 'responder'; options: Array<{ id: number; label: string }> };

export interface DialogValues {
  reason?: string;
  note?: string;
  into?: number;
  extend?: Record<string, number>;
  department?: string;
  assigneeId?: number;
}

export default function ActionDialog({
  title,
  hint,
  fields,
  submitLabel,
  onSubmit,
  onClose,
  testId,
}: {
  title: string;
  hint?: ReactNode;
  fields: DialogField[];
  submitLabel: string;
  onSubmit: (values: DialogValues) => void;
  onClose: () => void;
  testId?: string;
}) {
  const dt = useDT();
  const ref = useRef<HTMLDialogElement>(null);
  const baseId = useId();
  const [values, setValues] = useState<Record<string, string>>(() => {
    const initial: Record<string, string> = { unit: 'workDays', amount: '1' };
    for (const f of fields) {
      if (f.kind === 'into' && f.initial !== null) initial.into = String(f.initial);
      if (f.kind === 'department' && f.initial) initial.department = f.initial;
    }
    return initial;
  });
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const set = (name: string, value: string) => setValues((v) => ({ ...v, [name]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const out: DialogValues = {};
    for (const f of fields) {
      if (f.kind === 'reason') {
        const reason = (values.reason ?? '').trim();
        if (Array.from(reason).length < (f.min ?? 2)) return setProblem(f.min && f.min > 2 ? dt.d('revealHint') : dt.d('reasonRequired'));
        out.reason = reason;
      } else if (f.kind === 'note') {
        const note = (values.note ?? '').trim();
        if (f.required && Array.from(note).length < 2) return setProblem(dt.d('noteRequired'));
        if (note.length > 0) {
          if (Array.from(note).length < 2) return setProblem(dt.d('noteRequired'));
          out.note = note;
        }
      } else if (f.kind === 'into') {
        const into = Number(values.into);
        if (!Number.isSafeInteger(into) || into <= 0) return setProblem(dt.d('mergeTarget'));
        out.into = into;
      } else if (f.kind === 'extend') {
        const amount = Number(values.amount);
        if (!(amount > 0)) return setProblem(dt.d('extendBy'));
        out.extend = { [values.unit ?? 'workDays']: amount };
      } else if (f.kind === 'department') {
        if (values.department) out.department = values.department;
      } else if (f.kind === 'responder') {
        if (values.responder) out.assigneeId = Number(values.responder);
      }
    }
    if (fields.some((f) => f.kind === 'department') && out.department === undefined && out.assigneeId === undefined) {
      return setProblem(dt.d('dispatchTo'));
    }
    onSubmit(out);
  };

  const fieldId = (name: string) => `${baseId}-${name}`;

  return (
    <dialog ref={ref} className="action-dialog" aria-labelledby={fieldId('title')} onCancel={onClose} onClose={onClose} data-testid={testId ?? 'action-dialog'}>
      <form method="dialog" onSubmit={submit} noValidate>
        <h2 id={fieldId('title')}>{title}</h2>
        {hint ? <p className="dialog-hint">{hint}</p> : null}
        {fields.map((f) => {
          switch (f.kind) {
            case 'reason':
              return (
                <label key="reason" className="dialog-field" htmlFor={fieldId('reason')}>
                  <span>{dt.d(f.min && f.min > 2 ? 'revealReason' : 'reason')}</span>
                  <textarea id={fieldId('reason')} name="reason" rows={3} maxLength={500} autoFocus value={values.reason ?? ''} onChange={(e) => set('reason', e.target.value)} />
                </label>
              );
            case 'note':
              return (
                <label key="note" className="dialog-field" htmlFor={fieldId('note')}>
                  <span>{dt.d(f.required ? 'note' : 'noteOptional')}</span>
                  <textarea id={fieldId('note')} name="note" rows={3} maxLength={2000} autoFocus={f.required} value={values.note ?? ''} onChange={(e) => set('note', e.target.value)} />
                </label>
              );
            case 'into':
              return (
                <label key="into" className="dialog-field" htmlFor={fieldId('into')}>
                  <span>{dt.d('mergeTarget')}</span>
                  <input id={fieldId('into')} name="into" inputMode="numeric" autoFocus value={values.into ?? ''} onChange={(e) => set('into', e.target.value.replace(/\D/g, ''))} />
                </label>
              );
            case 'extend':
              return (
                <fieldset key="extend" className="dialog-field dialog-extend">
                  <legend>{dt.d('extendBy')}</legend>
                  <input aria-label={dt.d('extendBy')} inputMode="decimal" value={values.amount ?? ''} onChange={(e) => set('amount', e.target.value)} />
                  <select aria-label={dt.d('extendBy')} value={values.unit} onChange={(e) => set('unit', e.target.value)}>
                    <option value="workDays">{dt.d('unit_workDays')}</option>
                    <option value="workHours">{dt.d('unit_workHours')}</option>
                    <option value="hours">{dt.d('unit_hours')}</option>
                  </select>
                </fieldset>
              );
            case 'department':
              return (
                <label key="department" className="dialog-field" htmlFor={fieldId('department')}>
                  <span>{dt.d('dispatchTo')}</span>
                  <select id={fieldId('department')} value={values.department ?? ''} onChange={(e) => set('department', e.target.value)}>
                    <option value="">{dt.d('none')}</option>
                    {DEPARTMENTS.map((d) => (
                      <option key={d.code} value={d.code}>
                        {dt.department(d.code)}
                      </option>
                    ))}
                  </select>
                </label>
              );
            case 'responder':
              return (
                <label key="responder" className="dialog-field" htmlFor={fieldId('responder')}>
                  <span>{dt.d('dispatchResponder')}</span>
                  <select id={fieldId('responder')} value={values.responder ?? ''} onChange={(e) => set('responder', e.target.value)}>
                    <option value="">{dt.d('none')}</option>
                    {f.options.map((o) => (
                      <option key={o.id} value={o.id}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                </label>
              );
          }
        })}
        {problem ? (
          <p className="dialog-problem" role="alert">
            {problem}
          </p>
        ) : null}
        <div className="dialog-buttons">
          <button type="button" className="btn btn-quiet" onClick={onClose}>
            {dt.d('cancel')}
          </button>
          <button type="submit" className="btn btn-primary" data-testid="dialog-submit">
            {submitLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
