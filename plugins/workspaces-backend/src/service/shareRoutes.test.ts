import { FakeProvider } from '@desktop-mania/plugin-workspaces-node/testUtils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import request from 'supertest';
import { authAs, orderDesktops } from '../__testUtils__/routeTests';
import { startWorkspacesTestBackend } from '../__testUtils__/testBackend';

jest.setTimeout(60_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const CAROL = 'user:default/carol'; // in group:default/team-a
const ADMIN = 'user:default/admin';

const inHours = (h: number) =>
  new Date(Date.now() + h * 3600_000).toISOString();

describe('sharing routes', () => {
  let server: Awaited<ReturnType<typeof startWorkspacesTestBackend>>;
  const api = () => request(server.server);
  const base = '/api/workspaces/workspaces/alice-desk';
  const share = (
    grantee: string,
    body: object,
    user = ALICE,
    name = 'alice-desk',
  ) =>
    api()
      .put(
        `/api/workspaces/workspaces/${name}/shares/${encodeURIComponent(
          grantee,
        )}`,
      )
      .set(authAs(user))
      .send(body);

  let sent: NotificationSendOptions[];

  beforeEach(async () => {
    sent = [];
    server = await startWorkspacesTestBackend({
      providers: [new FakeProvider()],
      notifications: {
        send: async notification => {
          sent.push(notification);
        },
      },
    });
    await orderDesktops(api, ALICE, [['alice-desk', 'test']]);
  });

  afterEach(async () => {
    await server.stop();
  });

  it('shares a desktop view-only: the grantee reads and lists it, marked view', async () => {
    const expiresAt = inHours(2);
    const put = await share(BOB, { mode: 'view', expiresAt }).expect(200);
    expect(put.body).toMatchObject({
      workspace: 'alice-desk',
      grantee: BOB,
      mode: 'view',
      expiresAt: new Date(expiresAt).toISOString(),
      grantedBy: ALICE,
    });
    const list = await api()
      .get(`${base}/shares`)
      .set(authAs(ALICE))
      .expect(200);
    expect(list.body.items.map((s: any) => [s.grantee, s.mode])).toEqual([
      [BOB, 'view'],
    ]);

    const seen = await api().get(base).set(authAs(BOB)).expect(200);
    expect(seen.body.access).toBe('view');
    expect(
      (await api().get(base).set(authAs(ALICE)).expect(200)).body.access,
    ).toBe('manage');
    const listed = await api()
      .get('/api/workspaces/workspaces')
      .set(authAs(BOB))
      .expect(200);
    expect(listed.body.map((w: any) => [w.name, w.access])).toEqual([
      ['alice-desk', 'view'],
    ]);
    const mine = await api()
      .get('/api/workspaces/shared-with-me')
      .set(authAs(BOB))
      .expect(200);
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).toMatchObject({
      name: 'alice-desk',
      owner: ALICE,
      access: 'view',
      share: { mode: 'view', grantedBy: ALICE },
    });
    // Nothing is shared with carol.
    expect(
      (
        await api()
          .get('/api/workspaces/shared-with-me')
          .set(authAs(CAROL))
          .expect(200)
      ).body.items,
    ).toEqual([]);
  });

  it('tells the grantee what the share lets them do, and until when', async () => {
    await share(BOB, {
      mode: 'view',
      expiresAt: '2099-01-01T10:00:00Z',
    }).expect(400); // more than 30 days ahead: refused, and nobody is told
    expect(sent).toEqual([]);
    const expiresAt = inHours(3);
    await share('group:default/team-a', { mode: 'control', expiresAt }).expect(
      200,
    );
    expect(sent).toHaveLength(1);
    expect(sent[0].recipients).toEqual({
      type: 'entity',
      entityRef: 'group:default/team-a',
    });
    expect(sent[0].payload).toMatchObject({
      title: 'Desktop alice-desk was shared with you',
      link: '/catalog/default/workspace/alice-desk',
    });
    expect(sent[0].payload.description).toContain(
      `${ALICE} lets you use it (keyboard and mouse) until`,
    );
  });

  it("gives a group's members control, and never the desktop's management", async () => {
    await share('group:default/team-a', {
      mode: 'control',
      expiresAt: inHours(1),
    }).expect(200);
    expect(
      (await api().get(base).set(authAs(CAROL)).expect(200)).body.access,
    ).toBe('control');
    // A grantee may read it but not manage its shares or its life: 403.
    await api().get(`${base}/shares`).set(authAs(CAROL)).expect(403);
    const refused = await share(
      BOB,
      { mode: 'view', expiresAt: inHours(1) },
      CAROL,
    ).expect(403);
    expect(refused.body.error.message).toBe(
      "Only those who manage the desktop 'alice-desk' may share it",
    );
    await api()
      .delete(`${base}/shares/${encodeURIComponent('group:default/team-a')}`)
      .set(authAs(CAROL))
      .expect(403);
    await api().post(`${base}/stop`).set(authAs(CAROL)).expect(403);
    await api().delete(base).set(authAs(CAROL)).expect(403);
  });

  it('answers 404 to those who cannot read the desktop', async () => {
    const res = await api().get(`${base}/shares`).set(authAs(BOB)).expect(404);
    expect(res.body.error.message).toBe("No desktop named 'alice-desk'");
    await share(CAROL, { mode: 'view', expiresAt: inHours(1) }, BOB).expect(
      404,
    );
    await api()
      .delete(`${base}/shares/${encodeURIComponent(CAROL)}`)
      .set(authAs(BOB))
      .expect(404);
    await api().get(`${base}/shares`).set(authAs()).expect(401);
  });

  it('refuses bad grantees and bodies with one-line 400s', async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      [BOB, { mode: 'edit', expiresAt: inHours(1) }, /^mode: /],
      [BOB, { mode: 'view', expiresAt: inHours(24 * 31) }, /at most 30 days/],
      [BOB, { mode: 'view', expiresAt: inHours(-1) }, /in the future/],
      [BOB, ['view'], /JSON object/],
      ['bob', { mode: 'view', expiresAt: inHours(1) }, /^grantee: /],
      ['component:default/x', { mode: 'view' }, /^grantee: /],
      [ALICE, { mode: 'view', expiresAt: inHours(1) }, /owns this desktop/],
    ];
    for (const [grantee, body, message] of cases) {
      const res = await share(grantee, body as object).expect(400);
      expect(res.body.error.message).toMatch(message);
      expect(res.body.error.message).not.toContain('\n');
      expect(res.body.error.stack).toBeUndefined();
    }
  });

  it('revokes a share at once and audits sharing and revoking', async () => {
    await share(BOB, { mode: 'view', expiresAt: inHours(1) }).expect(200);
    await share(BOB, { mode: 'control', expiresAt: inHours(3) }).expect(200);
    expect(
      (await api().get(base).set(authAs(BOB)).expect(200)).body.access,
    ).toBe('control');
    await api()
      .delete(`${base}/shares/${encodeURIComponent(BOB)}`)
      .set(authAs(ALICE))
      .expect(204);
    await api().get(base).set(authAs(BOB)).expect(404);
    const audit = await api()
      .get(`${base}/audit`)
      .set(authAs(ALICE))
      .expect(200);
    const lines = audit.body
      .filter((e: any) => e.action === 'share' || e.action === 'unshare')
      .map((e: any) => [e.action, e.actor, e.message]);
    expect(lines).toEqual([
      ['unshare', ALICE, `${BOB} no longer has access; 0 open consoles closed`],
      [
        'share',
        ALICE,
        expect.stringMatching(
          new RegExp(`^${BOB} may control it until .* \\(was view\\)$`),
        ),
      ],
      [
        'share',
        ALICE,
        expect.stringMatching(new RegExp(`^${BOB} may watch it until `)),
      ],
    ]);
    // An admin manages any desktop's shares.
    await share(BOB, { mode: 'view', expiresAt: inHours(1) }, ADMIN).expect(
      200,
    );
  });

  it('forgets a share once it ends', async () => {
    await share(BOB, {
      mode: 'view',
      expiresAt: new Date(Date.now() + 1500).toISOString(),
    }).expect(200);
    await api().get(base).set(authAs(BOB)).expect(200);
    await new Promise(r => setTimeout(r, 1600));
    await api().get(base).set(authAs(BOB)).expect(404);
    expect(
      (await api().get(`${base}/shares`).set(authAs(ALICE)).expect(200)).body
        .items,
    ).toEqual([]);
  });

  it("removes a desktop's shares with it, so a namesake is not shared", async () => {
    await share(BOB, { mode: 'view', expiresAt: inHours(1) }).expect(200);
    await api().delete(base).set(authAs(ALICE)).expect(204);
    await orderDesktops(api, ALICE, [['alice-desk', 'test']]);
    const res = await api().get(base).set(authAs(BOB)).expect(404);
    expect(res.body.error.name).toBe('NotFoundError');
  });
});
