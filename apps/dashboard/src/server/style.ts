/** The dashboard's one stylesheet: light and dark schemes, fluid to a phone's width, no web fonts. */
export const STYLE = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1b1f24; --muted: #4a5360; --line: #c9d1db;
  --card: #f5f7fa; --warn: #8a4b00; --bad: #a4161a; --good: #1e6b34; --accent: #0b57d0; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #14171c; --fg: #e8ebef; --muted: #aeb6c1; --line: #3a424d; --card: #1e232a;
    --warn: #ffb454; --bad: #ff8a80; --good: #7fd99a; --accent: #8ab4f8; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; padding: .75rem 1rem; border-bottom: 1px solid var(--line); }
nav { display: flex; gap: .25rem; flex-wrap: wrap; }
nav a { padding: .4rem .7rem; border-radius: .4rem; color: var(--accent); text-decoration: none; min-height: 44px; display: inline-flex; align-items: center; }
nav a[aria-current="page"] { background: var(--card); color: var(--fg); font-weight: 600; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, [tabindex]:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.out { margin-left: auto; }
button, input { font: inherit; padding: .5rem .8rem; min-height: 44px; border-radius: .4rem; border: 1px solid var(--line); background: var(--card); color: var(--fg); }
main { padding: 1rem; max-width: 72rem; margin: 0 auto; }
h1 { font-size: 1.5rem; margin: .25rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: .6rem; padding: .75rem 1rem; margin: 1rem 0; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: right; }
.swatch { display: inline-block; padding: 0 .4rem; border-radius: .3rem; border: 1px solid var(--line); }
.tag { display: inline-block; font-size: .85em; font-weight: 600; padding: 0 .4rem; border-radius: .3rem; border: 1px solid currentColor; }
.late, .bad { color: var(--bad); }
.risk, .warn { color: var(--warn); }
.good { color: var(--good); }
.unavailable, .empty, .muted { color: var(--muted); }
svg { max-width: 100%; height: auto; display: block; }
svg text:not([fill]) { fill: var(--fg); }
svg text { font: 12px system-ui, sans-serif; }
svg .grid { stroke: var(--line); }
svg text.axis { fill: var(--muted); }
svg .bar { fill: var(--accent); }
svg .meeting { fill: var(--muted); fill-opacity: .35; }
svg .mark { stroke: var(--fg); stroke-width: 2; stroke-dasharray: 4 3; }
svg .lvl-good { fill: var(--good); }
svg .lvl-warn { fill: var(--warn); }
svg .lvl-bad { fill: var(--bad); }
svg .track { fill: var(--bg); stroke: var(--line); }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .5rem 1rem; margin: .5rem 0; }
.figures div { display: flex; flex-direction: column; }
.figures dt { color: var(--muted); font-size: .9em; }
.figures dd { margin: 0; font-size: 1.2em; font-weight: 600; font-variant-numeric: tabular-nums; }
.login { max-width: 24rem; margin: 3rem auto; }
.login label { display: block; margin-bottom: .3rem; font-weight: 600; }
.login input { width: 100%; margin-bottom: .8rem; }
.error { color: var(--bad); font-weight: 600; }
pre.report { white-space: pre-wrap; background: var(--bg); border: 1px solid var(--line); padding: .75rem; border-radius: .4rem; max-height: 30rem; overflow: auto; }
`;
