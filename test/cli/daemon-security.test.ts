// `conclave daemon --http`: a TCP listener always needs a bearer token (generated 0600 in the home
// when none is given), refuses a foreign Host (DNS rebinding) and any cross-site Origin (also on the
// Unix socket), and bounds headers (431) and one-message bodies (413, without reading them).
import assert from 'node:assert/strict'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { after, it } from 'node:test'
import { runBinary, tempDir } from '../helpers/cli.js'
import { Proc, freePort } from '../helpers/proc.js'

interface Answer { status: number, head: string, body: string }

function dechunk (text: string): string {
  let out = ''
  for (let rest = text; ;) {
    const size = parseInt(rest, 16)
    if (!(size > 0)) return out
    const start = rest.indexOf('\r\n') + 2
    out += rest.slice(start, start + size)
    rest = rest.slice(start + size + 2)
  }
}

/**
 * One HTTP/1.1 request written by hand (exact Host, Origin, sizes), answered before TIMEOUTMS.
 * With `end: false` the request body is left unfinished: the answer must come without it.
 */
async function raw (to: { port: number } | { socket: string }, lines: string[], body = '', options: { end?: boolean, timeoutMs?: number } = {}): Promise<Answer> {
  return await new Promise((resolve, reject) => {
    const sock = 'port' in to ? connect(to.port, '127.0.0.1') : connect(to.socket)
    let data = ''
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`no answer within ${options.timeoutMs ?? 8000} ms; got ${JSON.stringify(data)}`)) }, options.timeoutMs ?? 8000)
    sock.setEncoding('utf8').on('data', (d: string) => { data += d })
    sock.on('error', () => {}) // a reset after the answer (the server stops reading) is expected
    sock.on('close', () => {
      clearTimeout(timer)
      const m = /^HTTP\/1\.1 (\d{3}) [^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(data)
      if (m === null) reject(new Error(`not an HTTP answer: ${JSON.stringify(data)}`))
      else resolve({ status: Number(m[1]), head: m[2]!, body: /^transfer-encoding: chunked$/im.test(m[2]!) ? dechunk(m[3]!) : m[3]! })
    })
    sock.write([...lines, 'Connection: close', '', ''].join('\r\n') + body)
    if (options.end !== false) sock.end()
  })
}

