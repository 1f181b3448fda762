const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The sample's single page: a visit counter, a name form and a logout button. */
export function renderPage({ visits, name, since }: { visits: number; name?: string; since: Date }): string {
  const greeting = name ? `Welcome back, ${escapeHtml(name)}!` : 'Hello, stranger!';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>nest-sessions sample</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;line-height:1.5}
form{margin:1rem 0}input,button{font:inherit;padding:.3rem .6rem}</style></head>
<body>
  <h1>${greeting}</h1>
  <p>You have visited this page <strong id="visits">${visits}</strong> time${visits === 1 ? '' : 's'}
  in this session (started ${since.toISOString()}).</p>
  <form method="post" action="/name">
    <label>Your name <input name="name" value="${escapeHtml(name ?? '')}" maxlength="60"></label>
    <button type="submit">Save</button>
  </form>
  <form method="post" action="/logout"><button type="submit">Log out (destroy the session)</button></form>
</body>
</html>`;
}
