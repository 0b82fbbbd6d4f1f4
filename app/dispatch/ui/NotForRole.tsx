'use client';

import { useT } from '../../lib/i18n';
import type { Me } from '../../lib/session';
import { useDT } from '../strings';

/** A grid worker (or a wall display) opened the console: say so, and offer where to go instead. */
export default function NotForRole({ me }: { me: Me }) {
  const tr = useT();
  const dt = useDT();
  const who = `${me.name} · ${tr.role(me.role)}`;
  return (
    <main className="not-for-role" data-testid="not-for-role">
      <div className="not-for-role-card" role="alert">
        <h1>{dt.d('notForRoleTitle')}</h1>
        <p>{dt.d('notForRoleBody', { who })}</p>
        <p className="not-for-role-links">
          {me.role === 'grid_worker' ? <a href="/report">{dt.d('goToReport')}</a> : null}
          <a href="/wall">{dt.d('goToWall')}</a>
        </p>
      </div>
    </main>
  );
}
