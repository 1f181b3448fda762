/**
 * What a session needs of the user side, implemented in users/ and injected under this token, so
 * sessions do not depend on how users are indexed or their profiles cached.
 */
export abstract class SessionUsers {
  /** The user's profile through `userLoader`, cached. */
  abstract profile<U>(userId: string): Promise<U>;
}
