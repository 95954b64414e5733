import { ConfigError } from '../errors/errors.js';
import { loadConfig } from './load.js';

/** `npm run check-config -- [file]`: validate a config and summarise what vahub would do with it. */
const file = process.argv[2] ?? 'vahub.config.yaml';
try {
  const config = await loadConfig(file);
  console.log(`${file} is valid.`);
  console.log(
    `VA in ${config.va.timezone}; blocks go to calendar "${config.calendar.id}" up to ${config.calendar.horizonDays} days ahead.`,
  );
  for (const c of config.clients) {
    const retainer = c.billing.retainer
      ? `, retainer ${c.billing.retainer.hours} h for ${c.billing.retainer.amount}`
      : '';
    console.log(
      `  ${c.id.padEnd(16)} ${c.timezone.padEnd(22)} ${c.billing.currency} ${c.billing.hourlyRate}/h, ${c.billing.cycle}${retainer}`,
    );
  }
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
