import type { Metadata } from 'next';
import AlertsShell from './AlertsShell';

export const metadata: Metadata = { title: '和云指挥一张图 · 预警值班台' };

/** Server shell of the alert desk; everything live happens in the client components below. */
export default function AlertsPage() {
  return <AlertsShell />;
}
