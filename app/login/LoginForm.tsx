'use client';

import { useSearchParams } from 'next/navigation';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { DemoInfo } from '../../server/protocol/rest';
import { fetchConfig, isAbort } from '../lib/api';
import { useDocumentLang, useLangToggle, useT, type Translator } from '../lib/i18n';
import { homeOf, safeNext, submitLogin, type LoginOutcome } from './login-flow';

type Problem = Exclude<LoginOutcome, { kind: 'ok' }> | { kind: 'missing' };

function messageOf(tr: Translator, problem: Problem): string {
  switch (problem.kind) {
    case 'missing':
      return tr.t('loginMissing');
    case 'bad_credentials':
      return tr.t('loginBadCredentials');
    case 'rate_limited': {
      const s = problem.retryAfterS;
      const wait = s < 60 ? tr.t('waitSeconds').replace('{n}', String(s)) : tr.t('waitMinutes').replace('{n}', String(Math.ceil(s / 60)));
      return tr.t('loginRateLimited').replace('{wait}', wait);
    }
    case 'network_error':
      return tr.t('loginNetworkError');
    case 'server_error':
      return tr.t('loginServerError');
  }
}

/** Why the browser came here (`?reason=` from the wall, `?display=invalid` from the page gate). */
type Notice = 'signed_out' | 'session_ended' | 'display_revoked' | 'display_invalid' | 'unauthenticated';

function noticeOf(params: URLSearchParams): Notice | null {
  if (params.get('display') === 'invalid') return 'display_invalid';
  const reason = params.get('reason');
  return reason === 'signed_out' || reason === 'session_ended' || reason === 'display_revoked' || reason === 'unauthenticated' ? reason : null;
}

export default function LoginForm() {
  const tr = useT();
  const toggleLang = useLangToggle();
  useDocumentLang();
  const params = useSearchParams();
  const id = useId();
  const loginRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [reveal, setReveal] = useState(false);
  const [demo, setDemo] = useState<DemoInfo | null>(null);
  const notice = noticeOf(params);

  // A demo server offers its wall and accounts here (GET /api/config says so to anonymous callers only).
  useEffect(() => {
    const abort = new AbortController();
    fetchConfig(abort.signal).then(
      (config) => setDemo(config.demo ?? null),
      (error: unknown) => {
        if (!isAbort(error)) setDemo(null); // no demo panel; the form works regardless
      },
    );
    return () => abort.abort();
  }, []);

  function fillIn(login: string, password: string) {
    if (loginRef.current) loginRef.current.value = login;
    if (passwordRef.current) {
      passwordRef.current.value = password;
      passwordRef.current.focus();
    }
    setProblem(null);
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const form = new FormData(event.currentTarget);
    const login = String(form.get('login') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (!login || !password) {
      setProblem({ kind: 'missing' });
      (login ? passwordRef : loginRef).current?.focus();
      return;
    }
    setBusy(true);
    setProblem(null);
    const outcome = await submitLogin(login, password);
    if (outcome.kind === 'ok') {
      // A full navigation (replacing /login in the history), so every surface starts with the new cookie.
      const target = safeNext(params.get('next'), window.location.origin) ?? homeOf(outcome.role);
      window.location.replace(target);
      return;
    }
    setBusy(false);
    setProblem(outcome);
    if (outcome.kind === 'bad_credentials' && passwordRef.current) {
      passwordRef.current.value = '';
      passwordRef.current.focus();
    }
  }

  const errorId = `${id}-error`;
  const credentialsWrong = problem?.kind === 'bad_credentials' || problem?.kind === 'missing';

  return (
    <div className="login-card">
      <div className="login-top">
        <button type="button" className="lang-toggle" onClick={toggleLang} aria-label={tr.t('switchLabel')} title={tr.t('switchLabel')}>
          {tr.t('switchTo')}
        </button>
      </div>
      <div className="login-brand" aria-hidden="true">
        <svg viewBox="0 0 48 48" width="48" height="48">
          <circle cx="24" cy="24" r="21" fill="none" stroke="currentColor" strokeWidth="2" opacity="0.5" />
          <path d="M10 30 L19 18 L27 26 L38 13" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" />
          <circle cx="38" cy="13" r="3.5" fill="currentColor" />
        </svg>
      </div>
      <h1 className="login-title">{tr.t('title')}</h1>
      <p className="login-subtitle">{tr.t('subtitle')}</p>

      <form className="login-form" onSubmit={onSubmit} noValidate aria-describedby={problem ? errorId : undefined}>
        <h2 className="login-heading">{tr.t('loginHeading')}</h2>
        <p className="login-intro">{tr.t('loginIntro')}</p>
        {notice ? (
          <p className="login-notice" role="status" data-notice={notice}>
            {tr.t(`loginNotice_${notice}`)}
          </p>
        ) : null}

        <label htmlFor={`${id}-login`}>{tr.t('loginUser')}</label>
        <input
          ref={loginRef}
          id={`${id}-login`}
          name="login"
          type="text"
          autoComplete="username"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          required
          autoFocus
          maxLength={128}
          aria-invalid={credentialsWrong || undefined}
          disabled={busy}
        />

        <label htmlFor={`${id}-password`}>{tr.t('loginPassword')}</label>
        <div className="login-password">
          <input
            ref={passwordRef}
            id={`${id}-password`}
            name="password"
            type={reveal ? 'text' : 'password'}
            autoComplete="current-password"
            required
            maxLength={256}
            aria-invalid={credentialsWrong || undefined}
            disabled={busy}
          />
          <button
            type="button"
            className="login-reveal"
            onClick={() => setReveal((r) => !r)}
            aria-pressed={reveal}
            aria-controls={`${id}-password`}
          >
            {reveal ? tr.t('loginHidePassword') : tr.t('loginShowPassword')}
          </button>
        </div>

        <p id={errorId} className="login-error" role="alert" aria-live="assertive">
          {problem ? messageOf(tr, problem) : ''}
        </p>

        <button type="submit" className="login-submit" disabled={busy} aria-busy={busy}>
          {busy ? tr.t('loginSubmitting') : tr.t('loginSubmit')}
        </button>
      </form>
      {demo ? <DemoPanel demo={demo} tr={tr} onPick={fillIn} disabled={busy} /> : null}
      <p className="login-footer">{tr.t('loginFooter')}</p>
    </div>
  );
}

/** Only on a demo server: the wall with no sign-in, and the demo accounts (a click fills the form). */
function DemoPanel({ demo, tr, onPick, disabled }: { demo: DemoInfo; tr: Translator; onPick: (login: string, password: string) => void; disabled: boolean }) {
  return (
    <section className="login-demo" aria-labelledby="login-demo-heading">
      <h2 id="login-demo-heading" className="login-demo-heading">
        {tr.t('demoHeading')}
      </h2>
      <a className="login-demo-wall" href={demo.wallUrl}>
        {tr.t('demoWall')}
      </a>
      <p className="login-demo-hint">{tr.t('demoAccounts')}</p>
      <ul className="login-demo-accounts">
        {demo.logins.map((account) => (
          <li key={account.login}>
            <button type="button" onClick={() => onPick(account.login, account.password)} disabled={disabled}>
              <span className="login-demo-login">{account.login}</span>
              <span className="login-demo-role">{tr.role(account.role)}</span>
              <span className="login-demo-name">{account.displayName}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
