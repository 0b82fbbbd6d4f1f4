'use client';

import dynamic from 'next/dynamic';
import { useCallback, useMemo, useState } from 'react';
import type { CommandAction } from '../../../server/protocol/dispatch';
import type { ResponderView } from '../../../server/protocol/rest';
import { useT } from '../../lib/i18n';
import { useDispatch, useDispatchStore } from '../state/dispatch-store';
import { useCaseDetails } from '../state/use-case-details';
import { useCommands, type CommandStep } from '../state/use-commands';
import { useDT } from '../strings';
import ActionBar from './ActionBar';
import ActionDialog, { type DialogField, type DialogValues } from './ActionDialog';
import { dialogFields } from './action-forms';
import CaseSummary from './CaseSummary';
import ContactBox from './ContactBox';
import DuplicatesPanel from './DuplicatesPanel';
import Notices from './Notices';
import PhotoStrip from './PhotoStrip';
import { useShortcuts, type Shortcut } from './shortcuts';
import SuggestionsPanel from './SuggestionsPanel';
import Timeline from './Timeline';

/** Leaflet touches window at import time: the case map is client-only. */
const CaseMap = dynamic(() => import('../map/CaseMap'), { ssr: false });

/** The open case, or what to do when none is. */
export default function CaseView() {
  const dt = useDT();
  const openId = useDispatch((s) => s.openId);
  if (openId === null) {
    return (
      <section className="case-view is-empty" aria-label={dt.d('selectCase')} data-testid="case-empty">
        <p>{dt.d('selectCase')}</p>
        <p className="case-empty-hint">{dt.d('selectCaseHint')}</p>
      </section>
    );
  }
  return <OpenCase key={openId} id={openId} />;
}

interface OpenDialog {
  action: CommandAction;
  fields: DialogField[];
}

function OpenCase({ id }: { id: number }) {
  const tr = useT();
  const dt = useDT();
  const store = useDispatchStore();
  const details = useCaseDetails(id);
  const live = useDispatch((s) => (s.openCase?.id === id ? s.openCase : null));
  const data = live ?? details.view?.case ?? null;
  const commands = useCommands(id, details.view?.case.version ?? null, details.reload);
  const [dialog, setDialog] = useState<OpenDialog | null>(null);
  const actions = useMemo(() => details.view?.lifecycle.actions ?? [], [details.view]);
  const original = details.duplicates.find((d) => d.relation === 'original') ?? null;
  const suggestions = details.suggestions;
  const top = suggestions ? (suggestions.territorial.find((r) => r.status !== 'off_duty') ?? suggestions.nearest[0] ?? suggestions.byDepartment[0] ?? null) : null;

  /** 派遣 to one responder in one click; 立案 first when the case is still 待立案. */
  const assign = useCallback(
    (responder: ResponderView) => {
      if (!data) return;
      const steps: CommandStep[] = [];
      if (data.status === 'reported') steps.push({ action: 'register' });
      const department = suggestions?.department?.code ?? responder.department ?? undefined;
      steps.push({ action: 'dispatch', payload: { assigneeId: responder.id, ...(department ? { department } : {}) } });
      void commands.run(`assign-${responder.id}`, steps);
    },
    [data, suggestions, commands],
  );

  const fire = useCallback(
    (action: CommandAction) => {
      if (!actions.includes(action)) return;
      const fields = dialogFields(action, { mergeInto: original?.id ?? null, department: suggestions?.department?.code ?? null });
      if (!fields) {
        void commands.run(action, [{ action }]);
        return;
      }
      if (action === 'dispatch' && suggestions) {
        const seen = new Set<number>();
        const options = [...suggestions.territorial, ...suggestions.byDepartment, ...suggestions.nearest]
          .filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)))
          .map((r) => ({ id: r.id, label: `${r.name} · ${dt.maybe(`rrole_${r.role}`, r.role)} · ${dt.distance(r.distanceM)}` }));
        fields.splice(1, 0, { kind: 'responder', options });
      }
      setDialog({ action, fields });
    },
    [actions, original, suggestions, commands, dt],
  );

  const submitDialog = (values: DialogValues) => {
    if (!dialog) return;
    const payload: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) if (value !== undefined) payload[key] = value;
    const action = dialog.action;
    setDialog(null);
    void commands.run(action, [{ action, payload }]);
  };

  const onShortcut = useCallback(
    (shortcut: Shortcut) => {
      if (commands.busy) return;
      if (shortcut === 'assign') {
        if (top && (actions.includes('dispatch') || actions.includes('register'))) assign(top);
        return;
      }
      fire(shortcut);
    },
    [commands.busy, top, actions, assign, fire],
  );
  useShortcuts(onShortcut);

  if (details.status === 'gone') {
    return (
      <section className="case-view is-empty" aria-label={dt.d('caseFailed')}>
        <p role="alert">{dt.d('caseFailed')}</p>
        <button type="button" className="btn" onClick={() => store.open(null)}>
          {dt.d('closeCase')}
        </button>
      </section>
    );
  }
  if (!data || !details.view) {
    return (
      <section className="case-view is-empty" aria-busy="true" aria-label={dt.d('caseLoading')}>
        {details.status === 'failed' ? (
          <>
            <p role="alert">{dt.d('caseFailed')}</p>
            <button type="button" className="btn" onClick={details.reload}>
              {dt.d('retry')}
            </button>
          </>
        ) : (
          <p role="status">
            <span className="spinner" aria-hidden="true" /> {dt.d('caseLoading')}
          </p>
        )}
      </section>
    );
  }

  return (
    <section className="case-view" aria-label={dt.d('caseNo', { id })} data-testid="case-view" data-case-id={id} data-status={data.status} data-version={data.version}>
      <div className="case-col case-col-main">
        <Notices conflict={commands.conflict} refusal={commands.refusal} onDismiss={commands.dismiss} />
        <CaseSummary data={data} view={details.view} onClose={() => store.open(null)} />
        <ActionBar actions={actions} busy={commands.busy} onFire={fire} />
        <div className="case-row-split">
          <ContactBox caseId={id} contact={details.view.contact} repeats={details.view.repeats} />
          <PhotoStrip photos={details.photos} />
        </div>
        <SuggestionsPanel
          suggestions={suggestions}
          status={data.status}
          canAssign={actions.includes('dispatch') || (data.status === 'reported' && actions.includes('register'))}
          registerFirst={data.status === 'reported'}
          busy={commands.busy}
          top={top}
          onAssign={assign}
        />
      </div>
      <div className="case-col case-col-side">
        <div className="case-map-box" aria-label={dt.d('map')} role="region">
          <CaseMap data={data} grid={details.grid} duplicates={details.duplicates} suggestions={suggestions} />
        </div>
        <div className="case-side-panels">
          <Timeline events={details.timeline} />
          <DuplicatesPanel
            caseId={id}
            duplicates={details.duplicates}
            canMerge={actions.includes('merge')}
            busy={commands.busy}
            onMergeInto={(target) => void commands.run('merge', [{ action: 'merge', payload: { into: target } }])}
            onMergeHere={(dup) => void commands.run('merge-here', [{ action: 'merge', payload: { into: id }, other: { caseId: dup.id, version: dup.version } }])}
          />
        </div>
      </div>
      {dialog ? (
        <ActionDialog
          title={`${dt.action(dialog.action)} · #${id} ${tr.category(data.category)}`}
          fields={dialog.fields}
          submitLabel={dt.action(dialog.action)}
          onSubmit={submitDialog}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </section>
  );
}
