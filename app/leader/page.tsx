import type { Metadata } from 'next';
import LeaderShell from './LeaderShell';

export const metadata: Metadata = { title: '和云指挥一张图 · 领导驾驶舱' };

/** Server shell of the leader view; everything happens in the client components below. */
export default function LeaderPage() {
  return <LeaderShell />;
}
