// A real OpenID provider on loopback for the single sign-on tests: panva/oidc-provider (the
// certified Node.js implementation) with one confidential client, a fresh RSA signing key per
// start (so a restart is a key rotation), and a one-field sign-in page: type an account's id.
//
// Environment:
//   OIDC_PORT            port to listen on (127.0.0.1)
//   OIDC_ISSUER          issuer URL (default http://localhost:$OIDC_PORT — another site than
//                        Greenlight's 127.0.0.1, as a real provider is)
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI, OIDC_POST_LOGOUT_REDIRECT_URI
//   OIDC_ACCOUNTS        a JSON file, read at every sign-in so a test can change groups
//                        between sign-ins: { "alice": { "groups": ["release-managers"],
//                        "name": "Alice", "email": "alice@example.com", "username": "alice" } }
//   OIDC_TAMPER          account ids whose ID token is altered after signing (its groups
//                        rewritten to ["admins"]): fault injection for the signature check.
// Prints "ready <issuer>" on stdout once listening.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT ?? 0);
const issuer = process.env.OIDC_ISSUER ?? `http://localhost:${port}`;
const tampered = new Set((process.env.OIDC_TAMPER ?? '').split(',').filter(Boolean));

function accounts() {
  return JSON.parse(readFileSync(process.env.OIDC_ACCOUNTS, 'utf8'));
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: [process.env.OIDC_REDIRECT_URI],
    post_logout_redirect_uris: [process.env.OIDC_POST_LOGOUT_REDIRECT_URI].filter(Boolean),
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(16).toString('hex')] },
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
    groups: ['groups'],
  },
  // Scope claims go into the ID token itself, as Greenlight reads them from there.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = accounts()[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          name: account.name,
          preferred_username: account.username ?? id,
          email: account.email,
          email_verified: Boolean(account.email),
          groups: account.groups ?? [],
        };
      },
    };
  },
});
provider.proxy = false;

const page = (uid, error) => `<!doctype html><html><head><title>Test provider sign-in</title></head><body>
<h1>Test provider</h1>${error ? `<p role="alert">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label>Account <input name="login" autofocus></label> <button type="submit">Sign in at provider</button>
</form></body></html>`;

async function formBody(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (match && ctx.method === 'GET' && !match[2]) {
    await provider.interactionDetails(ctx.req, ctx.res);
    ctx.type = 'html';
    ctx.body = page(match[1]);
    return;
  }
  if (match && ctx.method === 'POST' && match[2]) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const accountId = (await formBody(ctx.req)).get('login') ?? '';
    if (!accounts()[accountId]) {
      ctx.type = 'html';
      ctx.body = page(match[1], `no account ${accountId.replace(/[^a-z0-9-]/gi, '')}`);
      return;
    }
    const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    const to = await provider.interactionResult(ctx.req, ctx.res,
      { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
    ctx.redirect(to);
    return;
  }
  await next();
  // Fault injection: the ID token of a tampered account leaves with its groups rewritten
  // and its signature unchanged.
  if (ctx.path === '/token' && ctx.body && ctx.body.id_token) {
    const [header, payload, signature] = ctx.body.id_token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    if (tampered.has(claims.sub)) {
      claims.groups = ['admins'];
      const forged = Buffer.from(JSON.stringify(claims)).toString('base64url');
      ctx.body = { ...ctx.body, id_token: `${header}.${forged}.${signature}` };
    }
  }
});

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
