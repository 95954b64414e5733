// Charts drawn on the server as SVG: no library, no script, readable with JavaScript off and by a
// screen reader (a title and description on each chart, and the same figures in a table beside it).
import { Temporal } from '@vahub/core';
import type { RetainerGauge, WeekHoursPoint, WeekView } from '../snapshot/types.js';
import { esc } from './html.js';

const minuteOfDay = (iso: string, zone: string) => {
  const t = Temporal.Instant.from(iso).toZonedDateTimeISO(zone);
  return { date: t.toPlainDate().toString(), minute: t.hour * 60 + t.minute };
};

/** The week as a calendar on the VA's clock: vahub's blocks in client colours, busy time in grey. */
export function weekChart(week: WeekView): string {
  const col = 118;
  const left = 46;
  const top = 28;
  const pieces = [
    ...week.blocks.map((b) => ({
      kind: 'block' as const,
      b,
      s: minuteOfDay(b.start, week.zone),
      e: minuteOfDay(b.end, week.zone),
    })),
    ...week.meetings.map((m) => ({
      kind: 'meeting' as const,
      m,
      s: minuteOfDay(m.start, week.zone),
      e: minuteOfDay(m.end, week.zone),
    })),
  ];
  const minutes = pieces.flatMap((p) => [p.s.minute, p.e.date === p.s.date ? p.e.minute : 24 * 60]);
  const from = Math.min(8 * 60, ...minutes.map((m) => Math.floor(m / 60) * 60));
  const to = Math.max(18 * 60, ...minutes.map((m) => Math.ceil(m / 60) * 60));
  const perMinute = 0.8;
  const height = top + (to - from) * perMinute + 8;
  const width = left + col * 7;
  const y = (m: number) => top + (m - from) * perMinute;
  const dayIndex = new Map(week.days.map((d, i) => [d.date, i]));
  const out: string[] = [];
  for (let h = from; h <= to; h += 60) {
    out.push(`<line class="grid" x1="${left}" x2="${width}" y1="${y(h)}" y2="${y(h)}"/>`);
    out.push(
      `<text class="axis" x="${left - 6}" y="${y(h) + 4}" text-anchor="end">${String(h / 60).padStart(2, '0')}:00</text>`,
    );
  }
  week.days.forEach((d, i) => {
    out.push(`<text x="${left + i * col + col / 2}" y="16" text-anchor="middle">${esc(d.label)}</text>`);
    out.push(
      `<line class="grid" x1="${left + i * col}" x2="${left + i * col}" y1="${top}" y2="${height - 8}"/>`,
    );
  });
  for (const p of pieces) {
    const i = dayIndex.get(p.s.date);
    if (i === undefined) continue;
    const end = p.e.date === p.s.date ? p.e.minute : to;
    const x = left + i * col + 2;
    const h = Math.max(6, (end - p.s.minute) * perMinute - 1);
    if (p.kind === 'meeting') {
      out.push(
        `<rect class="meeting" x="${x}" y="${y(p.s.minute)}" width="${col - 4}" height="${h}" rx="3"><title>Busy ${esc(p.m.vaLocal.text)}</title></rect>`,
      );
    } else {
      const { b } = p;
      out.push(
        `<g><rect x="${x}" y="${y(p.s.minute)}" width="${col - 4}" height="${h}" rx="3" fill="${b.colour.hex}"><title>${esc(b.title)}, ${esc(b.vaLocal.text)}</title></rect>` +
          (h >= 16
            ? `<text x="${x + 4}" y="${y(p.s.minute) + 13}" fill="${b.colour.text}">${esc(b.clientName.slice(0, 16))}</text>`
            : '') +
          '</g>',
      );
    }
  }
  const desc = `${week.blocks.length} focus blocks and ${week.meetings.length} busy times, ${week.label}, in ${week.zone}. The same blocks are listed in the table below.`;
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="wk-t wk-d" xmlns="http://www.w3.org/2000/svg"><title id="wk-t">The week ${esc(week.id)}</title><desc id="wk-d">${esc(desc)}</desc>${out.join('')}</svg>`;
}

/** Hours per week as bars with their figures written on them. */
export function hoursChart(points: readonly WeekHoursPoint[], id: string): string {
  const max = Math.max(1, ...points.map((p) => Number(p.hours)));
  const bw = 56;
  const left = 8;
  const top = 20;
  const plot = 140;
  const width = left + points.length * bw;
  const bars = points.map((p, i) => {
    const v = Number(p.hours);
    const h = (v / max) * plot;
    const x = left + i * bw + 6;
    return `<rect class="bar" x="${x}" y="${top + plot - h}" width="${bw - 12}" height="${Math.max(h, 0.5)}"><title>${esc(p.week)}: ${esc(p.hours)} h</title></rect><text x="${x + (bw - 12) / 2}" y="${top + plot - h - 4}" text-anchor="middle">${esc(p.hours)}</text><text class="axis" x="${x + (bw - 12) / 2}" y="${top + plot + 16}" text-anchor="middle">${esc(p.label)}</text>`;
  });
  return `<svg viewBox="0 0 ${width} ${top + plot + 24}" role="img" aria-labelledby="${id}-t" xmlns="http://www.w3.org/2000/svg"><title id="${id}-t">Billable hours per week, the last ${points.length} weeks: ${esc(points.map((p) => `${p.label} ${p.hours} h`).join(', '))}</title><line class="grid" x1="${left}" x2="${width}" y1="${top + plot}" y2="${top + plot}"/>${bars.join('')}</svg>`;
}

/** The retainer as a bar: used against the allowance, with the 80% and 100% marks drawn and named. */
export function retainerGauge(r: RetainerGauge, id: string): string {
  const width = 480;
  const left = 10;
  const bar = width - 2 * left;
  const scale = Math.max(120, r.usedPercent + 5);
  const x = (pct: number) => left + (Math.min(pct, scale) / scale) * bar;
  const level = r.level === 'past-100' ? 'lvl-bad' : r.level === 'past-80' ? 'lvl-warn' : 'lvl-good';
  const marks = r.marks
    .map(
      (m) =>
        `<line class="mark" x1="${x(m)}" x2="${x(m)}" y1="14" y2="50"/><text x="${x(m)}" y="66" text-anchor="middle">${m}%</text>`,
    )
    .join('');
  return `<svg viewBox="0 0 ${width} 72" role="img" aria-labelledby="${id}-t" xmlns="http://www.w3.org/2000/svg"><title id="${id}-t">Retainer: ${esc(r.usedHours)} of ${esc(r.allowanceHours)} hours used (${r.usedPercent}%)</title><rect class="track" x="${left}" y="20" width="${bar}" height="24" rx="4"/><rect x="${left}" y="20" width="${x(r.usedPercent) - left}" height="24" rx="4" class="${level}"/>${marks}<text x="${left}" y="12">${r.usedPercent}% used</text></svg>`;
}