it('--http always needs a token, refuses foreign Host and Origin, and bounds headers and bodies', { timeout: 90_000 }, async () => {
  const { dir, cleanup } = tempDir('conclave-daemon-sec-')
  const procs: Proc[] = []
  after(async () => { await Promise.all(procs.map(async p => await p.stop())); cleanup() })
  const home = join(dir, 'a')
  assert.equal((await runBinary(['init', '--name', 'alice', '--home', home])).code, 0)
  assert.equal((await runBinary(['create', 'ops', '--home', home])).code, 0)

  // a given token that is too short is bad input, refused before anything happens
  const nohome = join(dir, 'nohome')
  const short = await runBinary(['daemon', '--http', '127.0.0.1:0', '--token', 'short', '--home', nohome, '--no-mdns'])
  assert.equal(short.code, 2)
  assert.equal(short.stderr, 'conclave: error: --token (or CONCLAVE_TOKEN) must be at least 16 characters, without spaces\n' +
    'conclave: hint: leave it out and the daemon generates one in http.token in its home\n')
  assert.equal(existsSync(nohome), false)

  // loopback too: no --token, so one is generated into the home, 0600; stderr says where, never what
  const port = await freePort()
  const at = { port }
  const daemon = new Proc(['daemon', '--http', `127.0.0.1:${port}`, '--home', home, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'])
  procs.push(daemon)
  await daemon.waitForStderr(/daemon for alice on/)
  const tokenFile = join(home, 'http.token')
  assert.equal(statSync(tokenFile).mode & 0o777, 0o600)
  const token = readFileSync(tokenFile, 'utf8').trim()
  assert.match(token, /^[A-Za-z0-9_-]{43}$/)
  assert.ok(daemon.stderr.includes(`conclave: HTTP API on http://127.0.0.1:${port} (bearer token required: generated in ${tokenFile})`), daemon.stderr.join('\n'))
  assert.ok(!daemon.stderr.join('\n').includes(token), 'the token itself is never printed')

  const host = `Host: 127.0.0.1:${port}`
  const auth = `Authorization: Bearer ${token}`
  const noToken = await raw(at, ['GET /status HTTP/1.1', host])
  assert.equal(noToken.status, 401)
  assert.deepEqual(JSON.parse(noToken.body), { error: 'missing or wrong bearer token', hint: 'send "Authorization: Bearer TOKEN" with the daemon\'s --token, or the one in http.token in its home' })
  assert.equal((await raw(at, ['GET /status HTTP/1.1', host, `Authorization: Bearer ${token.slice(1)}x`])).status, 401)
  const ok = await raw(at, ['GET /status HTTP/1.1', host, auth])
  assert.equal(ok.status, 200, ok.body)
  assert.equal(JSON.parse(ok.body).daemon, true)
  for (const h of [`localhost:${port}`, `[::1]:${port}`]) assert.equal((await raw(at, ['GET /status HTTP/1.1', `Host: ${h}`, auth])).status, 200, h)

  // DNS rebinding: a page of evil.example whose name now points at 127.0.0.1
  for (const h of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${port + 1}`]) {
    const rebound = await raw(at, ['GET /status HTTP/1.1', `Host: ${h}`, auth])
    assert.equal(rebound.status, 421, h)
    assert.deepEqual(JSON.parse(rebound.body), { error: `the Host header does not name this listener (127.0.0.1:${port})`, hint: 'connect to it by that address (a DNS name pointing at it is refused)' })
  }
  assert.equal((await raw(at, ['GET /status HTTP/1.0', auth])).status, 421, 'no Host at all')

  // a web page posting (browsers send Origin on a cross-site POST): refused, token or not
  for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${port + 1}`]) {
    const posted = await raw(at, ['POST /ops HTTP/1.1', host, auth, `Origin: ${origin}`, 'Content-Length: 2'], 'hi')
    assert.equal(posted.status, 403, origin)
    assert.deepEqual(JSON.parse(posted.body), { error: 'requests from web pages are refused (cross-site Origin header)' })
  }
  assert.equal((await raw(at, ['GET /status HTTP/1.1', host, auth, `Origin: http://127.0.0.1:${port}`])).status, 200, 'its own origin')

  // the Unix socket: no token, but no web pages either
  const sock = { socket: join(home, 'conclave.sock') }
  assert.equal((await raw(sock, ['GET /status HTTP/1.1', 'Host: localhost'])).status, 200)
  const fromPage = await raw(sock, ['POST /ops HTTP/1.1', 'Host: localhost', 'Origin: http://evil.example', 'Content-Length: 2'], 'hi')
  assert.equal(fromPage.status, 403)
  assert.deepEqual(JSON.parse(fromPage.body), { error: 'requests from web pages are refused (cross-site Origin header)' })

  // headers are bounded: 16 KiB in all (431 from node:http), 64 lines
  assert.equal((await raw(at, ['GET /status HTTP/1.1', host, auth, `X-Big: ${'a'.repeat(17 * 1024)}`])).status, 431)
  assert.equal((await raw(sock, ['GET /status HTTP/1.1', 'Host: localhost', `X-Big: ${'a'.repeat(17 * 1024)}`])).status, 431)
  const many = Array.from({ length: 70 }, (_, i) => `X-${i}: v`)
  const tooMany = await raw(at, ['GET /status HTTP/1.1', host, auth, ...many])
  assert.equal(tooMany.status, 431)
  assert.deepEqual(JSON.parse(tooMany.body), { error: 'more than 64 header lines' })

  // a one-message body over 60,000 bytes: 413 at once, while the rest of the body is still unsent
  const started = Date.now()
  for (const to of [at, sock]) {
    const big = await raw(to, ['POST /ops HTTP/1.1', 'port' in to ? host : 'Host: localhost', auth, 'Content-Length: 10000000'], 'x'.repeat(1000), { end: false })
    assert.equal(big.status, 413, big.body)
    assert.deepEqual(JSON.parse(big.body), { error: 'the message is more than 60000 bytes', hint: 'send it as lines (?lines=1)', exit: 2 })
  }
  assert.ok(Date.now() - started < 5000, 'answered without waiting for a reader or the body')
  const stopped = await daemon.stop('SIGTERM')
  assert.equal(stopped.code, 0, daemon.stderr.join('\n'))

  // a token given in CONCLAVE_TOKEN replaces the file's for that run (the file is left alone)
  const given = 'correct-horse-battery-staple'
  const again = new Proc(['daemon', '--http', `127.0.0.1:${port}`, '--home', home, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'], { CONCLAVE_TOKEN: given })
  procs.push(again)
  await again.waitForStderr(/daemon for alice on/)
  assert.ok(again.stderr.includes(`conclave: HTTP API on http://127.0.0.1:${port} (bearer token required: the one given)`), again.stderr.join('\n'))
  assert.equal((await raw(at, ['GET /status HTTP/1.1', host, auth])).status, 401)
  assert.equal((await raw(at, ['GET /status HTTP/1.1', host, `Authorization: Bearer ${given}`])).status, 200)
  assert.equal(readFileSync(tokenFile, 'utf8').trim(), token)
  await again.stop('SIGTERM')

  // and without one, the file's token is used again
  const third = new Proc(['daemon', '--http', `127.0.0.1:${port}`, '--home', home, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'])
  procs.push(third)
  await third.waitForStderr(/daemon for alice on/)
  assert.ok(third.stderr.includes(`conclave: HTTP API on http://127.0.0.1:${port} (bearer token required: see ${tokenFile})`), third.stderr.join('\n'))
  assert.equal((await raw(at, ['GET /status HTTP/1.1', host, auth])).status, 200)
})

it('a streamed one-message body is cut off with 413 as soon as it passes 60,000 bytes', { timeout: 30_000 }, async () => {
  // In-process, with a stand-in service that always has a reader: the cap is checked while
  // reading, and the answer comes while the client is still sending.
  const { ControlApi } = await import('../../src/client/api.js')
  const { dir, cleanup } = tempDir('conclave-daemon-body-')
  const client = { publish: async () => { throw new Error('a refused body must never be published') } }
  const api = new ControlApi({ client: client as never, warn: () => {} })
  after(async () => { await api.close(); cleanup() })
  await api.listen(join(dir, 'api.sock'))
  const chunk = `${(10_000).toString(16)}\r\n${'y'.repeat(10_000)}\r\n`
  const answer = await raw({ socket: join(dir, 'api.sock') }, ['POST /ops HTTP/1.1', 'Host: localhost', 'Transfer-Encoding: chunked'], chunk.repeat(7), { end: false })
  assert.equal(answer.status, 413, answer.body)
  assert.deepEqual(JSON.parse(answer.body), { error: 'the message is more than 60000 bytes', hint: 'send it as lines (?lines=1)', exit: 2 })
})
