/** Escapes text for HTML content and attribute values. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A POST form with the CSRF token; `fields` are hidden inputs, `label` the button. */
export function postForm(
  action: string,
  csrf: string,
  label: string,
  fields: Record<string, string> = {},
): string {
  const hidden = Object.entries({ _csrf: csrf, ...fields })
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return `<form method="post" action="${escapeHtml(action)}">${hidden}<button type="submit">${escapeHtml(label)}</button></form>`;
}

/**
 * Shows a notice the moment this session is signed out elsewhere: the page keeps a socket.io
 * connection (see RevocationsGateway), which the server disconnects when the session ends.
 */
const LIVE_NOTICE = `<p id="revoked-notice" role="alert" hidden></p>
<script src="/socket.io/socket.io.js"></script>
<script>
  const socket = io({ transports: ['websocket'] });
  socket.on('disconnect', (reason) => {
    if (reason !== 'io server disconnect') return; // a network blip or a server restart reconnects
    const notice = document.getElementById('revoked-notice');
    notice.textContent = 'This device was signed out from another device (or another tab).';
    notice.append(' ', Object.assign(document.createElement('a'), { href: '/', textContent: 'Sign in again' }));
    notice.hidden = false;
    document.querySelectorAll('main form').forEach((form) => form.remove());
  });
</script>`;

/** The page around every view; `live` adds the revocation notice (signed-in pages). */
export function layout(title: string, body: string, { live = false } = {}): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)} · nest-sessions sample</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
  nav{display:flex;gap:1rem;align-items:center}nav form{margin-left:auto}
  form{display:inline;margin:0}button{font:inherit;padding:.25rem .7rem;cursor:pointer}
  table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem;border-bottom:1px solid #ddd}
  tr.current{background:#eef6ff}.users button{display:block;margin:.5rem 0;width:100%;text-align:left}
  #revoked-notice{background:#fff3cd;border:1px solid #e0b100;padding:.75rem}
</style></head>
<body>
${live ? LIVE_NOTICE : ''}
<main>
${body}
</main>
</body>
</html>`;
}
