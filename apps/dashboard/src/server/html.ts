import type { Part } from '../snapshot/types.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for HTML and SVG: every name from a source goes through this. */
export const esc = (text: string | number | null | undefined) =>
  String(text ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** A page: no script, one stylesheet from this server, a navigation that works with JavaScript off. */
export function page(input: { title: string; current: string; body: string; signedIn: boolean }): string {
  const nav = [
    ['/', 'Week'],
    ['/clients', 'Clients'],
    ['/health', 'Health'],
  ]
    .map(
      ([href, label]) =>
        `<a href="${href}"${input.current === href ? ' aria-current="page"' : ''}>${label}</a>`,
    )
    .join('');
  const out = input.signedIn
    ? '<form method="post" action="/logout" class="out"><button type="submit">Sign out</button></form>'
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${esc(input.title)} · vahub</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header><strong class="brand">vahub</strong><nav aria-label="Dashboard">${nav}</nav>${out}</header>
<main id="main">
${input.body}
</main>
</body>
</html>
`;
}

/** The part's data rendered, or a note saying why it is not there. */
export function orUnavailable<T>(p: Part<T>, render: (data: T) => string): string {
  if (p.status === 'ok') return render(p.data);
  return `<p class="unavailable" role="status"><span class="tag">Unavailable</span> ${esc(p.reason)}</p>`;
}

/** A table with a caption and header cells; it scrolls sideways on its own on a narrow screen. */
export function table(caption: string, head: string[], rows: string[][], empty = 'Nothing to show.'): string {
  if (rows.length === 0) return `<p class="empty">${esc(caption)}: ${esc(empty)}</p>`;
  const th = head.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<div class="scroll" role="region" aria-label="${esc(caption)}" tabindex="0"><table>
<caption>${esc(caption)}</caption>
<thead><tr>${th}</tr></thead>
<tbody>
${body}
</tbody></table></div>`;
}

/** A link target from a source, only when it is http(s): anything else is shown as text. */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
  } catch {
    return null;
  }
}
