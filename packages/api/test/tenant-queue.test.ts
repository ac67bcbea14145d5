/** The in-process queue of one tenant's imports: first in, first out; a failure does not stop it; other tenants do not wait. */
import { describe, expect, it } from 'vitest';
import { oneImportAtATime } from '../src/imports/tenant-queue.ts';

describe('oneImportAtATime', () => {
  it('runs one tenant in call order, past a failure, while another tenant runs meanwhile', async () => {
    const database = {};
    const events: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = oneImportAtATime(database, 'a', async () => {
      events.push('a1 start');
      await gate;
      events.push('a1 end');
    });
    const second = oneImportAtATime(database, 'a', async () => {
      events.push('a2');
      throw new Error('bad rows');
    });
    const third = oneImportAtATime(database, 'a', async () => {
      events.push('a3');
      return 3;
    });
    await oneImportAtATime(database, 'b', async () => {
      events.push('b');
    });
    expect(events).toEqual(['a1 start', 'b']);
    release();
    await first;
    await expect(second).rejects.toThrow('bad rows');
    expect(await third).toBe(3);
    expect(events).toEqual(['a1 start', 'b', 'a1 end', 'a2', 'a3']);
  });
});
