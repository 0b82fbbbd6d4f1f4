import departments from '../../db/data/departments.json' with { type: 'json' };
import type { CaseKind } from '../../db/vocab';
import { APPEAL_TYPES, INCIDENT_CATEGORIES } from './categories';

/**
 * 专业部门: the functional departments cases are dispatched to (db/data/departments.json).
 * Each incident category and appeal type names its department in categories.json; an
 * appeal's topic, when it has one, names a more specific department (噪音扰民 → 公安局)
 * than its type's default (the 12345 desk). Pure lookups, no I/O.
 */
export interface Department {
  code: string;
  name: string;
  nameEn: string;
}

export const DEPARTMENTS: ReadonlyMap<string, Department> = new Map(
  departments.departments.map((d) => [d.code, { code: d.code, name: d.name, nameEn: d.nameEn }]),
);

const BY_TOPIC: Readonly<Record<string, string>> = departments.appealTopics;

/** The department a case of this kind and category (and, for appeals, topic) is suggested to; null when the catalogue names none. */
export function departmentOf(kind: CaseKind, category: string, topic: string | null = null): Department | null {
  const code =
    kind === 'incident'
      ? INCIDENT_CATEGORIES.get(category)?.department
      : ((topic !== null ? BY_TOPIC[topic] : undefined) ?? APPEAL_TYPES.get(category)?.department);
  return (code !== undefined && DEPARTMENTS.get(code)) || null;
}
