import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import {
  BASE,
  clusterHealthServer,
  FETCHED_AT,
  renderWithClient,
} from '../../__testUtils__/fixtures';
import { WarmPoolCard } from './WarmPoolCard';
import type { WarmPoolAnswer } from './warmPool';

const answer = (pools: WarmPoolAnswer['pools']): WarmPoolAnswer => ({
  pools,
  fetchedAt: FETCHED_AT,
  stale: false,
});

describe('WarmPoolCard', () => {
  const server = clusterHealthServer();

  it('shows each pool with its ready members, claims and misses', async () => {
    server.use(
      http.get(`${BASE}/clusters/rke2-prod/warm-pool`, () =>
        HttpResponse.json(
          answer([
            {
              image: 'windows-11',
              size: 'large',
              ready: 1,
              preparing: 2,
              target: 3,
              claimsLastHour: 7,
              missesLastHour: 2,
            },
          ]),
        ),
      ),
    );
    await renderWithClient(<WarmPoolCard cluster="rke2-prod" refreshKey={0} />);
    const card = await screen.findByTestId('cluster-warm-pool');
    expect(await within(card).findByText('windows-11')).toBeInTheDocument();
    expect(within(card).getByText('1 of 3')).toBeInTheDocument();
    expect(within(card).getByText('7')).toBeInTheDocument();
    // Misses are a warning: orders waited for a clone.
    expect(within(card).getAllByText('2')).toHaveLength(2);
  });

  it('says when no pool reports for the cluster', async () => {
    server.use(
      http.get(`${BASE}/clusters/lab/warm-pool`, () =>
        HttpResponse.json(answer([])),
      ),
    );
    await renderWithClient(<WarmPoolCard cluster="lab" refreshKey={0} />);
    expect(
      await screen.findByText(/No warm pool reports for this cluster/),
    ).toBeInTheDocument();
  });

  it('says when the backend could not answer', async () => {
    server.use(
      http.get(`${BASE}/clusters/rke2-prod/warm-pool`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'Cluster health is for platform owners',
            },
          },
          { status: 403 },
        ),
      ),
    );
    await renderWithClient(<WarmPoolCard cluster="rke2-prod" refreshKey={0} />);
    expect(
      await screen.findByText(/Could not read the warm pool/),
    ).toBeInTheDocument();
  });
});
