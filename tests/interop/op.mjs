// A real third-party OpenID Provider for the app's client to sign in with: panva's
// oidc-provider 9 (a certified OP), run offline on a free loopback port.
//
// The app's client against any issuer. Started by tests/oauth/oidc_provider_op.py
// for tests/oauth/test_oauth_any_issuer.py, test_oauth_logout.py and test_oauth_step_up.py;
// nothing here is part of the app. It prints one JSON line on stdout once it listens:
//   {"issuer": "http://127.0.0.1:PORT" (or ".../" with --trailing-slash), "port": PORT}
//
//   node tests/interop/op.mjs --app-url http://localhost:8000 [--trailing-slash] [--alg RS256|ES384]
//   environment: OP_CLIENT_ID, OP_CLIENT_SECRET (the app's registration, never on the command line)
//
// The app is registered as a confidential client (client_secret_basic), redirect URI
// <APP_URL>/oauth/callback, post-logout URI <APP_URL>/oauth/logged-out, PKCE required for
// every client, refresh tokens for offline_access (OIDC Core §11), revocation (RFC 7009),
// RP-Initiated Logout 1.0. Sign-in is oidc-provider's devInteractions, driven over HTTP by
// the tests: any login name is accepted (the password is not checked: a test OP).
//
// A test can make this OP misbehave, to see the app refuse what a broken or hostile provider
// sends: GET /__interop/tamper?mode=...
//   none                 behave (the default)
//   swap-access-token    the token response carries another access token than the one the
//                        id_token's at_hash was made for (token substitution, OIDC Core §3.1.3.8)
//   ignore-max-age       the authorization request's max_age is dropped before the OP sees it,
//                        so an old sign-in is not redone (OIDC Core §3.1.2.1 says it must be)

import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { parseArgs } from "node:util";

import Provider from "oidc-provider";

const { values: args } = parseArgs({
  options: {
    "app-url": { type: "string", default: "http://localhost:8000" },
    "trailing-slash": { type: "boolean", default: false },
    alg: { type: "string", default: "RS256" },
  },
});

const clientId = process.env.OP_CLIENT_ID || "authlab-app";
const clientSecret = process.env.OP_CLIENT_SECRET;
if (!clientSecret) {
  console.error("op.mjs: set OP_CLIENT_SECRET (the app's client secret at this OP)");
  process.exit(2);
}

// The people this OP knows; any other login name signs in with just a `sub`.
const ACCOUNTS = {
  alice: { name: "Alice Liddell", email: "alice@op.example", email_verified: true },
  bob: { name: "Bob Builder", email: "bob@op.example", email_verified: false },
};

function signingKeys() {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ format: "jwk" });
  return {
    keys: [
      { ...rsa, kid: `rsa-${randomBytes(4).toString("hex")}`, alg: "RS256", use: "sig" },
      { ...ec, kid: `ec-${randomBytes(4).toString("hex")}`, alg: "ES384", use: "sig" },
    ],
  };
}

let tamper = "none";
let lastAccessToken = null;

const server = createServer();
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}${args["trailing-slash"] ? "/" : ""}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        token_endpoint_auth_method: "client_secret_basic",
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        redirect_uris: [`${args["app-url"]}/oauth/callback`],
        post_logout_redirect_uris: [`${args["app-url"]}/oauth/logged-out`],
        id_token_signed_response_alg: args.alg,
        // auth_time in every id_token, so the app can judge max_age itself (OIDC Core §2).
        require_auth_time: true,
      },
    ],
    jwks: signingKeys(),
    cookies: { keys: [randomBytes(32).toString("hex")] },
    scopes: ["openid", "offline_access", "profile", "email"],
    claims: { openid: ["sub"], profile: ["name", "preferred_username"], email: ["email", "email_verified"] },
    pkce: { required: () => true },
    enabledJWA: { idTokenSigningAlgValues: ["RS256", "ES384"] },
    features: {
      devInteractions: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, RefreshToken: 86400, Grant: 86400, Interaction: 600, Session: 86400 },
    async findAccount(_ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return { sub, preferred_username: sub, ...(ACCOUNTS[sub] || {}) };
        },
      };
    },
  });

  // at_hash in the id_token of the token endpoint too, as Google and Keycloak send it
  // (OPTIONAL in the code flow, OIDC Core §3.1.3.6; oidc-provider sets it only for id_tokens
  // from the authorization endpoint). oidc-provider's own IdToken.issue hashes it with the
  // id_token's alg; the opaque access token's value is its jti.
  const { issue } = provider.IdToken.prototype;
  provider.IdToken.prototype.issue = function issueWithAtHash(options) {
    const accessToken = this.ctx?.oidc?.entities?.AccessToken;
    if (options?.use === "idtoken" && accessToken?.jti && !this.extra.at_hash) this.set("at_hash", accessToken.jti);
    return issue.call(this, options);
  };

  provider.use(async (ctx, next) => {
    if (ctx.path === "/__interop/tamper") {
      tamper = String(ctx.query.mode || "none");
      ctx.body = { tamper };
      return;
    }
    if (tamper === "ignore-max-age" && ctx.path === "/auth" && ctx.query.max_age !== undefined) {
      const url = new URL(ctx.href);
      url.searchParams.delete("max_age");
      ctx.url = url.pathname + url.search;
    }
    await next();
    if (ctx.path === "/token" && ctx.body && typeof ctx.body === "object" && ctx.body.access_token) {
      const issued = ctx.body.access_token;
      if (tamper === "swap-access-token") {
        ctx.body = { ...ctx.body, access_token: lastAccessToken && lastAccessToken !== issued ? lastAccessToken : `${issued}x` };
      }
      lastAccessToken = issued;
    }
  });

  server.on("request", provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer, port })}\n`);
});

// The test that started this process ends it; a closed stdin (the test process died) ends it too.
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => process.exit(0));
