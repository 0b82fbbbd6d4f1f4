'use client';

import { useEffect, useState } from 'react';
import type { AreaLevel } from '../../../server/protocol/vocab';
import { loadAreas } from '../../lib/area-loader';
import { useLeaderT } from '../strings';

export interface Crumb {
  code: string;
  name: string;
  nameEn: string | null;
}

/** Level of an area by its code (GB/T 2260 city 5201 00, district 6 digits, then street 9, community 12, grid 15). */
export function levelOfCode(code: string): AreaLevel {
  switch (code.length) {
    case 6:
      return code.endsWith('00') ? 'city' : 'district';
    case 9:
      return 'street';
    case 12:
      return 'community';
    default:
      return 'grid';
  }
}

/** Names of the ancestors, known from panels already seen or fetched once (cached) by code. */
const names = new Map<string, Crumb>();

export function rememberNames(areas: Iterable<Crumb>): void {
  for (const a of areas) names.set(a.code, { code: a.code, name: a.name, nameEn: a.nameEn });
}

function useCrumbs(path: readonly string[]): Crumb[] {
  const [, setVersion] = useState(0);
  const missing = path.filter((code) => !names.has(code)).join(',');
  useEffect(() => {
    if (!missing) return;
    let cancelled = false;
    for (const code of missing.split(',')) {
      loadAreas({ level: levelOfCode(code), within: code, simplify: 0.05 }).then(
        (collection) => {
          rememberNames(collection.features.map((f) => f.properties));
          if (!cancelled) setVersion((v) => v + 1);
        },
        () => undefined, // a name that cannot be fetched shows as its code
      );
    }
    return () => {
      cancelled = true;
    };
  }, [missing]);
  return path.map((code) => names.get(code) ?? { code, name: code, nameEn: null });
}

/** 贵阳市 › 云岩区 › …: each step above the current area climbs back to it. */
export default function Breadcrumb({ path, onSelect }: { path: readonly string[]; onSelect: (code: string) => void }) {
  const tr = useLeaderT();
  const crumbs = useCrumbs(path);
  return (
    <nav className="leader-crumbs" aria-label={tr.s('areaPath')} data-testid="breadcrumb">
      <ol>
        {crumbs.map((crumb, i) => {
          const name = tr.base.areaName(crumb.name, crumb.nameEn);
          const last = i === crumbs.length - 1;
          return (
            <li key={crumb.code}>
              {last ? (
                <span aria-current="page" data-code={crumb.code}>
                  {name}
                </span>
              ) : (
                <button type="button" onClick={() => onSelect(crumb.code)} data-code={crumb.code}>
                  {name}
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
