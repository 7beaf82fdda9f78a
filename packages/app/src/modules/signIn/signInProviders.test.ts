import { ConfigReader } from '@backstage/config';
import { signInProviders } from './signInProviders';

const ids = (providers: object) =>
  signInProviders(new ConfigReader({ auth: { providers } })).map(p =>
    p === 'guest' ? p : p.id,
  );

describe('signInProviders', () => {
  it("offers only the organisation's sign-in where the backend has OIDC", () => {
    expect(ids({ oidc: { production: {} } })).toEqual(['oidc']);
  });

  it('offers the guest on the start command, where only the guest is configured', () => {
    expect(ids({ guest: {} })).toEqual(['guest']);
  });

  it('offers both where both are configured, the organisation first', () => {
    expect(ids({ guest: {}, oidc: {} })).toEqual(['oidc', 'guest']);
  });
});
