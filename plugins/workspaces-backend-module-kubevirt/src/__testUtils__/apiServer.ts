import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { KubeVirtWorkspaceProvider } from '../KubeVirtWorkspaceProvider';
import { API, testCluster } from './fixtures';
import { statusPayload } from './payloads';

export const NS = `${API}/apis/kubevirt.io/v1/namespaces/workspaces`;
export const CDI = `${API}/apis/cdi.kubevirt.io/v1beta1/namespaces/workspaces`;
export const SECRETS = `${API}/api/v1/namespaces/workspaces/secrets`;
export const SUB = `${API}/apis/subresources.kubevirt.io/v1/namespaces/workspaces`;
export const VERSION = `${API}/apis/subresources.kubevirt.io/v1/version`;

/**
 * KubeVirt's version answer (kubevirt/kubevirt pkg/virt-api/api.go, the
 * `Info` of staging/src/kubevirt.io/client-go/version/types.go).
 */
export const versionPayload = (gitVersion: string) => ({
  gitVersion,
  gitCommit: 'a3f2c47b1d9e5b0c6f8e2d7a4b1c9e3f5d7a2b6c',
  gitTreeState: 'clean',
  buildDate: '2026-08-04T12:21:45Z',
  goVersion: 'go1.24.5',
  compiler: 'gc',
  platform: 'linux/amd64',
});

/**
 * msw answering as an API server with KubeVirt v1.7.0 installed; each test
 * adds the answers it needs. Requests to the API server that nobody
 * answers fail the test.
 */
export function useApiServer(options: { backendToo?: boolean } = {}) {
  const server = setupServer(
    http.get(VERSION, () => HttpResponse.json(versionPayload('v1.7.0'))),
  );
  if (!options.backendToo) {
    registerMswTestHooks(server);
    return server;
  }
  // A test that runs the workspaces backend calls it over loopback too:
  // only requests to the API server must be answered here.
  beforeAll(() =>
    server.listen({
      onUnhandledRequest: ({ url }, print) =>
        url.startsWith(API) ? print.error() : undefined,
    }),
  );
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

export interface Seen {
  method: string;
  url: string;
  auth: string | null;
  type: string | null;
  body?: any;
}

/** Records each request, then answers with `answer`. */
export function recorder() {
  const seen: Seen[] = [];
  const handle =
    (answer: (body: any) => Response | Promise<Response>) =>
    async ({ request }: { request: Request }) => {
      const text = await request.text();
      const body = text ? JSON.parse(text) : undefined;
      seen.push({
        method: request.method,
        url: request.url.replace(API, ''),
        auth: request.headers.get('authorization'),
        type: request.headers.get('content-type'),
        body,
      });
      return answer(body);
    };
  return { seen, handle };
}

/** Answers with a Status body, or with what `refusals` builds. */
export const kubeError = (
  code: number,
  reasonOrBody: string | object,
  message = '',
) =>
  HttpResponse.json(
    typeof reasonOrBody === 'string'
      ? statusPayload(code, reasonOrBody, message)
      : reasonOrBody,
    { status: code },
  );

/** The plain text of an API server's not-found handler. */
export const plainText = (code: number, text: string) =>
  new HttpResponse(text, {
    status: code,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });

export function providerFor(overrides: Parameters<typeof testCluster>[0] = {}) {
  const logger = mockServices.logger.mock();
  return {
    provider: new KubeVirtWorkspaceProvider([testCluster(overrides)], logger),
    logger,
  };
}
