import type { DemoUser } from '../demo-users';
import { escapeHtml, layout } from './html';

/** Pick a demo user: one button per user, each a CSRF-protected POST /login. */
export function signInPage(users: readonly DemoUser[], csrf: string): string {
  const buttons = users
    .map(
      (user) => `<form method="post" action="/login">
    <input type="hidden" name="_csrf" value="${escapeHtml(csrf)}">
    <button type="submit" name="user" value="${escapeHtml(user.id)}">Sign in as <strong>${escapeHtml(user.name)}</strong> · ${escapeHtml(user.role)}</button>
  </form>`,
    )
    .join('\n  ');
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
<p>No passwords here: pick a demo user. Sign in as the same user in a second browser (or a private
window) to see two devices; Grace is in single-session mode, so signing in as her ends her other sessions.</p>
<div class="users">
  ${buttons}
</div>`,
  );
}
