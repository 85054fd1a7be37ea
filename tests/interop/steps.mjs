// The interop scripts' shared plumbing: their settings, one JSON line per step, and a record
// of every HTTP exchange of the step that failed, so a failure says what went over the wire
// and what the library said about it.
//
// Used by openid_client.mjs and oauth4webapi.mjs (the test: tests/provider/test_provider_interop.py).

import { createHash } from 'node:crypto'
import { parseArgs } from 'node:util'

// --- Settings: argv first, then the environment --------------------------------------------

const OPTIONS = {
  issuer: { type: 'string', env: 'INTEROP_ISSUER' },
  'client-id': { type: 'string', env: 'INTEROP_CLIENT_ID' },
  'client-secret': { type: 'string', env: 'INTEROP_CLIENT_SECRET' },
  'redirect-uri': { type: 'string', env: 'INTEROP_REDIRECT_URI' },
  // post (the libraries' default with a secret), basic, or none (a public client).
  auth: { type: 'string', env: 'INTEROP_AUTH' },
  username: { type: 'string', env: 'INTEROP_USERNAME', default: 'alice' },
  password: { type: 'string', env: 'INTEROP_PASSWORD', default: 'wonderland' },
}

export function settings() {
  const { values } = parseArgs({
    options: Object.fromEntries(Object.entries(OPTIONS).map(([name, { type }]) => [name, { type }])),
    strict: true,
  })
  const read = (name) => values[name] ?? process.env[OPTIONS[name].env] ?? OPTIONS[name].default
  const config = {
    issuer: read('issuer'),
    clientId: read('client-id'),
    clientSecret: read('client-secret') || undefined,
    redirectUri: read('redirect-uri'),
    username: read('username'),
    password: read('password'),
  }
  config.auth = read('auth') || (config.clientSecret ? 'post' : 'none')
  const missing = ['issuer', 'clientId', 'redirectUri'].filter((name) => !config[name])
  if (missing.length || !['post', 'basic', 'none'].includes(config.auth)) {
    console.error(
      'usage: node <script>.mjs --issuer URL --client-id ID [--client-secret S] --redirect-uri URI' +
        ' [--auth post|basic|none] [--username alice --password wonderland]' +
        ' (or INTEROP_ISSUER, INTEROP_CLIENT_ID, ... in the environment)',
    )
    process.exit(2)
  }
  if (config.auth !== 'none' && !config.clientSecret) {
    console.error(`--auth ${config.auth} needs --client-secret`)
    process.exit(2)
  }
  return config
}

// --- The wire: every fetch of this process, recorded per step --------------------------------
// The libraries call the global fetch at call time, so wrapping it records their requests
// without changing any of their settings. Credentials are masked: these lines end up in CI logs.

let exchanges = []
const realFetch = globalThis.fetch

function masked(body) {
  if (typeof body !== 'string') return body instanceof URLSearchParams ? masked(body.toString()) : undefined
  return body
    .replace(/\b(client_secret|password|code_verifier)=[^&]*/g, '$1=***')
    .replace(/\b(code|token|refresh_token)=([^&]{6})[^&]*/g, '$1=$2...')
}

function maskedAuthorization(value) {
  if (!value) return undefined
  const [scheme, credentials = ''] = value.split(' ')
  if (scheme.toLowerCase() === 'basic') {
    // RFC 6749 §2.3.1: the client_id is form-urlencoded before base64 (only it is shown).
    const user = Buffer.from(credentials, 'base64').toString().split(':')[0]
    return `Basic (client_id ${user}, secret ***)`
  }
  return `${scheme} ${credentials.slice(0, 6)}...`
}

globalThis.fetch = async (input, init = {}) => {
  const isRequest = input instanceof Request
  const method = init.method ?? (isRequest ? input.method : 'GET')
  const headers = new Headers(init.headers ?? (isRequest ? input.headers : undefined))
  const entry = {
    request: `${method} ${isRequest ? input.url : String(input)}`,
    authorization: maskedAuthorization(headers.get('authorization')),
    body: masked(init.body),
  }
  exchanges.push(entry)
  const response = await realFetch(input, init)
  entry.status = response.status
  for (const name of ['location', 'www-authenticate', 'content-type']) {
    if (response.headers.has(name)) entry[name] = response.headers.get(name)
  }
  if ((response.headers.get('content-type') || '').includes('json')) {
    const text = await response.clone().text()
    try {
      entry.response = JSON.parse(text, redactTokens)
    } catch {
      entry.response = text.slice(0, 600)
    }
  }
  return response
}

// --- Steps: one JSON line each; the first failure ends the run -----------------------------

export class StepFailed extends Error {}

export function fail(message, extra) {
  throw Object.assign(new StepFailed(message), { extra })
}

export function expect(condition, message, extra) {
  if (!condition) fail(message, extra)
}

// What a library's error says: its class, its code, and the OAuth error (body or challenge) it read.
export function described(error) {
  const detail = { name: error.name, message: error.message }
  for (const name of ['code', 'status', 'error', 'error_description']) {
    if (error[name] !== undefined) detail[name] = error[name]
  }
  if (error.extra !== undefined) detail.seen = error.extra
  const cause = error.cause
  if (cause instanceof URLSearchParams) detail.cause = Object.fromEntries(cause)
  else if (Array.isArray(cause)) detail.cause = cause // WWW-Authenticate challenges
  else if (cause instanceof Error) detail.cause = `${cause.name}: ${cause.message}`
  else if (cause && typeof cause === 'object') detail.cause = JSON.parse(JSON.stringify(cause, redactTokens))
  return detail
}

function redactTokens(key, value) {
  return ['access_token', 'refresh_token', 'id_token'].includes(key) && typeof value === 'string'
    ? `${value.slice(0, 6)}...`
    : value
}

export async function step(name, run) {
  exchanges = []
  try {
    const detail = await run()
    console.log(JSON.stringify({ step: name, ok: true, detail: detail ?? null }))
    return detail
  } catch (error) {
    const detail = { ...described(error), exchanges }
    console.log(JSON.stringify({ step: name, ok: false, detail }))
    process.exit(1)
  }
}

// An operation that must be refused: its error (the library's own) is what the step reports.
export async function refused(operation) {
  try {
    await operation()
  } catch (error) {
    return described(error)
  }
  fail('the provider accepted it')
}

// --- Checks neither library makes on a token endpoint's id_token -----------------------------

// OIDC Core §3.1.3.8 / §3.2.2.9: at_hash is the base64url of the left half of SHA-256 of the
// access token. Optional in the code flow; when present, it must match.
export function atHashMatches(claims, accessToken) {
  if (claims.at_hash === undefined) return 'absent (optional in the code flow)'
  const digest = createHash('sha256').update(accessToken).digest()
  const expected = digest.subarray(0, digest.length / 2).toString('base64url')
  expect(claims.at_hash === expected, 'at_hash does not match the access token', { at_hash: claims.at_hash, expected })
  return 'matches the access token'
}
