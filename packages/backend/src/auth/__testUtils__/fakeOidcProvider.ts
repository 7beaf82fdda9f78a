import crypto from 'crypto';
import http from 'http';
import type { AddressInfo } from 'net';

/** Who the identity provider says signed in. */
export interface FakePerson {
  sub: string;
  email: string;
  emailVerified?: boolean;
  name?: string;
}

/** How a provider meant to outlive one test process is started. */
export interface FakeOidcProviderOptions {
  /** A fixed port, so a portal's config can name the provider before it starts. */
  port?: number;
  /** A fixed secret for the same reason; random otherwise. */
  clientSecret?: string;
  /**
   * Serves `GET /authorize` as an identity provider that signs in whoever
   * this names (from the request's `login_hint`, if any) without asking, so a
   * real browser can complete the sign-in popup. Absent: no such endpoint,
   * and only {@link FakeOidcProvider.authorize} signs people in. Set, the
   * provider also issues refresh tokens, as a page that reloads needs them.
   */
  autoApprove?: (loginHint: string | undefined) => FakePerson | undefined;
}

export interface FakeOidcProvider {
  issuer: string;
  metadataUrl: string;
  clientId: string;
  clientSecret: string;
  /**
   * Plays the browser at the identity provider: takes the authorization URL
   * the portal redirected to, "signs in" `person`, and returns the portal
   * callback URL the browser would be sent back to.
   */
  authorize(authorizationUrl: string, person: FakePerson): string;
  stop(): Promise<void>;
}

const base64url = (data: Buffer | string) =>
  Buffer.from(data).toString('base64url');

/**
 * An OpenID Connect provider on localhost with the endpoints the portal's
 * OIDC client calls (discovery, JWKS, token, userinfo). It signs real RS256
 * ID tokens and checks the client secret and PKCE verifier, so the portal's
 * client verifies everything as it would against a real provider.
 */
export async function startFakeOidcProvider(
  options: FakeOidcProviderOptions = {},
): Promise<FakeOidcProvider> {
  const clientId = 'desktop-mania';
  const clientSecret =
    options.clientSecret ?? crypto.randomBytes(16).toString('hex');
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
  });
  const kid = 'test-key';
  const grants = new Map<
    string,
    { person: FakePerson; nonce?: string; challenge?: string }
  >();
  const accessTokens = new Map<string, FakePerson>();
  const refreshTokens = new Map<string, FakePerson>();
  let issuer = '';

  const signIdToken = (claims: Record<string, unknown>) => {
    const header = base64url(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' }));
    const payload = base64url(JSON.stringify(claims));
    const signature = crypto.sign(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      privateKey,
    );
    return `${header}.${payload}.${base64url(signature)}`;
  };

  /** The portal callback URL for `person`, as an identity provider answers. */
  const approve = (authorizationUrl: string, person: FakePerson) => {
    const request = new URL(authorizationUrl);
    if (request.origin + request.pathname !== `${issuer}/authorize`) {
      throw new Error(`Not this provider's authorize URL: ${authorizationUrl}`);
    }
    if (request.searchParams.get('client_id') !== clientId) {
      throw new Error(`Unknown client in ${authorizationUrl}`);
    }
    const code = crypto.randomBytes(16).toString('hex');
    grants.set(code, {
      person,
      nonce: request.searchParams.get('nonce') ?? undefined,
      challenge: request.searchParams.get('code_challenge') ?? undefined,
    });
    const callback = new URL(request.searchParams.get('redirect_uri')!);
    callback.searchParams.set('code', code);
    callback.searchParams.set('state', request.searchParams.get('state')!);
    return callback.toString();
  };

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const readBody = async (req: http.IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/.well-known/openid-configuration') {
      json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        userinfo_endpoint: `${issuer}/userinfo`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
      return;
    }
    if (url.pathname === '/authorize' && options.autoApprove) {
      const person = options.autoApprove(
        url.searchParams.get('login_hint') ?? undefined,
      );
      if (!person) {
        json(res, 403, { error: 'access_denied' });
        return;
      }
      try {
        res.writeHead(302, { Location: approve(url.toString(), person) });
        res.end();
      } catch (error) {
        json(res, 400, {
          error: 'invalid_request',
          error_description: String(error),
        });
      }
      return;
    }
    if (url.pathname === '/jwks') {
      json(res, 200, {
        keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256' }],
      });
      return;
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const expected = `Basic ${Buffer.from(
        `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`,
      ).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        json(res, 401, { error: 'invalid_client' });
        return;
      }
      const body = await readBody(req);
      const now = Math.floor(Date.now() / 1000);
      const tokens = (person: FakePerson, nonce?: string) => {
        const accessToken = crypto.randomBytes(16).toString('hex');
        accessTokens.set(accessToken, person);
        let refreshToken: string | undefined;
        if (options.autoApprove) {
          refreshToken = crypto.randomBytes(16).toString('hex');
          refreshTokens.set(refreshToken, person);
        }
        return {
          access_token: accessToken,
          token_type: 'Bearer',
          expires_in: 3600,
          scope: 'openid profile email',
          ...(refreshToken && { refresh_token: refreshToken }),
          id_token: signIdToken({
            iss: issuer,
            aud: clientId,
            sub: person.sub,
            iat: now,
            exp: now + 3600,
            ...(nonce && { nonce }),
          }),
        };
      };
      if (body.get('grant_type') === 'refresh_token') {
        const person = refreshTokens.get(body.get('refresh_token') ?? '');
        if (!person) {
          json(res, 400, { error: 'invalid_grant' });
          return;
        }
        json(res, 200, tokens(person));
        return;
      }
      const grant = grants.get(body.get('code') ?? '');
      const verifier = body.get('code_verifier') ?? '';
      const challenge = crypto
        .createHash('sha256')
        .update(verifier)
        .digest('base64url');
      if (!grant || (grant.challenge && grant.challenge !== challenge)) {
        json(res, 400, { error: 'invalid_grant' });
        return;
      }
      grants.delete(body.get('code')!);
      json(res, 200, tokens(grant.person, grant.nonce));
      return;
    }
    if (url.pathname === '/userinfo') {
      const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
      const person = accessTokens.get(token);
      if (!person) {
        json(res, 401, { error: 'invalid_token' });
        return;
      }
      json(res, 200, {
        sub: person.sub,
        email: person.email,
        email_verified: person.emailVerified ?? true,
        name: person.name,
      });
      return;
    }
    json(res, 404, { error: 'not_found' });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    metadataUrl: `${issuer}/.well-known/openid-configuration`,
    clientId,
    clientSecret,
    authorize: approve,
    stop: () =>
      new Promise<void>((resolve, reject) =>
        server.close(error => (error ? reject(error) : resolve())),
      ),
  };
}
