import type { Metadata } from 'next';
import { Suspense } from 'react';
import LoginForm from './LoginForm';
import './login.css';

export const metadata: Metadata = { title: '登录 · 和云指挥一张图', robots: { index: false } };

/** Server shell of the login page; the form (which reads `?next=`) renders on the client. */
export default function LoginPage() {
  return (
    <main className="login-page">
      <Suspense fallback={null}>
        <LoginForm />
      </Suspense>
    </main>
  );
}
