import type { Colour } from './types.js';

// The calendar's event colours by id, with their names: the page shows the name beside the colour.
const PALETTE: Record<string, [name: string, hex: string]> = {
  '1': ['Lavender', '#7986cb'],
  '2': ['Sage', '#33b679'],
  '3': ['Grape', '#8e24aa'],
  '4': ['Flamingo', '#e67c73'],
  '5': ['Banana', '#f6bf26'],
  '6': ['Tangerine', '#f4511e'],
  '7': ['Peacock', '#039be5'],
  '8': ['Graphite', '#616161'],
  '9': ['Blueberry', '#3f51b5'],
  '10': ['Basil', '#0b8043'],
  '11': ['Tomato', '#d50000'],
};
const DEFAULT: [string, string] = ['Default', '#4f6d8f'];

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG contrast ratio of two colours. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** A client's calendar colour and the text colour (black or white) with the better contrast on it. */
export function colourOf(id: string | undefined | null): Colour {
  const [name, hex] = (id && PALETTE[id]) || DEFAULT;
  const text = contrast(hex, '#000000') >= contrast(hex, '#ffffff') ? '#000000' : '#ffffff';
  return { id: id && PALETTE[id] ? id : null, name, hex, text };
}

/** Every colour with its CSS class (`c-7`, `c-default`): the page colours blocks by class, not inline style. */
export function paletteCss(): string {
  return [...Object.keys(PALETTE), null]
    .map((id) => {
      const c = colourOf(id);
      return `.c-${id ?? 'default'} { background: ${c.hex}; color: ${c.text}; }`;
    })
    .join('\n');
}

export const colourClass = (c: Colour) => `c-${c.id ?? 'default'}`;

/**
 * Each client's colour: its configured calendar colour, else one no other client uses (in config
 * order, named "(auto)"), so two clients are never drawn alike when the palette allows.
 */
export function clientColours(
  clients: readonly { id: string; color?: string | undefined }[],
): Map<string, Colour> {
  const taken = new Set(clients.map((c) => c.color).filter((c): c is string => !!c && c in PALETTE));
  const free = Object.keys(PALETTE).filter((id) => !taken.has(id));
  const out = new Map<string, Colour>();
  for (const c of clients) {
    if (c.color && c.color in PALETTE) out.set(c.id, colourOf(c.color));
    else {
      const id = free.shift();
      const colour = colourOf(id);
      out.set(c.id, id ? { ...colour, name: `${colour.name} (auto)` } : colour);
    }
  }
  return out;
}
