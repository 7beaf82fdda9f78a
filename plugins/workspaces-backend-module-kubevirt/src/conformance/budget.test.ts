import { ServiceUnavailableError } from '@backstage/errors';
import { Budget, waitFor } from './budget';

describe('waitFor', () => {
  it('polls until the probe has a value, through an unreachable cluster', async () => {
    let calls = 0;
    await expect(
      waitFor(
        'three looks',
        async () => {
          calls++;
          if (calls === 1) throw new ServiceUnavailableError('blip');
          return calls === 3 ? 'done' : undefined;
        },
        { timeoutMs: 1000, intervalMs: 1 },
      ),
    ).resolves.toBe('done');
    expect(calls).toBe(3);
  });

  it('names what it waited for and what it saw last', async () => {
    await expect(
      waitFor(
        "desktop 'd' to be Running",
        async note => {
          note('Starting: no node has room');
          return undefined;
        },
        { timeoutMs: 20, intervalMs: 5 },
      ),
    ).rejects.toThrow(
      /^Waited \d+ s for desktop 'd' to be Running; last seen: Starting: no node has room$/,
    );
  });

  it('ends at once on a refusal', async () => {
    await expect(
      waitFor(
        'x',
        async () => {
          throw new Error('Forbidden');
        },
        { timeoutMs: 10_000 },
      ),
    ).rejects.toThrow('Forbidden');
  });
});

describe('Budget', () => {
  it('never grants past its deadline', () => {
    const budget = new Budget(1000, Date.now() - 400);
    expect(budget.upTo(100)).toBe(100);
    expect(budget.upTo(5000)).toBeLessThanOrEqual(600);
  });
});
