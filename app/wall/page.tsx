import type { Metadata } from 'next';
import WallShell from './WallShell';

export const metadata: Metadata = { title: '和云指挥一张图 · 值班大屏' };

/** Server shell of the wall; everything live happens in the client components below. */
export default function WallPage() {
  return <WallShell />;
}
