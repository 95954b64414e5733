/**
 * The report page's styles, inline so the page is one file that works offline, in an email or a
 * print. System fonts; contrast above WCAG AA in both schemes; nothing depends on colour alone.
 */
export const REPORT_CSS = [
  ':root{color-scheme:light dark;--fg:#1b1f24;--muted:#4d5661;--bg:#fff;--line:#d5dae0;--band:#f3f5f7;--ok:#11633a;--risk:#8a3b00}',
  '@media (prefers-color-scheme:dark){:root{--fg:#e8eaed;--muted:#b4bcc6;--bg:#16191d;--line:#3a4049;--band:#22272e;--ok:#7ee2a8;--risk:#ffb27a}}',
  '*{box-sizing:border-box}',
  'body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}',
  'main{max-width:48rem;margin:0 auto;padding:1rem}',
  'h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0}',
  'h2{font-size:1.2rem;margin:1.75rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}',
  'h3{font-size:1rem;margin:1rem 0 .25rem}',
  '.muted{color:var(--muted)}',
  '.status{font-weight:600;margin:.5rem 0}',
  '.status.ok{color:var(--ok)}.status.risk{color:var(--risk)}',
  '.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}',
  '.scroll:focus{outline:2px solid var(--muted);outline-offset:2px}',
  'table{border-collapse:collapse;width:100%;min-width:20rem}',
  'caption{text-align:left;color:var(--muted);font-size:.875rem;padding:.25rem 0}',
  'th,td{text-align:left;vertical-align:top;padding:.4rem .5rem;border-bottom:1px solid var(--line)}',
  'th[scope=col]{font-size:.875rem}',
  '.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}',
  'tr.subtotal th,tr.subtotal td{background:var(--band);font-weight:600}',
  'tr.total th,tr.total td{font-weight:700;border-top:2px solid var(--fg)}',
  'tr.overdue td{font-weight:600}',
  'a{color:inherit}',
  'meter{width:100%;height:1.25rem}',
  'ul{padding-left:1.25rem}',
  '@media print{main{max-width:none}.scroll{overflow:visible}a{text-decoration:none}}',
].join('');
