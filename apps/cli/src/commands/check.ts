import { ConfigError } from '@vahub/core';
import { loadVahubConfig } from '@vahub/registry';
import type { Io } from '../io.js';

/** `vahub check [--config FILE]`: validate a config and summarise what vahub would do with it. */
export async function checkCommand(file: string, io: Io): Promise<number> {
  try {
    const config = await loadVahubConfig(file);
    io.out.write(`${file} is valid.\n`);
    io.out.write(
      `VA in ${config.va.timezone}; blocks go to calendar "${config.calendar.id}" up to ${config.calendar.horizonDays} days ahead.\n`,
    );
    for (const c of config.clients) {
      const retainer = c.billing.retainer
        ? `, retainer ${c.billing.retainer.hours} h for ${c.billing.retainer.amount}`
        : '';
      io.out.write(
        `  ${c.id.padEnd(16)} ${c.timezone.padEnd(22)} ${c.billing.currency} ${c.billing.hourlyRate}/h, ${c.billing.cycle}${retainer}\n`,
      );
    }
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
