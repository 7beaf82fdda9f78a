import { AnswerCache } from './AnswerCache';

function setup(ttlMs = 15_000) {
  let now = Date.parse('2026-11-24T08:00:00Z');
  const failures: string[] = [];
  const cache = new AnswerCache({
    ttlMs,
    now: () => now,
    onFailure: (key, e) => failures.push(`${key}: ${e.message}`),
  });
  return { cache, failures, advance: (ms: number) => (now += ms) };
}

describe('AnswerCache', () => {
  it('reuses an answer for the TTL, then asks again', async () => {
    const { cache, advance } = setup();
    const load = jest
      .fn()
      .mockResolvedValueOnce('first')
      .mockResolvedValueOnce('second');
    expect(await cache.get('k', load)).toEqual({
      data: 'first',
      fetchedAt: '2026-11-24T08:00:00.000Z',
      stale: false,
    });
    advance(14_999);
    expect((await cache.get('k', load)).data).toBe('first');
    advance(1);
    expect(await cache.get('k', load)).toEqual({
      data: 'second',
      fetchedAt: '2026-11-24T08:00:15.000Z',
      stale: false,
    });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps keys apart', async () => {
    const { cache } = setup();
    expect((await cache.get('a', async () => 1)).data).toBe(1);
    expect((await cache.get('b', async () => 2)).data).toBe(2);
  });

  it('shares one load among callers that ask at once', async () => {
    const { cache } = setup();
    let resolve!: (v: string) => void;
    const load = jest.fn(() => new Promise<string>(r => (resolve = r)));
    const both = Promise.all([cache.get('k', load), cache.get('k', load)]);
    resolve('shared');
    expect((await both).map(a => a.data)).toEqual(['shared', 'shared']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('hands out the last good answer marked stale, with its time and the error', async () => {
    const { cache, advance, failures } = setup();
    await cache.get('k', async () => 'good');
    advance(60_000);
    const answer = await cache.get('k', async () => {
      throw new Error('Prometheus did not answer within 5000 ms');
    });
    expect(answer).toEqual({
      data: 'good',
      fetchedAt: '2026-11-24T08:00:00.000Z',
      stale: true,
      error: 'Prometheus did not answer within 5000 ms',
    });
    expect(failures).toEqual(['k: Prometheus did not answer within 5000 ms']);
  });

  it('rethrows when there is no good answer to fall back on', async () => {
    const { cache } = setup();
    await expect(
      cache.get('k', async () => {
        throw new Error('down');
      }),
    ).rejects.toThrow('down');
  });

  it('remembers a failure for the TTL instead of asking again, then recovers', async () => {
    const { cache, advance } = setup();
    await cache.get('k', async () => 'good');
    advance(15_000);
    const failing = jest.fn().mockRejectedValue(new Error('down'));
    expect((await cache.get('k', failing)).stale).toBe(true);
    advance(10_000);
    expect(await cache.get('k', failing)).toMatchObject({
      data: 'good',
      stale: true,
      error: 'down',
    });
    expect(failing).toHaveBeenCalledTimes(1);
    advance(5_000);
    expect(await cache.get('k', async () => 'again')).toMatchObject({
      data: 'again',
      stale: false,
    });
    expect((await cache.get('k', failing)).data).toBe('again');
  });

  it('asks every time with a TTL of zero', async () => {
    const { cache } = setup(0);
    const load = jest.fn().mockResolvedValue('x');
    await cache.get('k', load);
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
