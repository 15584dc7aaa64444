// The local HTTP API's front door (Host, Origin, bearer token, header and body limits) and the `daemon --http` token file.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import type { IncomingHttpHeaders } from 'node:http'
import { isIP } from 'node:net'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { CorruptFileError } from '../errors.js'

/** The generated bearer token of a TCP listener, in the home directory (mode 0600). */
export const TOKEN_FILE = 'http.token'
/** A given token (--token, CONCLAVE_TOKEN, or one written into the file) must be at least this long. */
export const MIN_TOKEN_LENGTH = 16
/** node:http's `maxHeaderSize` for the API: larger header blocks are answered 431 by node:http itself. */
export const MAX_HEADER_BYTES = 16 * 1024
/** Header lines a request may carry (the server parses one more, so that an excess is seen). */
export const MAX_HEADERS_COUNT = 64
const TOKEN_FILE_MAX_BYTES = 4096

/** Where a request arrived: the 0600 Unix socket, or a TCP listener with the names it answers to. */
export type Listener = { kind: 'unix' } | TcpListener
export interface TcpListener {
  kind: 'tcp'
  port: number
  /** Lower-case host names and addresses (IPv6 in brackets) that are this listener's own. */
  names: string[]
  /** A wildcard bind (0.0.0.0, ::): any IP address literal is accepted as its Host too. */
  anyIp: boolean
  /** For messages: the address as given. */
  display: string
}
export const UNIX_LISTENER: Listener = { kind: 'unix' }

/** Why a request is refused: answered as JSON {error, hint?} with this status. */
export interface Refusal { status: number, error: string, hint?: string }

const bracket = (host: string): string => host.includes(':') ? `[${host}]` : host

export function isLoopback (host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || /^::ffff:127\./i.test(host)
}

/**
 * The names a TCP listener on HOST:PORT answers to. Loopback: localhost, 127.0.0.1, [::1] too.
 * A wildcard bind: localhost, the machine's name and any IP literal (a DNS-rebinding page has a
 * name of its own, never a literal). Any other host: only the name or address it was given.
 */
export function tcpListener (host: string, port: number, machineName: string = hostname()): TcpListener {
  const h = host.toLowerCase()
  const anyIp = h === '0.0.0.0' || h === '::' || h === ''
  const names = new Set<string>(anyIp ? [] : [bracket(h)])
  if (anyIp || isLoopback(h)) for (const n of ['localhost', '127.0.0.1', '[::1]']) names.add(n)
  if (anyIp && machineName !== '') names.add(machineName.toLowerCase())
  return { kind: 'tcp', port, names: [...names], anyIp, display: `${bracket(h)}:${port}` }
}

/** Splits a Host header value into host and port ('80' when absent); undefined if it is not one. */
function splitHost (value: string): { host: string, port: string } | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]\s]+)(?::(\d{1,5}))?$/i.exec(value)
  return m === null ? undefined : { host: m[1]!.toLowerCase(), port: m[2] ?? '80' }
}

/** Is HOSTHEADER this listener's own host:port? (Else a DNS name was pointed at us: rebinding.) */
export function hostAllowed (hostHeader: string | undefined, listener: Listener): boolean {
  if (listener.kind === 'unix') return true
  const h = hostHeader === undefined ? undefined : splitHost(hostHeader)
  if (h === undefined || h.port !== String(listener.port)) return false
  if (listener.names.includes(h.host)) return true
  return listener.anyIp && isIP(h.host.replace(/^\[(.*)\]$/, '$1')) !== 0
}

/**
 * No Origin (curl, scripts) is fine; otherwise it must be exactly the listener's own origin. A
 * Unix socket has no web origin: any Origin there comes from a browser and is refused.
 */
export function originAllowed (originHeader: string | undefined, listener: Listener): boolean {
  if (originHeader === undefined) return true
  if (listener.kind === 'unix') return false
  const o = originHeader.toLowerCase()
  return listener.names.some(n => o === `http://${n}:${listener.port}` || (listener.port === 80 && o === `http://${n}`))
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest()

/** Constant time over SHA-256 digests, so neither the content nor the length of the token leaks. */
export function tokenMatches (given: string | undefined, expected: string): boolean {
  if (given === undefined) return false
  return timingSafeEqual(digest(given), digest(expected)) && given.length > 0
}

function bearer (authorization: string | undefined): string | undefined {
  const m = authorization === undefined ? null : /^bearer +(\S+)$/i.exec(authorization)
  return m?.[1]
}

/** The refusal for REQ arriving at LISTENER, or undefined if it may go on. TOKEN is required on TCP. */
export function guard (req: { headers: IncomingHttpHeaders, rawHeaders: string[] }, listener: Listener, token?: string): Refusal | undefined {
  if (req.rawHeaders.length / 2 > MAX_HEADERS_COUNT) return { status: 431, error: `more than ${MAX_HEADERS_COUNT} header lines` }
  if (!hostAllowed(req.headers.host, listener)) {
    return { status: 421, error: `the Host header does not name this listener (${(listener as TcpListener).display})`, hint: 'connect to it by that address (a DNS name pointing at it is refused)' }
  }
  if (!originAllowed(req.headers.origin, listener)) return { status: 403, error: 'requests from web pages are refused (cross-site Origin header)' }
  if (listener.kind === 'tcp' && (token === undefined || !tokenMatches(bearer(req.headers.authorization), token))) {
    return { status: 401, error: 'missing or wrong bearer token', hint: `send "Authorization: Bearer TOKEN" with the daemon's --token, or the one in ${TOKEN_FILE} in its home` }
  }
  return undefined
}

/** 413 when the declared Content-Length or the bytes RECEIVED so far are over MAX. */
export function bodyRefusal (contentLength: string | undefined, received: number, max: number): Refusal | undefined {
  if (received <= max && !(contentLength !== undefined && Number(contentLength) > max)) return undefined
  return { status: 413, error: `the message is more than ${max} bytes`, hint: 'send it as lines (?lines=1)' }
}

/**
 * The token in HOME/http.token, or a new one (32 random bytes, base64url) written there 0600 if
 * there is none. A file someone widened is tightened; one with a too-short token is an error.
 */
export function loadOrCreateToken (home: string): { token: string, path: string, created: boolean } {
  const path = join(home, TOKEN_FILE)
  const token = randomBytes(32).toString('base64url')
  try {
    fs.writeFileSync(path, token + '\n', { mode: 0o600, flag: 'wx' })
    return { token, path, created: true }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  const fd = fs.openSync(path, 'r')
  try {
    const st = fs.fstatSync(fd)
    if (!st.isFile() || st.size > TOKEN_FILE_MAX_BYTES) throw new CorruptFileError(`the token file ${path} is not a small regular file`, { hint: 'delete it and a new token is generated' })
    if ((st.mode & 0o077) !== 0) fs.fchmodSync(fd, 0o600)
    const buf = Buffer.alloc(st.size)
    let off = 0
    while (off < buf.length) {
      const n = fs.readSync(fd, buf, off, buf.length - off, off)
      if (n === 0) break
      off += n
    }
    const text = buf.subarray(0, off).toString('utf8').trim()
    if (text.length < MIN_TOKEN_LENGTH || /\s/.test(text)) {
      throw new CorruptFileError(`the token file ${path} does not hold one token of at least ${MIN_TOKEN_LENGTH} characters`, { hint: 'delete it and a new token is generated, or write a longer one into it' })
    }
    return { token: text, path, created: false }
  } finally {
    fs.closeSync(fd)
  }
}
