// The person at the browser, for the interop scripts: signs in at the built-in provider and
// presses Allow on its consent page, over plain HTTP, as a browser without JavaScript would
// (tests/oauth_flow.py's ProviderFlow does the same in-process, in Python).
//
// A client library builds the authorization URL and checks the callback; what happens between
// (the provider's own pages) is this user's part. It needs a cookie jar (the provider keeps the
// sign-in in a session cookie) and the CSRF token each form carries (AS-7).

const CSRF_INPUT = /<input\b[^>]*\bname="csrf_token"[^>]*>/
const VALUE = /\bvalue="([^"]+)"/

function csrfToken(html, page) {
  const input = CSRF_INPUT.exec(html)?.[0]
  const token = input && VALUE.exec(input)?.[1]
  if (!token) throw new Error(`no CSRF token on ${page}`)
  return token
}

// What a page says, without its markup: enough to read an error page in a failure report.
function pageText(html) {
  const main = /<main\b[^>]*>([\s\S]*?)<\/main>/.exec(html)?.[1] ?? html
  return main
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300)
}

// The redirect back to the client: exactly its redirect URI, plus the response's query.
function isCallback(location, redirectUri) {
  if (!location) return false
  const target = new URL(location)
  target.search = ''
  return target.href === new URL(redirectUri).href
}

export class ProviderUser {
  constructor(username, password) {
    this.username = username
    this.password = password
    this.cookies = new Map() // one provider, so one origin: name -> value
  }

  async request(url, { form } = {}) {
    const headers = { accept: 'text/html' }
    if (this.cookies.size) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    }
    const init = { method: form ? 'POST' : 'GET', headers, redirect: 'manual' }
    if (form) init.body = new URLSearchParams(form)
    const response = await fetch(url, init)
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const name = pair.slice(0, pair.indexOf('=')).trim()
      const value = pair.slice(pair.indexOf('=') + 1).trim()
      const gone = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === ''
      gone ? this.cookies.delete(name) : this.cookies.set(name, value)
    }
    const location = response.headers.get('location')
    return {
      status: response.status,
      url: String(url),
      location: location && new URL(location, url).href,
      html: await response.text(),
    }
  }

  // Follow the provider's pages from an authorization URL to the redirect back to the client:
  // sign in if asked, then Allow. Returns the callback URL (code, state, iss) as a URL.
  async authorize(authorizationUrl, redirectUri) {
    let page = await this.request(authorizationUrl)
    if (page.status === 302 && new URL(page.location).pathname === '/login') {
      const login = await this.request(page.location)
      const csrf = csrfToken(login.html, 'the login page')
      const form = { csrf_token: csrf, username: this.username, password: this.password }
      const signedIn = await this.request(login.url, { form })
      if (signedIn.status !== 302) {
        throw new Error(`sign-in answered ${signedIn.status}: ${pageText(signedIn.html)}`)
      }
      page = await this.request(signedIn.location)
    }
    if (page.status === 302 && isCallback(page.location, redirectUri)) return new URL(page.location)
    if (page.status !== 200) {
      throw new Error(`the authorization endpoint answered ${page.status}: ${pageText(page.html)}`)
    }
    // The consent page: its form posts back to the same address (the authorization request).
    const form = { csrf_token: csrfToken(page.html, 'the consent page'), approve: 'Allow' }
    const decided = await this.request(page.url, { form })
    if (decided.status !== 302 || !isCallback(decided.location, redirectUri)) {
      throw new Error(`consent answered ${decided.status} (${decided.location}): ${pageText(decided.html)}`)
    }
    return new URL(decided.location)
  }
}
