// panva's oauth4webapi v3 (the low-level OAuth 2 / OpenID Connect client under openid-client)
// against the built-in provider, as its documentation shows it: scenario.mjs is the list of
// steps, this file is how oauth4webapi does each one.
//
//   node oauth4webapi.mjs --issuer http://127.0.0.1:8001 --client-id ID [--client-secret S]
//        --redirect-uri URI [--auth post|basic|none]
//
// Client authentication: oauth.ClientSecretPost (what its examples use), ClientSecretBasic with
// --auth basic, oauth.None() for a public client. One JSON line per step; exit 1 at the first failure.

import * as oauth from 'oauth4webapi'

import { runScenario } from './scenario.mjs'
import { settings } from './steps.mjs'

const s = settings()
const issuer = new URL(s.issuer)
const c = { client_id: s.clientId }
const clientAuth = {
  post: () => oauth.ClientSecretPost(s.clientSecret),
  basic: () => oauth.ClientSecretBasic(s.clientSecret),
  none: () => oauth.None(),
}[s.auth]()

// The one option that is not oauth4webapi's default, on every request: it refuses plain http,
// and the lab runs on plain http on loopback.
const insecure = { [oauth.allowInsecureRequests]: true }

let as
// The token endpoint's Response, which validateApplicationLevelSignature reads the id_token of.
const responses = new WeakMap()

const adapter = {
  async discover() {
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure))
    return as
  },

  pkce: async () => {
    const verifier = oauth.generateRandomCodeVerifier()
    return { verifier, challenge: await oauth.calculatePKCECodeChallenge(verifier) }
  },
  random: () => oauth.generateRandomState(),
  authorizationUrl(parameters) {
    const url = new URL(as.authorization_endpoint)
    url.searchParams.set('client_id', c.client_id)
    url.searchParams.set('response_type', 'code')
    for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value)
    return url
  },

  // state, iss (RFC 9207: the metadata says the provider sends it, so it is required), no error.
  validateCallback: (callback, state) => oauth.validateAuthResponse(as, c, callback, state),

  // The code request takes only what validateAuthResponse returned (the callback, checked), so
  // the exchange checks it again itself: a library design that makes the check impossible to skip.
  async exchange(callback, request) {
    const parameters = oauth.validateAuthResponse(as, c, callback, request.state)
    const { verifier } = request
    const response = await oauth.authorizationCodeGrantRequest(as, c, clientAuth, parameters, s.redirectUri, verifier, insecure)
    const tokens = await oauth.processAuthorizationCodeResponse(as, c, response, {
      expectedNonce: request.nonce,
      requireIdToken: true,
    })
    responses.set(tokens, response)
    return tokens
  },
  claims: (tokens) => oauth.getValidatedIdTokenClaims(tokens),

  // oauth4webapi checks an id_token's signature when asked to (its documented call for
  // non-repudiation), fetching the key from jwks_uri by the token's kid.
  async verifySignature(tokens) {
    await oauth.validateApplicationLevelSignature(as, responses.get(tokens), insecure)
    const header = JSON.parse(Buffer.from(tokens.id_token.split('.')[0], 'base64url'))
    return { alg: header.alg, kid: header.kid, verified_with: 'oauth.validateApplicationLevelSignature' }
  },

  userinfo: async (accessToken, sub) =>
    oauth.processUserInfoResponse(as, c, sub, await oauth.userInfoRequest(as, c, accessToken, insecure)),
  refresh: async (refreshToken) => {
    const response = await oauth.refreshTokenGrantRequest(as, c, clientAuth, refreshToken, insecure)
    return oauth.processRefreshTokenResponse(as, c, response)
  },
  revoke: async (token, hint) => {
    const options = { ...insecure, additionalParameters: { token_type_hint: hint } }
    return oauth.processRevocationResponse(await oauth.revocationRequest(as, c, clientAuth, token, options))
  },
}

await runScenario(adapter, s)
