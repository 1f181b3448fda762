import type { DemoUser } from '../demo-users';
import { escapeHtml, layout, postForm } from './html';

/** What the home page shows. */
export interface HomeView {
  profile: DemoUser & { loadedAt: string };
  visits: number;
  csrf: string;
}

/** The signed-in home page: who you are (from `session.user()`), a counter, links. */
export function homePage({ profile, visits, csrf }: HomeView): string {
  return layout(
    'Home',
    `<nav><strong>nest-sessions sample</strong><a href="/devices">Your devices</a><a href="/health">Health</a>
  ${postForm('/logout', csrf, 'Sign out')}</nav>
<h1>Hello, <span id="user-name">${escapeHtml(profile.name)}</span></h1>
<p>${escapeHtml(profile.role)}${profile.singleSession ? ': signing in here signed you out everywhere else.' : '.'}</p>
<p>You have seen this page <strong id="visits">${visits}</strong> time${visits === 1 ? '' : 's'} since you
signed in on this device (<code>session.increment('visits')</code>, saved as a delta).</p>
<p><small>Your profile came from <code>userLoader</code> at <time id="profile-loaded">${escapeHtml(profile.loadedAt)}</time>
and is cached beside the sessions for a minute, for all your devices (<code>session.user()</code>).</small></p>`,
    { live: true },
  );
}
