'use client';

import Link from 'next/link';
import { useT } from '../../lib/i18n';
import { useWall } from '../../lib/store';
import { useSignOut } from '../../wall/sign-out';
import { useDeskT } from '../i18n';

/** A grid worker or a wall display opened /alerts: say so plainly, with the way back. */
export default function NotForRole() {
  const tr = useT();
  const desk = useDeskT();
  const me = useWall((s) => s.me);
  const signOut = useSignOut();
  return (
    <main className="not-for-role" data-testid="not-for-role">
      <section className="not-for-role-card" aria-labelledby="not-for-role-title">
        <h1 id="not-for-role-title">{desk.t('notForRoleTitle')}</h1>
        <p>{desk.t('notForRoleBody')}</p>
        {me ? (
          <p className="not-for-role-who">
            {tr.t('signedInAs')}: {me.name} · {tr.role(me.role)}
          </p>
        ) : null}
        <p className="not-for-role-actions">
          <Link href="/wall" prefetch={false} className="surface-link">
            {desk.t('backToWall')}
          </Link>
          {me?.kind === 'user' ? (
            <button type="button" className="sign-out" onClick={signOut}>
              {tr.t('signOut')}
            </button>
          ) : null}
        </p>
      </section>
    </main>
  );
}
