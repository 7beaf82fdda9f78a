import { mockServices } from '@backstage/backend-test-utils';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { AuthResolverContext } from '@backstage/plugin-auth-node';
import {
  createSignInFromDirectory,
  noVerifiedEmailMessage,
  notInDirectoryMessage,
  sharedEmailMessage,
} from './signInFromDirectory';

describe('createSignInFromDirectory', () => {
  const signInWithCatalogUser = jest.fn();
  const ctx = { signInWithCatalogUser } as unknown as AuthResolverContext;
  const resolve = createSignInFromDirectory({
    logger: mockServices.logger.mock(),
  });
  const as = (email?: string) => ({ profile: { email }, result: {} });

  beforeEach(() => signInWithCatalogUser.mockReset());

  it('looks the person up by the email on their User', async () => {
    signInWithCatalogUser.mockResolvedValue({ token: 'token' });
    await expect(resolve(as('ada@example.com'), ctx)).resolves.toEqual({
      token: 'token',
    });
    expect(signInWithCatalogUser).toHaveBeenCalledWith({
      filter: { 'spec.profile.email': 'ada@example.com' },
    });
  });

  it('refuses someone with no User, saying whom to ask', async () => {
    signInWithCatalogUser.mockRejectedValue(
      new NotFoundError('User not found'),
    );
    const refusal = resolve(as('eve@example.com'), ctx);
    await expect(refusal).rejects.toThrow(NotAllowedError);
    await expect(refusal).rejects.toThrow(
      notInDirectoryMessage('eve@example.com'),
    );
  });

  it('refuses without a verified email, before asking the catalog', async () => {
    await expect(resolve(as(undefined), ctx)).rejects.toThrow(
      new NotAllowedError(noVerifiedEmailMessage),
    );
    expect(signInWithCatalogUser).not.toHaveBeenCalled();
  });

  it('refuses an email two Users share rather than pick one', async () => {
    signInWithCatalogUser.mockRejectedValue(
      new ConflictError('User lookup resulted in multiple matches'),
    );
    const refusal = resolve(as('team@example.com'), ctx);
    await expect(refusal).rejects.toThrow(ConflictError);
    await expect(refusal).rejects.toThrow(
      sharedEmailMessage('team@example.com'),
    );
  });

  it('passes other failures on as they are', async () => {
    const down = new ServiceUnavailableError('catalog is down');
    signInWithCatalogUser.mockRejectedValue(down);
    await expect(resolve(as('ada@example.com'), ctx)).rejects.toBe(down);
  });
});
