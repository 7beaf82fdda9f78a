import type { AddressInfo } from 'net';
import { TestDatabases } from '@backstage/backend-test-utils';
import { WorkspacesClient } from '@desktop-mania/plugin-workspaces-common';
import {
  FakeProvider,
  FakeProviderWithFiles,
} from '@desktop-mania/plugin-workspaces-node/testUtils';
import request from 'supertest';
import { authAs, orderDesktops } from './__testUtils__/routeTests';
import { startWorkspacesTestBackend } from './__testUtils__/testBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

describe.each(databases.eachSupportedId())(
  'file transfer on %s',
  databaseId => {
    let provider: FakeProviderWithFiles;
    let bare: FakeProvider;
    let server: Awaited<ReturnType<typeof startWorkspacesTestBackend>>;
    const api = () => request(server.server);
    const as = authAs;
    const content = '/api/workspaces/workspaces/alice-desk/files/content';

    beforeEach(async () => {
      const knex = await databases.init(databaseId);
      provider = new FakeProviderWithFiles();
      // A second cluster whose provider has no channel to its desktops.
      bare = new FakeProvider('vms');
      server = await startWorkspacesTestBackend({
        knex,
        providers: [provider, bare],
      });
      await orderDesktops(api, ALICE, [
        ['alice-desk', 'test'],
        ['alice-vm', 'vms'],
      ]);
      await api()
        .post('/api/workspaces/workspaces/alice-desk/start')
        .set(as(ALICE))
        .expect(200);
    });

    afterEach(async () => {
      await server.stop();
    });

    it('lets the owner upload, list and download, and audits each transfer', async () => {
      const upload = await api()
        .put(`${content}?path=Uploads/notes.txt`)
        .set(as(ALICE))
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from('hello desktop'))
        .expect(201);
      expect(upload.body).toMatchObject({ name: 'notes.txt', size: 13 });

      const home = await api()
        .get('/api/workspaces/workspaces/alice-desk/files')
        .set(as(ALICE))
        .expect(200);
      expect(home.body).toEqual({
        path: '',
        entries: [
          expect.objectContaining({ name: 'Uploads', type: 'directory' }),
        ],
      });

      const file = await api()
        .get(`${content}?path=Uploads/notes.txt`)
        .set(as(ALICE))
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(file.body.toString()).toBe('hello desktop');
      expect(file.headers['content-type']).toBe('application/octet-stream');
      expect(file.headers['content-disposition']).toContain(
        "filename*=UTF-8''notes.txt",
      );

      const audit = await api()
        .get('/api/workspaces/workspaces/alice-desk/audit')
        .set(as(ALICE))
        .expect(200);
      expect(audit.body).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            action: 'upload',
            outcome: 'succeeded',
            actor: ALICE,
            message: 'Uploads/notes.txt (13 B)',
          }),
          expect.objectContaining({
            action: 'download',
            outcome: 'succeeded',
            message: 'Uploads/notes.txt (13 B)',
          }),
        ]),
      );
    });

    it('works through the client, as the Files tab calls it', async () => {
      const { port } = server.server.address() as AddressInfo;
      const client = new WorkspacesClient({
        discoveryApi: {
          getBaseUrl: async () => `http://localhost:${port}/api/workspaces`,
        },
        fetchApi: {
          fetch: (url, init) =>
            fetch(url, {
              ...init,
              headers: { ...(init?.headers as object), ...as(ALICE) },
            }),
        },
      });
      await client.uploadFile('alice-desk', 'a b.txt', new Blob(['ünï']));
      const folder = await client.listFiles('alice-desk', '');
      expect(folder.entries.map(e => e.name)).toEqual(['a b.txt']);
      const blob = await client.downloadFile('alice-desk', 'a b.txt');
      expect(await blob.text()).toBe('ünï');
      await expect(
        client.listFiles('alice-desk', '../etc'),
      ).rejects.toMatchObject({
        response: { status: 400 },
        body: { error: { message: expect.stringMatching(/'\.\.'/) } },
      });
    });

    it('hides the desktop from others and refuses the unauthenticated', async () => {
      await api()
        .get('/api/workspaces/workspaces/alice-desk/files')
        .set(as(BOB))
        .expect(404);
      await api()
        .put(`${content}?path=x.txt`)
        .set(as(BOB))
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from('x'))
        .expect(404);
      await api().get(`${content}?path=x.txt`).set(as()).expect(401);
      expect(provider.homes.size).toBe(0);
    });

    it.each([
      ['../secret', /'\.\.'/],
      ['/etc/passwd', /absolute/],
      ['a//b', /empty/],
      ['a\u0000b', /control character/],
    ])('refuses the path %j in one line', async (path, message) => {
      const res = await api()
        .get(`${content}?path=${encodeURIComponent(path)}`)
        .set(as(ALICE))
        .expect(400);
      expect(res.body.error.message).toMatch(message);
      expect(res.body.error.message).not.toContain('\n');
    });

    it('says so when the provider offers no file transfer', async () => {
      const res = await api()
        .get('/api/workspaces/workspaces/alice-vm/files')
        .set(as(ALICE))
        .expect(501);
      expect(res.body.error.message).toBe(
        "The desktop 'alice-vm' runs on cluster 'vms', whose provider offers no file transfer",
      );
    });

    it('asks to start a stopped desktop', async () => {
      await api()
        .post('/api/workspaces/workspaces/alice-desk/stop')
        .set(as(ALICE))
        .expect(200);
      const res = await api()
        .put(`${content}?path=x.txt`)
        .set(as(ALICE))
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from('x'))
        .expect(409);
      expect(res.body.error.message).toMatch(
        /start the desktop to transfer files/,
      );
      const audit = await api()
        .get('/api/workspaces/workspaces/alice-desk/audit')
        .set(as(ALICE));
      expect(audit.body).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ action: 'upload', outcome: 'failed' }),
        ]),
      );
    });

    it('refuses an upload sent as JSON', async () => {
      const res = await api()
        .put(`${content}?path=x.json`)
        .set(as(ALICE))
        .send({ a: 1 })
        .expect(400);
      expect(res.body.error.message).toMatch(/raw bytes/);
      expect(provider.homes.get('alice-desk')).toBeUndefined();
    });
  },
);
