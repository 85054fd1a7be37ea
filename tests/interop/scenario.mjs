// The one scenario every certified client library runs against the built-in provider, step by
// step: what a real relying party does, and what it must check. Each library's script
// (openid_client.mjs, oauth4webapi.mjs) supplies an adapter: the library's own calls for each
// step, with its default settings. This module says what is asked and what must come back.

import { ProviderUser } from './provider_user.mjs'
import { atHashMatches, expect, refused, step } from './steps.mjs'

const SCOPE = 'openid profile email'

// A refused bearer token: 401 with a Bearer challenge naming invalid_token (RFC 6750 §3.1).
function expectInvalidToken(detail) {
  const challenge = Array.isArray(detail.cause) ? detail.cause.find((c) => c.scheme === 'bearer') : undefined
  expect(detail.status === 401, 'expected a 401', detail)
  const error = challenge?.parameters?.error
  expect(error === 'invalid_token', 'expected a Bearer challenge with error="invalid_token"', detail)
  return detail
}

// A refused refresh token: 400 invalid_grant (RFC 6749 §5.2).
function expectInvalidGrant(detail) {
  expect(detail.status === 400 && detail.error === 'invalid_grant', 'expected 400 invalid_grant', detail)
  return detail
}

function present(tokens) {
  return Object.fromEntries(['access_token', 'refresh_token', 'id_token'].map((name) => [name, Boolean(tokens[name])]))
}

