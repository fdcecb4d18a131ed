import { describe, expect, it } from 'vitest';
import { keyedCache } from '#adapters/keyed-cache.js';

describe('keyedCache', () => {
  it('loads each key once, however many callers ask at the same time', async () => {
    const loads: string[] = [];
    const lookup = keyedCache(async (key: string) => {
      loads.push(key);
      return key.toUpperCase();
    });

    const answers = await Promise.all([lookup('a'), lookup('a'), lookup('b'), lookup('a')]);

    expect(answers).toEqual(['A', 'A', 'B', 'A']);
    expect(loads).toEqual(['a', 'b']);
  });

  it('forgets a failure, so the next caller tries again', async () => {
    let attempts = 0;
    const lookup = keyedCache(async (key: string) => {
      attempts += 1;
      if (attempts === 1) throw new Error('socket hang up');
      return key;
    });

    await expect(lookup('a')).rejects.toThrow('socket hang up');
    await expect(lookup('a')).resolves.toBe('a');
    await expect(lookup('a')).resolves.toBe('a');
    expect(attempts).toBe(2);
  });
});

describe('keyedCache with a lifetime', () => {
  it('looks an answer up again once it is older than its lifetime, not before', async () => {
    let clock = 0;
    let version = 0;
    const lookup = keyedCache(
      async (key: string) => {
        version += 1;
        return `${key}${version}`;
      },
      undefined,
      { maxAgeMs: 300_000, now: () => clock },
    );

    const first = await lookup('a');
    clock = 299_999;
    const stillFresh = await lookup('a');
    clock = 300_000;
    const renewed = await lookup('a');

    expect([first, stillFresh, renewed]).toEqual(['a1', 'a1', 'a2']);
  });
});
