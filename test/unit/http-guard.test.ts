// The local HTTP API's guard: Host (DNS rebinding), Origin (web pages), the bearer token compared
// in constant time, header count and body limits, and the generated token file of `daemon --http`.
import assert from 'node:assert/strict'
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { CorruptFileError } from '../../src/errors.js'
import {
  MAX_HEADERS_COUNT, TOKEN_FILE, UNIX_LISTENER, bodyRefusal, guard, hostAllowed, loadOrCreateToken,
  originAllowed, tcpListener, tokenMatches
} from '../../src/client/http-guard.js'
import { tempDir } from '../helpers/cli.js'

const loop = tcpListener('127.0.0.1', 8080, 'box')
const loop6 = tcpListener('::1', 8080, 'box')
const lan = tcpListener('192.168.1.5', 8080, 'box')
const named = tcpListener('Chat.Example', 8080, 'box')
const any = tcpListener('0.0.0.0', 8080, 'box')
const TOKEN = 'k'.repeat(43)

test('Host: a loopback listener answers to its own address, localhost, 127.0.0.1 and [::1] on its port', () => {
  for (const h of ['127.0.0.1:8080', 'localhost:8080', 'LOCALHOST:8080', '[::1]:8080']) {
    assert.equal(hostAllowed(h, loop), true, h)
    assert.equal(hostAllowed(h, loop6), true, h)
  }
  for (const h of ['evil.example:8080', 'evil.example', '127.0.0.1:8081', '127.0.0.1', 'localhost', 'localhost.:8080',
    '127.0.0.1.nip.io:8080', '[::2]:8080', '::1:8080', '127.0.0.1:8080:8080', '127.0.0.1:08080', 'box:8080', '', ' 127.0.0.1:8080']) {
    assert.equal(hostAllowed(h, loop), false, h)
  }
  assert.equal(hostAllowed(undefined, loop), false, 'missing Host')
})

test('Host: a named or LAN listener answers to the name it was given only', () => {
  assert.equal(hostAllowed('192.168.1.5:8080', lan), true)
  assert.equal(hostAllowed('localhost:8080', lan), false)
  assert.equal(hostAllowed('evil.example:8080', lan), false)
  assert.equal(hostAllowed('chat.example:8080', named), true)
  assert.equal(hostAllowed('evil.example:8080', named), false)
  // port 80: browsers and curl leave the port out
  assert.equal(hostAllowed('127.0.0.1', tcpListener('127.0.0.1', 80, 'box')), true)
  assert.equal(hostAllowed('127.0.0.1:80', tcpListener('127.0.0.1', 80, 'box')), true)
})

test('Host: a wildcard listener answers to IP addresses, localhost and the machine name, never another name', () => {
  for (const h of ['10.0.0.7:8080', '[fe80::1]:8080', 'localhost:8080', 'box:8080', 'BOX:8080']) assert.equal(hostAllowed(h, any), true, h)
  for (const h of ['evil.example:8080', '10.0.0.7:9999', 'box.evil.example:8080']) assert.equal(hostAllowed(h, any), false, h)
  assert.equal(hostAllowed('[2001:db8::1]:8080', tcpListener('::', 8080, 'box')), true)
})

test('Origin: none is fine (curl); only the listener\'s own origin is, never null or another site', () => {
  assert.equal(originAllowed(undefined, loop), true)
  for (const o of ['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080']) assert.equal(originAllowed(o, loop), true, o)
  for (const o of ['null', 'http://evil.example', 'http://evil.example:8080', 'https://127.0.0.1:8080', 'http://127.0.0.1:8081',
    'http://127.0.0.1:8080/', 'http://127.0.0.1', 'file://', '']) {
    assert.equal(originAllowed(o, loop), false, o)
  }
  assert.equal(originAllowed('http://10.0.0.7:8080', any), false, 'a wildcard listener has no IP origin of its own')
  // a Unix socket has no web origin: any Origin is a browser's, refused
  assert.equal(originAllowed(undefined, UNIX_LISTENER), true)
  assert.equal(originAllowed('http://localhost', UNIX_LISTENER), false)
  assert.equal(originAllowed('null', UNIX_LISTENER), false)
})

test('token: right, wrong, a different length and missing', () => {
  assert.equal(tokenMatches(TOKEN, TOKEN), true)
  assert.equal(tokenMatches('k'.repeat(42) + 'j', TOKEN), false)
  assert.equal(tokenMatches('k', TOKEN), false)
  assert.equal(tokenMatches(TOKEN + 'k', TOKEN), false)
  assert.equal(tokenMatches('', TOKEN), false)
  assert.equal(tokenMatches(undefined, TOKEN), false)
})

const req = (headers: Record<string, string>): { headers: Record<string, string>, rawHeaders: string[] } =>
  ({ headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), rawHeaders: Object.entries(headers).flat() })

