'use client';

import { useCallback, useRef, useState } from 'react';
import type { CommandAction, VersionConflictDetails } from '../../../server/protocol/dispatch';
import { ApiRequestError } from '../../lib/api';
import { sendTransition } from './api';
import { useDispatchStore } from './dispatch-store';

/** One command of a sequence; another case's command (a duplicate merged into this one) names its case and version. */
export interface CommandStep {
  action: CommandAction;
  payload?: Record<string, unknown>;
  other?: { caseId: number; version: number };
}

/** Who did what, from a 409 VERSION_CONFLICT's `details.last`. */
export interface Conflict {
  who: string | null;
  action: string;
  at: string | null;
  version: number | null;
}

export interface Refusal {
  code: string;
  message: string;
}

/**
 * Sends commands for the open case, in sequence (立案 then 派遣 is two commands, each
 * expecting the version the previous one made). The version expected first is the
 * newest the console has seen. A 409 VERSION_CONFLICT keeps who did what for the
 * banner and reloads the case; any other refusal is kept for its message, and the
 * case is reloaded too (it may have moved).
 */
export function useCommands(id: number, fallbackVersion: number | null, reload: () => void) {
  const store = useDispatchStore();
  const [busy, setBusy] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const running = useRef(false);

  const run = useCallback(
    async (label: string, steps: CommandStep[]): Promise<boolean> => {
      if (running.current) return false;
      running.current = true;
      setBusy(label);
      setConflict(null);
      setRefusal(null);
      let version = store.getState().openCase?.id === id ? store.getState().openCase!.version : fallbackVersion;
      try {
        for (const step of steps) {
          if (step.other) {
            await sendTransition(step.other.caseId, step.action, step.other.version, step.payload);
            continue;
          }
          if (version === null) throw new Error('case not loaded');
          const result = await sendTransition(id, step.action, version, step.payload);
          store.noteCase(result.case);
          version = result.case.version;
        }
        return true;
      } catch (error) {
        if (error instanceof ApiRequestError && error.code === 'VERSION_CONFLICT') {
          const details = error.details as VersionConflictDetails | null;
          const last = details?.last ?? null;
          setConflict({ who: last?.actorLabel ?? null, action: last?.action ?? '', at: last?.at ?? null, version: last?.version ?? details?.current.version ?? null });
          if (details?.current.id === id) store.noteCase(details.current);
        } else if (error instanceof ApiRequestError) {
          setRefusal({ code: error.code, message: error.message });
        } else {
          setRefusal({ code: 'NETWORK', message: error instanceof Error ? error.message : String(error) });
        }
        reload();
        return false;
      } finally {
        running.current = false;
        setBusy(null);
      }
    },
    [id, fallbackVersion, reload, store],
  );

  const dismiss = useCallback(() => {
    setConflict(null);
    setRefusal(null);
  }, []);

  return { run, busy, conflict, refusal, dismiss };
}
