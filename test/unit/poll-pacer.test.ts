import { describe, expect, it } from 'vitest';
import {
  FAILING_POLL_MAX_MS,
  FOLLOW_UP_MS,
  IDLE_POLL_MAX_MS,
  PollPacer,
  SERVER_IDLE_POLL_MAX_MS,
  type PollHint,
} from '../../electron/core/monitor/poll-pacer.ts';

const POLL = 100;

/** A folder watch whose events the test sends, and whose verdicts it records. */
class FakeHint implements PollHint {
  trusted = true;
  readonly verdicts: boolean[] = [];
  private pending = false;

  event(): void {
    this.pending = true;
  }

  take(): boolean {
    const pending = this.pending;
    this.pending = false;
    return pending;
  }

  changeSeen(hinted: boolean): void {
    this.verdicts.push(hinted);
    if (!hinted) this.trusted = false;
  }
}

function setup(hint: FakeHint | null = new FakeHint(), unhintedMax = POLL) {
  let now = 0;
  const pacer = new PollPacer(POLL, hint, () => now, unhintedMax);
  /** One cycle: `found` a commit or not, then the delay it asks for; time moves by that delay. */
  const cycle = (found = false, work = false): number => {
    pacer.begin();
    if (found) pacer.changed();
    if (work) pacer.worked();
    const delay = pacer.next(false, false, 0);
    now += delay;
    return delay;
  };
  const idleCycles = (count: number) => Array.from({ length: count }, () => cycle());
  return { pacer, hint, cycle, idleCycles };
}

describe('PollPacer', () => {
  it('checks at --poll while anything moves, then spaces out to 2 s while the watch is trusted', () => {
    const { cycle, idleCycles } = setup();
    expect(cycle(false, true)).toBe(POLL);
    expect(idleCycles(7)).toEqual([200, 400, 800, 1_600, 2_000, 2_000, 2_000]);
    expect(cycle(true)).toBe(POLL);
    expect(IDLE_POLL_MAX_MS).toBe(2_000);
  });

  it('stays at --poll without a folder watch, or with one it does not trust', () => {
    const { idleCycles } = setup(null);
    expect(idleCycles(5)).toEqual([POLL, POLL, POLL, POLL, POLL]);
    const untrusted = new FakeHint();
    untrusted.trusted = false;
    expect(setup(untrusted).idleCycles(5)).toEqual([POLL, POLL, POLL, POLL, POLL]);
  });

  it("spaces a server's idle polls out to a quarter second, but not for 2 s after a commit", () => {
    const { cycle, idleCycles } = setup(null, SERVER_IDLE_POLL_MAX_MS);
    expect(idleCycles(4)).toEqual([200, 250, 250, 250]);
    expect(cycle(true)).toBe(POLL);
    // Polls stay at --poll while the burst may go on, then space out again.
    expect(idleCycles(21)).toEqual([...Array<number>(19).fill(POLL), 200, 250]);
  });

  it('follows an event whose check finds no commit yet with checks milliseconds apart', () => {
    const { hint, cycle, idleCycles } = setup();
    idleCycles(6);
    hint?.event();
    // the writer's first write to the WAL: its commit lands a moment later, with no new event
    expect(cycle()).toBe(FOLLOW_UP_MS);
    expect(cycle()).toBe(2 * FOLLOW_UP_MS);
    expect(cycle(true)).toBe(POLL);
    // found within the follow-ups, the commit counts as announced by the event
    expect(hint?.verdicts).toEqual([true]);
    expect(hint?.trusted).toBe(true);
  });

  it('stops following up once --poll has passed, and spaces out again from where it was', () => {
    const { hint, cycle, idleCycles } = setup();
    idleCycles(6);
    hint?.event();
    const followUps = [cycle(), cycle(), cycle(), cycle(), cycle()];
    expect(followUps).toEqual([5, 10, 20, 40, 80]);
    expect(cycle()).toBe(IDLE_POLL_MAX_MS);
  });

  it('keeps the trust when a spaced-out check finds a commit before its event is read', () => {
    const { hint, cycle, idleCycles } = setup();
    idleCycles(6);
    // the poll's timer ran before the event was read: the commit looks unannounced
    expect(cycle(true)).toBe(POLL);
    expect(hint?.verdicts).toEqual([]);
    hint?.event();
    cycle();
    expect(hint?.verdicts).toEqual([true]);
    expect(idleCycles(6).at(-1)).toBe(IDLE_POLL_MAX_MS);
  });

  it('withdraws the trust when no event follows a commit found by a spaced-out check', () => {
    const { hint, cycle, idleCycles } = setup();
    idleCycles(6);
    cycle(true);
    cycle();
    expect(hint?.verdicts).toEqual([false]);
    expect(idleCycles(4)).toEqual([POLL, POLL, POLL, POLL]);
  });

  it('takes no verdict from a commit found at --poll without an event', () => {
    const { hint, cycle } = setup();
    cycle(false, true);
    cycle(true);
    cycle();
    expect(hint?.verdicts).toEqual([]);
  });

  it('retries an unreadable database at least every second, and backs off after errors', () => {
    const { pacer } = setup();
    const failing = Array.from({ length: 6 }, () => {
      pacer.begin();
      return pacer.next(false, true, 0);
    });
    expect(failing).toEqual([200, 400, 800, FAILING_POLL_MAX_MS, FAILING_POLL_MAX_MS, 1_000]);
    expect(pacer.next(false, false, 3)).toBe(POLL * 8);
    expect(pacer.next(false, false, 20)).toBe(30_000);
    expect(pacer.next(true, false, 0)).toBe(0);
  });
});
