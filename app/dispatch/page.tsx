import type { Metadata } from 'next';
import DispatchShell from './DispatchShell';

export const metadata: Metadata = { title: '和云指挥一张图 · 派遣台' };

/** Server shell of the dispatch console; everything live happens in the client components below. */
export default function DispatchPage() {
  return <DispatchShell />;
}
