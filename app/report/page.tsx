import type { Metadata, Viewport } from 'next';
import ReportShell from './ReportShell';

export const metadata: Metadata = {
  title: '网格易 · 和云指挥一张图',
  description: '网格员事件上报与任务处置',
  manifest: '/report.webmanifest',
  appleWebApp: { capable: true, title: '网格易', statusBarStyle: 'black-translucent' },
  // Replaces the root's icons for this page: keep the site icon beside the home-screen one.
  icons: { icon: '/icon.svg', apple: '/report-icon-192.png' },
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, viewportFit: 'cover', themeColor: '#08101f' };

/** Server shell of the grid worker's app; everything happens in the client components below. */
export default function ReportPage() {
  return <ReportShell />;
}
