'use client';

/**
 * The phone's position (navigator.geolocation.watchPosition), shared by whoever
 * needs it — the report form, the task map, on-duty sharing — and watched only
 * while one of them does (acquire/release), to spare the battery.
 */
export interface Fix {
  lng: number;
  lat: number;
  /** Radius in metres (GeolocationCoordinates.accuracy). */
  accuracy: number;
  /** When the fix was taken (epoch ms). */
  at: number;
}

export type GeoProblem = 'denied' | 'unavailable' | 'unsupported';

export interface GeoState {
  fix: Fix | null;
  problem: GeoProblem | null;
  watching: boolean;
}

export class GeoTracker {
  private state: GeoState = { fix: null, problem: null, watching: false };
  private readonly listeners = new Set<() => void>();
  private users = 0;
  private watchId: number | null = null;

  getState = (): GeoState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Starts watching (if nobody was); call the returned function when done. */
  acquire(): () => void {
    this.users++;
    if (this.users === 1) this.start();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.users--;
      if (this.users === 0) this.stop();
    };
  }

  /** Asks again after a refusal or a failure (the worker pressed "use my position"). */
  retry(): void {
    if (this.users === 0) return;
    this.stop();
    this.start();
  }

  private start(): void {
    if (typeof navigator === 'undefined' || !navigator.geolocation) {
      this.set({ ...this.state, problem: 'unsupported' });
      return;
    }
    this.set({ ...this.state, watching: true });
    this.watchId = navigator.geolocation.watchPosition(
      (position) => {
        const { longitude, latitude, accuracy } = position.coords;
        this.set({ fix: { lng: longitude, lat: latitude, accuracy, at: position.timestamp || Date.now() }, problem: null, watching: true });
      },
      (error) => {
        this.set({ ...this.state, problem: error.code === error.PERMISSION_DENIED ? 'denied' : 'unavailable' });
      },
      { enableHighAccuracy: true, maximumAge: 10_000, timeout: 30_000 },
    );
  }

  private stop(): void {
    if (this.watchId !== null) navigator.geolocation.clearWatch(this.watchId);
    this.watchId = null;
    this.set({ ...this.state, watching: false });
  }

  private set(next: GeoState): void {
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}

/** Great-circle distance in metres (haversine on a 6,371 km sphere: within 0.5 % of the spheroid). */
export function distanceM(a: { lng: number; lat: number }, b: { lng: number; lat: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function formatDistance(metres: number, lang: 'zh' | 'en'): string {
  if (metres < 1000) return lang === 'zh' ? `${Math.round(metres)} 米` : `${Math.round(metres)} m`;
  const km = (metres / 1000).toFixed(metres < 10_000 ? 1 : 0);
  return lang === 'zh' ? `${km} 公里` : `${km} km`;
}
