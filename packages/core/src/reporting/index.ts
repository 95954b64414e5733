// Weekly client reports: what the VA did for a client this week, built from the ports' data and the
// invoicing engine, and rendered as HTML, Markdown or plain text. Pure: no I/O, no clock.

export { periodBilling } from './billing.js';
export { buildWeeklyReport, type WeeklyReportInput, weeklyReportWindows } from './build.js';
export { weekHours } from './hours.js';
export { title as reportTitle, titleKey as reportTitleKey } from './phrases.js';
export { escapeHtml, renderReportHtml } from './render-html.js';
export { escapeMarkdown, renderReportMarkdown } from './render-markdown.js';
export { renderReportText } from './render-text.js';
export type * from './types.js';
