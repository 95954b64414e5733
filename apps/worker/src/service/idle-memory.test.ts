import { describe, expect, it } from 'vitest';
import { collectWhenIdle, exposedGc } from './idle-memory.js';

/** Keep the event loop busy for `ms` (synchronous work, as a burst of jobs would). */
function burn(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) Math.sqrt(Math.random());
}

describe('collectWhenIdle', () => {
  it('collects once after a busy spell goes quiet, not while the work goes on', async () => {
    const at: string[] = [];
    let phase = 'busy';
    const collected = new Promise<void>((resolve, reject) => {
      const bound = setTimeout(() => reject(new Error('no collection within 5 s of going idle')), 5_000);
      const idle = collectWhenIdle({
        everyMs: 20,
        idlePeriods: 3,
        gc: () => at.push(phase),
        onCollect: () => {
          clearTimeout(bound);
          idle.stop();
          resolve();
        },
      });
    });
    // Busy: 30 ms of work every 30 ms for ~300 ms, ticks in between so the sampler runs.
    for (let i = 0; i < 10; i++) {
      burn(30);
      await new Promise((resolve) => setImmediate(resolve));
    }
    phase = 'idle';
    await collected;
    expect(at).toEqual(['idle']);
  });

  it('takes V8’s real gc(), which frees what nothing holds', async () => {
    const gc = exposedGc();
    let target: object | undefined = { big: new Array(1000).fill('x') };
    const ref = new WeakRef(target);
    target = undefined;
    // A WeakRef target stays alive until the end of the current job.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(ref.deref()).toBeUndefined();
  });
});