test('guard: Host first (421), then Origin (403), then the bearer token (401); all right passes', () => {
  const ok = { host: '127.0.0.1:8080', authorization: `Bearer ${TOKEN}` }
  assert.equal(guard(req(ok), loop, TOKEN), undefined)
  assert.equal(guard(req({ ...ok, authorization: `bearer ${TOKEN}` }), loop, TOKEN), undefined, 'the scheme is case-insensitive')
  assert.deepEqual(guard(req({ ...ok, host: 'evil.example:8080' }), loop, TOKEN),
    { status: 421, error: 'the Host header does not name this listener (127.0.0.1:8080)', hint: 'connect to it by that address (a DNS name pointing at it is refused)' })
  assert.equal(guard(req({ authorization: ok.authorization }), loop, TOKEN)?.status, 421, 'no Host')
  assert.deepEqual(guard(req({ ...ok, origin: 'http://evil.example' }), loop, TOKEN),
    { status: 403, error: 'requests from web pages are refused (cross-site Origin header)' })
  assert.equal(guard(req({ ...ok, origin: 'null' }), loop, TOKEN)?.status, 403)
  assert.equal(guard(req({ ...ok, origin: 'http://127.0.0.1:8080' }), loop, TOKEN), undefined)
  const noToken = { status: 401, error: 'missing or wrong bearer token', hint: `send "Authorization: Bearer TOKEN" with the daemon's --token, or the one in ${TOKEN_FILE} in its home` }
  assert.deepEqual(guard(req({ host: ok.host }), loop, TOKEN), noToken)
  assert.deepEqual(guard(req({ ...ok, authorization: 'Bearer wrong' }), loop, TOKEN), noToken)
  assert.deepEqual(guard(req({ ...ok, authorization: TOKEN }), loop, TOKEN), noToken, 'no scheme')
  assert.deepEqual(guard(req({ ...ok, authorization: `Basic ${TOKEN}` }), loop, TOKEN), noToken)
  assert.deepEqual(guard(req(ok), loop, undefined), noToken, 'a TCP listener without a token refuses everything')
})

test('guard on the Unix socket: no token, no Host check, but still no web pages', () => {
  assert.equal(guard(req({ host: 'localhost' }), UNIX_LISTENER), undefined)
  assert.equal(guard(req({}), UNIX_LISTENER), undefined)
  assert.equal(guard(req({ host: 'evil.example' }), UNIX_LISTENER), undefined)
  assert.equal(guard(req({ host: 'localhost', origin: 'http://evil.example' }), UNIX_LISTENER)?.status, 403)
})

test('guard: too many header lines is 431', () => {
  const many: Record<string, string> = { host: '127.0.0.1:8080', authorization: `Bearer ${TOKEN}` }
  for (let i = 0; Object.keys(many).length < MAX_HEADERS_COUNT; i++) many[`x-${i}`] = 'v'
  assert.equal(guard(req(many), loop, TOKEN), undefined)
  many['x-one-more'] = 'v'
  assert.deepEqual(guard(req(many), loop, TOKEN), { status: 431, error: `more than ${MAX_HEADERS_COUNT} header lines` })
  assert.equal(guard(req(many), UNIX_LISTENER)?.status, 431)
})

test('body limit: a declared or received size over the cap is 413', () => {
  const tooLarge = { status: 413, error: 'the message is more than 60000 bytes', hint: 'send it as lines (?lines=1)' }
  assert.equal(bodyRefusal(undefined, 0, 60_000), undefined)
  assert.equal(bodyRefusal('60000', 0, 60_000), undefined)
  assert.equal(bodyRefusal(undefined, 60_000, 60_000), undefined)
  assert.deepEqual(bodyRefusal('60001', 0, 60_000), tooLarge)
  assert.deepEqual(bodyRefusal('99999999999999999999', 0, 60_000), tooLarge)
  assert.deepEqual(bodyRefusal(undefined, 60_001, 60_000), tooLarge)
})

test('the token file: created 0600 with 32 random bytes (base64url), then reused', () => {
  const { dir, cleanup } = tempDir('conclave-guard-')
  try {
    const first = loadOrCreateToken(dir)
    assert.equal(first.path, join(dir, TOKEN_FILE))
    assert.equal(first.created, true)
    assert.match(first.token, /^[A-Za-z0-9_-]{43}$/)
    assert.equal(Buffer.from(first.token, 'base64url').length, 32)
    assert.equal(statSync(first.path).mode & 0o777, 0o600)
    assert.equal(readFileSync(first.path, 'utf8'), first.token + '\n')
    const again = loadOrCreateToken(dir)
    assert.deepEqual(again, { ...first, created: false })
    // a file someone widened is tightened again
    chmodSync(first.path, 0o644)
    assert.equal(loadOrCreateToken(dir).token, first.token)
    assert.equal(statSync(first.path).mode & 0o777, 0o600)
    // a token written by hand is used as it is (one line, surrounding blanks ignored)
    writeFileSync(first.path, '  my-own-token-of-20-chars \n')
    assert.equal(loadOrCreateToken(dir).token, 'my-own-token-of-20-chars')
  } finally { cleanup() }
})

test('a token file that is too short or not one word is an error, not silently used or replaced', () => {
  const { dir, cleanup } = tempDir('conclave-guard-')
  try {
    for (const bad of ['short\n', '', 'two words of sixteen chars\n']) {
      writeFileSync(join(dir, TOKEN_FILE), bad, { mode: 0o600 })
      assert.throws(() => loadOrCreateToken(dir), (err: unknown) => err instanceof CorruptFileError &&
        err.message === `the token file ${join(dir, TOKEN_FILE)} does not hold one token of at least 16 characters` &&
        err.hint === 'delete it and a new token is generated, or write a longer one into it', JSON.stringify(bad))
      assert.equal(readFileSync(join(dir, TOKEN_FILE), 'utf8'), bad, 'left as it was')
    }
  } finally { cleanup() }
})
