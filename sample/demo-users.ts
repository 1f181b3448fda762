/** A demo user's profile: what `userLoader` returns and `session.user()` gives back, cached. */
export interface DemoUser {
  id: string;
  name: string;
  role: string;
  /** Signing in here signs the user out of every other device (see AuthController.login). */
  singleSession: boolean;
}

/** The sample's users. There are no passwords: you pick who you are. */
export const DEMO_USERS: readonly DemoUser[] = [
  { id: 'ada', name: 'Ada Lovelace', role: 'Analyst', singleSession: false },
  { id: 'alan', name: 'Alan Turing', role: 'Cryptographer', singleSession: false },
  { id: 'grace', name: 'Grace Hopper', role: 'Admiral (single-session)', singleSession: true },
];

/** The demo user with this id, if any (the id comes from a form: anything may arrive). */
export function findDemoUser(id: unknown): DemoUser | undefined {
  return DEMO_USERS.find((user) => user.id === id);
}

/**
 * The module's `userLoader`: where your app would query its database. `loadedAt` shows on the home
 * page that the profile is loaded once and then served from the cache (`userCacheTtl`).
 */
export async function loadDemoUser(userId: string): Promise<(DemoUser & { loadedAt: string }) | null> {
  const user = findDemoUser(userId);
  return user ? { ...user, loadedAt: new Date().toISOString() } : null;
}
