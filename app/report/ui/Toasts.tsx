'use client';

import { useReportContext } from '../report-context';

/** Short answers to what the worker just did (sent, queued, refused), read out politely. */
export default function Toasts() {
  const { toasts } = useReportContext();
  return (
    <div className="report-toasts" role="status" aria-live="polite" data-testid="toasts">
      {toasts.map((toast) => (
        <p key={toast.id} className={`report-toast ${toast.tone}`}>
          {toast.text}
        </p>
      ))}
    </div>
  );
}
