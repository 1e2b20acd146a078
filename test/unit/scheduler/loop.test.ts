import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { type CronPort, runScheduleLoop, type ScheduleEvent } from '../../../src/core/scheduler/loop.js';
import type { PassReport } from '../../../src/core/scheduler/pass.js';
import { FakeClock } from '../../support/fake-clock.js';

/** A cron that fires when the test says so. */
class FakeCron implements CronPort {
  fire?: () => void;
  stopped = false;
  expression?: string;
  start(expression: string, fire: () => void) {
    this.expression = expression;
    this.fire = fire;
    return {
      stop: () => {
        this.stopped = true;
      },
      nextRun: () => new Date('2026-06-01T01:17:00Z'),
    };
  }
}

const report = (exitCode = 0): PassReport => ({
  startedAt: new Date('2026-06-01T00:17:00Z'),
  finishedAt: new Date('2026-06-01T00:17:02Z'),
  dryRun: false,
  recoveries: [],
  scopes: [],
  exitCode,
});

/** A pass the test finishes by hand. */
function manualPasses() {
  const pending: ((r: PassReport | Error) => void)[] = [];
  let started = 0;
  const pass = () =>
    new Promise<PassReport>((resolve, reject) => {
      started++;
      pending.push((r) => (r instanceof Error ? reject(r) : resolve(r)));
    });
  return { pass, finish: (r: PassReport | Error = report()) => pending.shift()!(r), started: () => started };
}

const tick = () => new Promise((r) => setImmediate(r));

function start(opts: { runOnStart?: boolean } = {}) {
  const cron = new FakeCron();
  const passes = manualPasses();
  const events: ScheduleEvent[] = [];
  const controller = new AbortController();
  const done = runScheduleLoop({
    cron,
    expression: '17 * * * *',
    runOnStart: opts.runOnStart ?? true,
    signal: controller.signal,
    clock: new FakeClock('2026-06-01T00:17:00Z'),
    pass: passes.pass,
    onEvent: (e) => void events.push(e),
  });
  return { cron, passes, events, controller, done, kinds: () => events.map((e) => e.kind) };
}

describe('runScheduleLoop', () => {
  it('runs a pass at start, then one per firing', async () => {
    const s = start();
    expect(s.cron.expression).toBe('17 * * * *');
    expect(s.passes.started()).toBe(1);
    s.passes.finish();
    await tick();
    s.cron.fire!();
    expect(s.passes.started()).toBe(2);
    s.passes.finish();
    await tick();
    s.controller.abort();
    expect(await s.done).toEqual({ passes: 2, exitCode: 0 });
    expect(s.kinds()).toEqual(['started', 'pass', 'pass', 'stopping', 'stopped']);
    expect(s.cron.stopped).toBe(true);
  });

  it('--no-run-on-start waits for the first firing', async () => {
    const s = start({ runOnStart: false });
    expect(s.passes.started()).toBe(0);
    s.controller.abort();
    expect(await s.done).toEqual({ passes: 0, exitCode: 0 });
  });

  it('never overlaps: a firing during a pass is skipped and logged', async () => {
    const s = start();
    s.cron.fire!();
    s.cron.fire!();
    expect(s.passes.started()).toBe(1);
    expect(s.events.filter((e) => e.kind === 'overlap')).toEqual([
      expect.objectContaining({ running: 1 }),
      expect.objectContaining({ running: 1 }),
    ]);
    s.passes.finish();
    await tick();
    s.cron.fire!();
    expect(s.passes.started()).toBe(2);
    s.passes.finish();
    s.controller.abort();
    await s.done;
  });

  it('on stop, waits for the pass in progress and fires no more', async () => {
    const s = start();
    s.controller.abort();
    await tick();
    expect(s.kinds()).toEqual(['started', 'stopping']);
    expect(s.events[1]).toMatchObject({ waiting: true });
    s.cron.fire!(); // a late firing after stop does nothing
    expect(s.passes.started()).toBe(1);
    s.passes.finish(report(130));
    expect(await s.done).toEqual({ passes: 1, exitCode: 0 });
    expect(s.kinds()).toEqual(['started', 'stopping', 'pass', 'stopped']);
  });

  it('a stop that leaves a rotation half done exits 5 (eskeys recover)', async () => {
    const s = start();
    s.controller.abort();
    s.passes.finish(report(5));
    expect(await s.done).toEqual({ passes: 1, exitCode: 5 });
  });

  it('earlier failed passes do not make a clean stop fail', async () => {
    const s = start();
    s.passes.finish(report(3));
    await tick();
    s.controller.abort();
    expect(await s.done).toEqual({ passes: 1, exitCode: 0 });
  });

  it('a pass that cannot run at all is logged with its exit code; the scheduler keeps going', async () => {
    const s = start();
    s.passes.finish(new ConfigError('eskeys.config.json: /environments/prod: unknown field'));
    await tick();
    expect(s.events[1]).toMatchObject({
      kind: 'pass_failed',
      n: 1,
      exitCode: 2,
      error: expect.stringMatching(/unknown field/),
    });
    s.cron.fire!();
    expect(s.passes.started()).toBe(2);
    s.passes.finish();
    s.controller.abort();
    await s.done;
  });
});
