import type { Metadata } from 'next';
import HandoverView from './HandoverView';

export const metadata: Metadata = { title: '和云指挥一张图 · 交接班报告' };

/** /leader/handover?area=&from=&to=: the printable shift handover report. */
export default function HandoverPage() {
  return <HandoverView />;
}
