'use client';

import { useState } from 'react';
import { useT } from '../../lib/i18n';
import { useOutboxItems } from '../report-context';
import { useReportT } from '../report-i18n';
import { useReport } from '../report-store';
import type { Task } from '../tasks-state';
import TaskDetail from './TaskDetail';
import { useNow } from './use-now';

/** My tasks: the list, or one task opened. */
export default function TasksView({ active }: { active: boolean }) {
  const [openId, setOpenId] = useState<number | null>(null);
  const open = useReport((s) => (openId === null ? null : (s.tasks.tasks.find((t) => t.id === openId) ?? null)));
  if (open) return <TaskDetail task={open} active={active} onBack={() => setOpenId(null)} />;
  return <TaskList onOpen={setOpenId} />;
}

function TaskList({ onOpen }: { onOpen: (id: number) => void }) {
  const rt = useReportT();
  const tasks = useReport((s) => s.tasks);
  const cachedAt = useReport((s) => s.tasksCachedAt);
  const loadFailed = useReport((s) => s.loadFailed);
  const pending = usePendingCases();

  let body;
  if (!tasks.loaded) {
    body = (
      <p className="report-empty" role="status" data-testid="tasks-loading">
        <span className="spinner" aria-hidden="true" /> {loadFailed ? rt.t('tasksFailed') : rt.t('tasksLoading')}
      </p>
    );
  } else if (!tasks.responder) {
    body = (
      <p className="report-empty" data-testid="tasks-not-linked">
        {rt.t('notLinked')}
      </p>
    );
  } else if (tasks.tasks.length === 0) {
    body = (
      <div className="report-empty" data-testid="tasks-empty">
        <p className="report-empty-title">{rt.t('noTasks')}</p>
        <p>{rt.t('noTasksHint')}</p>
      </div>
    );
  } else {
    body = (
      <ul className="report-list" data-testid="task-list">
        {tasks.tasks.map((task) => (
          <li key={task.id}>
            <TaskCard task={task} pending={pending.has(task.id)} onOpen={() => onOpen(task.id)} />
          </li>
        ))}
      </ul>
    );
  }
  return (
    <div className="report-view">
      <h2 className="report-heading">{rt.t('tabTasks')}</h2>
      {tasks.responder ? (
        // The name the desks see in their suggestions and on their map.
        <p className="report-note" data-testid="responder-card">
          {rt.t('responderAs', { name: tasks.responder.name, code: tasks.responder.code })}
        </p>
      ) : null}
      {cachedAt ? (
        <p className="report-note" data-testid="tasks-cached">
          {rt.t('tasksCached')}
        </p>
      ) : null}
      {body}
    </div>
  );
}

/** Cases with a command still in the outbox (their buttons wait for it). */
export function usePendingCases(): Set<number> {
  const items = useOutboxItems();
  return new Set(items.flatMap((i) => (i.kind === 'command' && i.state === 'pending' ? [i.caseId] : [])));
}

function TaskCard({ task, pending, onOpen }: { task: Task; pending: boolean; onOpen: () => void }) {
  const tr = useT();
  const rt = useReportT();
  return (
    <button type="button" className="report-card" onClick={onOpen} data-testid={`task-${task.id}`} data-status={task.status}>
      <span className="report-card-top">
        <span className={`report-status ${task.status}`}>{rt.t(`task_${task.status}` as 'task_dispatched')}</span>
        <span className="report-card-category">{tr.category(task.category)}</span>
        <span className={`report-sev sev-${task.severity}`}>{tr.severity(task.severity)}</span>
      </span>
      <span className="report-card-title">{task.title ?? task.description ?? rt.t('caseNo', { id: task.id })}</span>
      {task.address ? <span className="report-card-line">{task.address}</span> : null}
      <span className="report-card-bottom">
        <Due task={task} />
        {pending ? <span className="report-card-pending">{rt.t('state_pending')}</span> : null}
      </span>
    </button>
  );
}

export function Due({ task }: { task: Task }) {
  const tr = useT();
  const rt = useReportT();
  const now = useNow();
  if (!task.sla?.dueAt) return <span className="report-due" />;
  const overdue = task.sla.state === 'overdue' || (now > 0 && Date.parse(task.sla.dueAt) < now);
  const state = overdue ? 'overdue' : task.sla.state;
  return (
    <span className={`report-due ${state}`} data-sla={state}>
      {rt.t('dueAt', { time: tr.dateTime(task.sla.dueAt) })}
      {state !== 'normal' ? ` · ${rt.t(state === 'overdue' ? 'sla_overdue' : 'sla_warning')}` : ''}
    </span>
  );
}
