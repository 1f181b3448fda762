/**
 * What a session needs of the user side, implemented in users/ and injected under this token, so
 * sessions do not depend on how users are indexed or their profiles cached.
 */
export abstract class SessionUsers {
  /** After `session.login()` stored the session under `key`: applies `maxSessionsPerUser`. */
  abstract afterLogin(userId: string, key: string): Promise<void>;

  /** The user's profile through `userLoader`, cached. */
  abstract profile<U>(userId: string): Promise<U>;
}
