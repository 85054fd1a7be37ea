// panva's openid-client v6 (a certified OpenID Connect relying party) against the built-in
// provider, with its default settings: scenario.mjs is the list of steps, this file is how
// openid-client does each one.
//
//   node openid_client.mjs --issuer http://127.0.0.1:8001 --client-id ID [--client-secret S]
//        --redirect-uri URI [--auth post|basic|none]
//
// Client authentication is openid-client's default: with a secret, client_secret_post; without
// one, none (a public client). --auth basic asks for ClientSecretBasic instead.
// One JSON line per step on stdout; exit status 1 at the first failed step.

import * as jose from 'jose'
import * as client from 'openid-client'

import { runScenario } from './scenario.mjs'
import { settings } from './steps.mjs'

const s = settings()
let config

const adapter = {
  async discover() {
    const authentication = s.auth === 'basic' ? client.ClientSecretBasic(s.clientSecret) : undefined
    config = await client.discovery(new URL(s.issuer), s.clientId, s.clientSecret, authentication, {
      // The one setting that is not openid-client's default: it refuses plain http, and the lab
      // runs on plain http on loopback. This is its documented way to allow that.
      execute: [client.allowInsecureRequests],
    })
    return config.serverMetadata()
  },

  pkce: async () => {
    const verifier = client.randomPKCECodeVerifier()
    return { verifier, challenge: await client.calculatePKCECodeChallenge(verifier) }
  },
  random: () => client.randomState(),
  authorizationUrl: (parameters) => client.buildAuthorizationUrl(config, parameters),

  // authorizationCodeGrant checks the callback (state, iss, no error), sends the code with the
  // PKCE verifier, and validates the id_token's claims (nonce included).
  exchange: (callback, request) =>
    client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
      idTokenExpected: true,
    }),
  claims: (tokens) => tokens.claims(),

  // openid-client, like OIDC Core §3.1.3.7 item 6, trusts an id_token that came straight from
  // the token endpoint over TLS and checks its signature only when asked (non-repudiation).
  // Here it is checked with jose (the JOSE library by the same author), with the JWKS.
  async verifySignature(tokens, metadata) {
    const jwks = jose.createRemoteJWKSet(new URL(metadata.jwks_uri))
    const { protectedHeader } = await jose.jwtVerify(tokens.id_token, jwks, {
      issuer: metadata.issuer,
      audience: s.clientId,
      algorithms: metadata.id_token_signing_alg_values_supported,
    })
    return { alg: protectedHeader.alg, kid: protectedHeader.kid, verified_with: 'jose + jwks_uri' }
  },

  userinfo: (accessToken, sub) => client.fetchUserInfo(config, accessToken, sub),
  refresh: (refreshToken) => client.refreshTokenGrant(config, refreshToken),
  revoke: (token, hint) => client.tokenRevocation(config, token, { token_type_hint: hint }),
}

await runScenario(adapter, s)
