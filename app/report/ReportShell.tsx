'use client';

import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useDocumentLang } from '../lib/i18n';
import { LiveStoreContext, useStoreSlice } from '../lib/live-store';
import { useLiveController } from '../lib/use-live-controller';
import { DutySharer, isOnDuty } from './duty';
import { GeoTracker } from './geo';
import { idbOutboxStorage, tabLock } from './outbox-idb';
import { OutboxRunner } from './outbox-runner';
import { preloadReportMap } from './map/lazy';
import { registerOfflineShell } from './offline-shell';
import { ReportContext, type ReportTab, type Toast } from './report-context';
import { reportApi } from './report-api';
import { ReportStore, ReportStoreContext } from './report-store';
import { forgetWorker, lastWorker, readTasksCache, rememberWorker } from './tasks-cache';
import ReportApp from './ui/ReportApp';
import './report.css';

const noSubscribe = () => () => {};
const TOAST_MS = 6_000;

/**
 * The grid worker's app: one ReportStore fed by the shared SocketController (my
 * tasks live), the outbox runner (reports and commands made with or without a
 * network, sent exactly once), the phone's position (report form, task map,
 * on-duty sharing). Everything below reads them from context.
 */
export default function ReportShell() {
  const [store] = useState(() => new ReportStore());
  const [geo] = useState(() => new GeoTracker());
  const [duty] = useState(() => new DutySharer(geo));
  // While on duty, positions go out through the page's one socket.
  const live = useLiveController(store, { layers: ['incidents', 'appeals'] }, (controller) => {
    duty.connect((report) => controller.sendPosition(report));
    return () => duty.connect(null);
  });

  useEffect(() => registerOfflineShell([preloadReportMap]), []);

  // Whose outbox: the signed-in worker, or (opened with no network) the last one on this phone.
  const me = useStoreSlice(store, (s) => s.me);
  const remembered = useSyncExternalStore(noSubscribe, () => lastWorker()?.login ?? null, () => null);
  const login = me ? (me.role === 'grid_worker' ? me.login : null) : remembered;
  useEffect(() => {
    if (me?.role === 'grid_worker') rememberWorker(me);
  }, [me]);

  useEffect(() => {
    if (!login) return;
    let cancelled = false;
    void readTasksCache(login).then((cache) => {
      if (cache && !cancelled) store.restoreCached(cache);
    });
    return () => {
      cancelled = true;
    };
  }, [login, store]);

  const runner = useMemo(() => (login ? new OutboxRunner(idbOutboxStorage, reportApi, login, { lock: tabLock(login) }) : null), [login]);
  useEffect(() => {
    if (!runner) return;
    void runner.load();
    runner.start();
    const online = () => runner.kick(true);
    const visible = () => {
      if (document.visibilityState === 'visible') runner.kick();
    };
    const offDelivered = runner.onOutcome((outcome) => {
      if (outcome.kind === 'delivered') store.applyCase(outcome.case as unknown as Parameters<ReportStore['applyCase']>[0]);
    });
    window.addEventListener('online', online);
    document.addEventListener('visibilitychange', visible);
    return () => {
      offDelivered();
      window.removeEventListener('online', online);
      document.removeEventListener('visibilitychange', visible);
      runner.stop();
    };
  }, [runner, store]);

  // The socket coming back live proves the server is reachable again (the browser's online event may never fire).
  const status = useStoreSlice(store, (s) => s.status);
  useEffect(() => {
    if (status === 'live') runner?.kick(true);
  }, [status, runner]);

  // Shared while my responder record says on duty (and only then): the server's status, not a local switch.
  const onDuty = isOnDuty(useStoreSlice(store, (s) => s.tasks.responder?.status));
  const admitted = me?.role === 'grid_worker';
  useEffect(() => {
    duty.setOn(onDuty && admitted);
    return () => duty.setOn(false);
  }, [duty, onDuty, admitted]);

  const [tab, setTab] = useState<ReportTab>('tasks');
  const [toasts, setToasts] = useState<Toast[]>([]);
  const toastSeq = useRef(0);
  const toast = useCallback((text: string, tone: Toast['tone'] = 'info') => {
    const id = ++toastSeq.current;
    setToasts((list) => [...list.slice(-2), { id, text, tone }]);
    setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), TOAST_MS);
  }, []);
  // The queue stays (it goes out when this worker signs in again); the phone forgets who they were,
  // so a colleague opening the app offline on a shared phone does not see it.
  const liveSignOut = live.signOut;
  const signOut = useCallback(() => {
    forgetWorker();
    liveSignOut();
  }, [liveSignOut]);

  const context = useMemo(() => ({ runner, geo, duty, tab, setTab, toast, toasts, signOut }), [runner, geo, duty, tab, toast, toasts, signOut]);
  useDocumentLang();

  return (
    <LiveStoreContext value={store}>
      <ReportStoreContext value={store}>
        <ReportContext value={context}>
          <ReportApp />
        </ReportContext>
      </ReportStoreContext>
    </LiveStoreContext>
  );
}
