import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * Leaving for the login page (app/lib/session.ts): once, and with the best reason the
 * page can know. A REST 401 and the socket's `signedOut` notice race when a credential
 * ends (the server tells sockets on its 3 s sweep): the notice's reason must win
 * whichever comes first, and a page without a live socket leaves at once.
 */
type Session = typeof import('../../app/lib/session');

let replaced: string[];

async function freshSession(): Promise<Session> {
  vi.resetModules();
  return import('../../app/lib/session');
}

beforeEach(() => {
  vi.useFakeTimers();
  replaced = [];
  vi.stubGlobal('window', { location: { pathname: '/wall', search: '', replace: (url: string) => replaced.push(url) } });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('leaving for the login page', () => {
  it('without a live socket, a 401 leaves at once, and only once', async () => {
    const session = await freshSession();
    session.goToLogin('unauthenticated');
    session.goToLogin('signed_out');
    expect(replaced).toEqual(['/login?next=%2Fwall&reason=unauthenticated']);
  });

  it('a signed-out notice shows for its time, then leaves with its reason; a 401 meanwhile changes nothing', async () => {
    const session = await freshSession();
    session.setLiveSocket(true);
    session.leaveForLoginAfter('signed_out', 3000);
    expect(session.isLeaving()).toBe(true);
    session.goToLogin('unauthenticated');
    vi.advanceTimersByTime(2999);
    expect(replaced).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(replaced).toEqual(['/login?next=%2Fwall&reason=signed_out']);
  });

  it('with a live socket, a 401 waits for the notice, and the notice wins', async () => {
    const session = await freshSession();
    session.setLiveSocket(true);
    session.goToLogin('unauthenticated');
    expect(session.isLeaving()).toBe(true);
    vi.advanceTimersByTime(2500);
    expect(replaced).toEqual([]);
    session.setLiveSocket(false);
    session.leaveForLoginAfter('display_revoked', 3000);
    vi.advanceTimersByTime(10_000);
    expect(replaced).toEqual(['/login?next=%2Fwall&reason=display_revoked']);
  });

  it('with a live socket and no notice, a 401 leaves after the grace', async () => {
    const session = await freshSession();
    session.setLiveSocket(true);
    session.goToLogin('unauthenticated');
    vi.advanceTimersByTime(3999);
    expect(replaced).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(replaced).toEqual(['/login?next=%2Fwall&reason=unauthenticated']);
  });
});
