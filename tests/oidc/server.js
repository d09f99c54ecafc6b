// A real OpenID Connect provider for the tests (node's oidc-provider), on 127.0.0.1 and a free port.
//
//   node tests/oidc/server.js    prints one line of JSON, {"issuer": "http://127.0.0.1:PORT"}, once it listens
//
// One confidential client (budgetbeheer-test / test-secret) whose redirect URI may be any
// http://127.0.0.1:PORT or http://localhost[:PORT] address ending in /login/oidc/callback (the tests' servers take
// free ports). The test accounts below carry a "groups" claim; the log-in form is oidc-provider's own development
// form (any password is accepted: the provider is a stand-in, what is tested is budgetbeheer's side). Consent is
// given at once for this first-party client.
import http from 'node:http';

import Provider from 'oidc-provider';

export const ACCOUNTS = {
  'anna': { name: 'Anna de Klantmanager', preferred_username: 'anna', groups: ['bb-klantmanagers'] },
  'fred': { name: 'Fred van Financien', preferred_username: 'fred', groups: ['bb-financien'] },
  'bea': { name: 'Bea Beheer', preferred_username: 'bea', groups: ['bb-beheer', 'bb-financien'] },
  'nora': { name: 'Nora Niemand', preferred_username: 'nora', groups: ['bb-andere-dienst'] },
  'tim': { name: 'Tim Teamleider', preferred_username: 'tim', groups: ['bb-klantmanagers', 'bb-teamleiders'] },
};

// Tests change a test account's groups between log-ins: POST /test/groups/<account> with {"groups": [...]}.
const groupsOverride = new Map();

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: 'budgetbeheer-test',
      client_secret: 'test-secret',
      redirect_uris: ['http://127.0.0.1/login/oidc/callback'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], groups: ['groups'] },
    scopes: ['openid', 'profile', 'groups'],
    conformIdTokenClaims: false, // the groups go into the ID token, which budgetbeheer verifies
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile groups');
      grant.addOIDCClaims(['name', 'preferred_username', 'groups']);
      await grant.save();
      return grant;
    },
    async findAccount(ctx, id) {
      const account = ACCOUNTS[id];
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, ...account, groups: groupsOverride.get(id) ?? account.groups };
        },
      };
    },
  });
  const test = /^\/test\/groups\/([a-z]+)$/;
  provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value) {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(url.hostname)
        && url.pathname === '/login/oidc/callback' && !url.search && !url.hash;
    } catch {
      return false;
    }
  };
  const callback = provider.callback();
  server.on('request', (req, res) => {
    const match = test.exec(req.url);
    if (match && req.method === 'POST') {
      let body = '';
      req.on('data', (chunk) => { body += chunk; });
      req.on('end', () => {
        groupsOverride.set(match[1], JSON.parse(body).groups);
        res.writeHead(204).end();
      });
      return;
    }
    callback(req, res);
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