export async function runScenario(adapter, settings) {
  const user = new ProviderUser(settings.username, settings.password)
  const method = settings.auth === 'none' ? 'public, none' : `client_secret_${settings.auth}`
  const client = `${settings.clientId} (${method})`

  // 1. Discovery (OIDC Discovery §4): the library fetches the metadata and checks its issuer.
  let metadata
  await step('discovery', async () => {
    metadata = await adapter.discover()
    return {
      client,
      issuer: metadata.issuer,
      token_endpoint_auth_methods_supported: metadata.token_endpoint_auth_methods_supported,
      code_challenge_methods_supported: metadata.code_challenge_methods_supported,
    }
  })

  // 2. The authorization request: PKCE (S256), state and nonce, each fresh (RFC 7636, OIDC Core §3.1.2.1).
  async function authorizationRequest() {
    const request = { ...(await adapter.pkce()), state: adapter.random(), nonce: adapter.random() }
    request.url = await adapter.authorizationUrl({
      redirect_uri: settings.redirectUri,
      scope: SCOPE,
      code_challenge: request.challenge,
      code_challenge_method: 'S256',
      state: request.state,
      nonce: request.nonce,
    })
    return request
  }
  let first
  await step('authorization_url', async () => {
    first = await authorizationRequest()
    const query = Object.fromEntries(first.url.searchParams)
    for (const name of ['client_id', 'code_challenge', 'state', 'nonce']) expect(query[name], `no ${name} in the URL`)
    expect(query.code_challenge_method === 'S256', 'not S256', query)
    return { response_type: query.response_type, scope: query.scope, code_challenge_method: 'S256' }
  })

  // 3. The person: signs in as alice and presses Allow, over HTTP.
  let callback
  await step('login_and_consent', async () => {
    callback = await user.authorize(first.url.href, settings.redirectUri)
    return { callback_parameters: [...callback.searchParams.keys()] }
  })

  // 4. The callback: state matches, iss is this issuer (RFC 9207), no error. openid-client makes
  //    these checks inside its code exchange (step 5), so only libraries with a separate call have this step.
  if (adapter.validateCallback) {
    await step('callback', async () => {
      await adapter.validateCallback(callback, first.state)
      return { state: 'matches', iss: callback.searchParams.get('iss') }
    })
  }

  // 5. The code exchange: PKCE verifier, client authentication (the library's default), and the
  //    id_token's claims checked by the library (iss, aud, exp, iat, sub; nonce; azp).
  let tokens
  await step('code_exchange', async () => {
    tokens = await adapter.exchange(callback, first)
    expect(tokens.refresh_token, 'no refresh token was issued', present(tokens))
    return { token_type: tokens.token_type, scope: tokens.scope, expires_in: tokens.expires_in, ...present(tokens) }
  })

  // 6. What the library validated, read back: the claims a relying party relies on (OIDC Core §3.1.3.7).
  let claims
  await step('id_token_claims', async () => {
    claims = adapter.claims(tokens)
    const now = Math.floor(Date.now() / 1000)
    const audience = [claims.aud].flat()
    expect(claims.iss === metadata.issuer, 'iss is not the issuer', claims)
    expect(audience.includes(settings.clientId), 'aud does not name this client', claims)
    expect(claims.nonce === first.nonce, 'nonce does not match', claims)
    expect(claims.exp > now, 'expired', claims)
    const { iss, aud, sub, auth_time } = claims
    return { iss, aud, sub, nonce: 'matches', exp_in: claims.exp - now, auth_time }
  })

  // 7. The signature, with the key the JWKS publishes under the token's kid; and at_hash.
  await step('id_token_signature', async () => {
    const signature = await adapter.verifySignature(tokens, metadata)
    return { ...signature, at_hash: atHashMatches(claims, tokens.access_token) }
  })

  // 8. Userinfo with the access token; its sub must be the id_token's (OIDC Core §5.3.2).
  await step('userinfo', async () => {
    const info = await adapter.userinfo(tokens.access_token, claims.sub)
    expect(info.preferred_username === settings.username, 'not the user who signed in', info)
    return { sub: info.sub, preferred_username: info.preferred_username, email: info.email }
  })

  // 9. Refresh: new tokens, and a new refresh token (rotation, RFC 9700 §4.14.2).
  let refreshed
  await step('refresh', async () => {
    refreshed = await adapter.refresh(tokens.refresh_token)
    expect(refreshed.refresh_token, 'no new refresh token', present(refreshed))
    expect(refreshed.refresh_token !== tokens.refresh_token, 'the refresh token was not rotated')
    expect(refreshed.access_token !== tokens.access_token, 'the same access token again')
    return { rotated: true, ...present(refreshed) }
  })

  await step('userinfo_after_refresh', async () => {
    const info = await adapter.userinfo(refreshed.access_token, claims.sub)
    return { sub: info.sub }
  })

  // 10. Revoke the access token (RFC 7009 §2.1); userinfo then refuses it.
  await step('revoke_access_token', async () => {
    await adapter.revoke(refreshed.access_token, 'access_token')
    return 'revoked'
  })
  await step('revoked_access_token_refused', async () =>
    expectInvalidToken(await refused(() => adapter.userinfo(refreshed.access_token, claims.sub))),
  )

  // 11. The rotated-out refresh token is refused (AS-5; the provider then revokes the family).
  await step('rotated_refresh_token_refused', async () =>
    expectInvalidGrant(await refused(() => adapter.refresh(tokens.refresh_token))),
  )

  // 12. A second grant (still signed in: consent only), to revoke a live refresh token: the
  //     refresh token is refused afterwards, and so is the access token issued with it
  //     (RFC 7009 §2.1: revoking a refresh token SHOULD invalidate the grant's access tokens).
  let second
  await step('second_grant', async () => {
    const request = await authorizationRequest()
    const back = await user.authorize(request.url.href, settings.redirectUri)
    if (adapter.validateCallback) await adapter.validateCallback(back, request.state)
    second = await adapter.exchange(back, request)
    expect(second.refresh_token, 'no refresh token was issued', present(second))
    // No new sign-in happened, so auth_time (when the user authenticated, OIDC Core §2) is the same.
    const { auth_time } = adapter.claims(second)
    const seen = { auth_time, first: claims.auth_time }
    expect(auth_time === claims.auth_time, 'auth_time moved without a new sign-in', seen)
    return { ...present(second), auth_time: 'the first sign-in' }
  })
  await step('revoke_refresh_token', async () => {
    await adapter.revoke(second.refresh_token, 'refresh_token')
    return 'revoked'
  })
  await step('revoked_refresh_token_refused', async () =>
    expectInvalidGrant(await refused(() => adapter.refresh(second.refresh_token))),
  )
  await step('revoked_grant_access_token_refused', async () =>
    expectInvalidToken(await refused(() => adapter.userinfo(second.access_token, claims.sub))),
  )
}
