'use client';

import { createContext, useContext } from 'react';

/**
 * "Show me this on the map": the event list asks, a map component listens. An
 * event target rather than React state, because a request is a moment, not a value.
 */
export interface FocusRequest {
  kind: 'incident' | 'alert';
  id: number;
}

export class FocusBus {
  private readonly target = new EventTarget();

  request(focus: FocusRequest): void {
    this.target.dispatchEvent(new CustomEvent<FocusRequest>('focus', { detail: focus }));
  }

  listen(handler: (focus: FocusRequest) => void): () => void {
    const listener = (event: Event) => handler((event as CustomEvent<FocusRequest>).detail);
    this.target.addEventListener('focus', listener);
    return () => this.target.removeEventListener('focus', listener);
  }
}

export const FocusContext = createContext<FocusBus>(new FocusBus());

export function useFocusBus(): FocusBus {
  return useContext(FocusContext);
}
