import { blockEventId, MemoryLock, MemoryTokenStore, parseConfig, silentLogger } from '@vahub/core';
import { blockEvent, googleCalendarConnector, mergeBusy } from '@vahub/google-calendar';
import { FakeGoogle } from '@vahub/google-calendar/testing';

/**
 * The Google Calendar connector's hot paths, each against a bare baseline measured in the same run:
 *
 * 1. Placing 300 new blocks with `upsertBlock` (validation, token manager, the SDK, the request
 *    pipeline with its schema check and log line) against the fake, versus POSTing the same event bodies with bare `fetch`. The ratio is what the
 *    connector and the SDK cost per block.
 * 2. Re-placing the same 300 blocks unchanged: insert → 409 → get, three requests each, versus the
 *    bare inserts (one request each): the price of idempotent retries.
 * 3. Merging 20,000 busy intervals of four calendars over 1,000 days (`mergeBusy`: clip, sort, merge,
 *    format) versus sorting them alone.
 */

const BLOCKS = 300;
const INTERVALS = 20_000;
const DAYS = 1_000;

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function block(i: number, client: string) {
  const start = Date.UTC(2026, 10, 30, 0, 0) + i * 3_600_000;
  const taskId = String(1_207_000_000_000_000 + i);
  return {
    id: blockEventId(client, taskId, 0),
    clientId: client,
    taskId,
    chunk: 0,
    start: new Date(start).toISOString(),
    end: new Date(start + 3_600_000).toISOString(),
    title: `[Koala Co] Task ${i}`,
    description: `Task: https://app.asana.com/0/1/${taskId}`,
    colorId: '5',
    movedByVa: false,
  };
}

export default async function run(): Promise<void> {
  const fake = new FakeGoogle();
  await fake.start();
  try {
    const grant = fake.issueGrant();
    const store = new MemoryTokenStore();
    await store.set('google', { ...grant });
    const config = parseConfig(
      'va: { timezone: Europe/Budapest, workingHours: { mon-fri: "09:00-17:00" } }\n' +
        'clients: [{ id: koala-co, name: Koala Co, timezone: Europe/Budapest, billing: { currency: EUR, hourlyRate: "50.00" } }]\n',
      { env: fake.env(), connectors: [googleCalendarConnector] },
    );
    const calendar = googleCalendarConnector.create({
      va: config.va,
      calendar: config.calendar,
      clients: [],
      section: undefined,
      endpoints: config.endpoints.google,
      secrets: config.auth.google ?? {},
      deps: { tokens: store, lock: new MemoryLock(), logger: silentLogger },
    }).ports.calendar;
    const bareInsert = async (i: number, client: string) => {
      const res = await fetch(`${fake.url}/calendar/v3/calendars/primary/events?sendUpdates=none`, {
        method: 'POST',
        headers: { authorization: `Bearer ${grant.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(blockEvent(block(i, client), { timeZone: 'Europe/Budapest' })),
      });
      if (res.status !== 200) throw new Error(`bare insert answered ${res.status}`);
      await res.json();
    };
    // Warm both paths (JIT, sockets) before measuring.
    for (let i = 0; i < 20; i++) {
      await bareInsert(i, 'warm-bare');
      await calendar.upsertBlock(block(i, 'warm-sdk'));
    }

    let start = process.hrtime.bigint();
    for (let i = 0; i < BLOCKS; i++) await bareInsert(i, 'bare');
    const bareMs = ms(start) / BLOCKS;
    start = process.hrtime.bigint();
    for (let i = 0; i < BLOCKS; i++) {
      if ((await calendar.upsertBlock(block(i, 'koala-co'))) !== 'created') throw new Error('not created');
    }
    const upsertMs = ms(start) / BLOCKS;
    start = process.hrtime.bigint();
    for (let i = 0; i < BLOCKS; i++) {
      if ((await calendar.upsertBlock(block(i, 'koala-co'))) !== 'unchanged')
        throw new Error('not unchanged');
    }
    const againMs = ms(start) / BLOCKS;
    console.log(
      `place ${BLOCKS} new blocks: bare POST ${bareMs.toFixed(2)} ms/block, upsertBlock ${upsertMs.toFixed(2)} ms/block, ratio ${(upsertMs / bareMs).toFixed(2)}x`,
    );
    console.log(
      `re-place them unchanged (insert→409→get): upsertBlock ${againMs.toFixed(2)} ms/block, ratio to one bare POST ${(againMs / bareMs).toFixed(2)}x`,
    );

    let seed = 42;
    const rand = () => {
      seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
      return seed / 2 ** 32;
    };
    const day = Date.UTC(2026, 10, 30);
    const raw = Array.from({ length: INTERVALS }, () => {
      const s = day + Math.floor(rand() * DAYS * 86_400_000);
      return {
        start: s,
        end: s + 10 * 60_000 + Math.floor(rand() * 50 * 60_000),
        source: `cal-${Math.floor(rand() * 4)}`,
      };
    });
    const window = { start: day, end: day + DAYS * 86_400_000 };
    start = process.hrtime.bigint();
    for (let i = 0; i < 5; i++) [...raw].sort((a, b) => a.start - b.start);
    const sortMs = ms(start) / 5;
    start = process.hrtime.bigint();
    let merged = 0;
    for (let i = 0; i < 5; i++) merged = mergeBusy(raw, window).length;
    const mergeMs = ms(start) / 5;
    console.log(
      `merge ${INTERVALS} busy intervals (${DAYS} days, 4 calendars → ${merged} merged): sort alone ${sortMs.toFixed(1)} ms, mergeBusy ${mergeMs.toFixed(1)} ms, ratio ${(mergeMs / sortMs).toFixed(2)}x`,
    );
  } finally {
    await fake.stop();
  }
}
