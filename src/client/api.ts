// The home's control API: HTTP on the Unix socket `conclave.sock` (0600) in the home, optionally on
// TCP, a thin adapter over the owner's LocalClient. ntfy-style for curl, and what SocketClient speaks:
//   POST /ROOM              body = one message; headers Title, Priority (1-5 or min..urgent), Tags
//                           (a,b), Wait (N receipts), Timeout (10s), Alone (store)
//   POST /ROOM?lines=1      body = a stream of lines, each a message (batched, with backpressure)
//   GET  /ROOM/json         JSON lines of new messages until the client hangs up; ?since=10m (or
//                           since_ms=EPOCH_MS) first sends stored ones; ?poll=1 only stored ones
//   GET  /ROOM/members      POST /ROOM/invite {role,ttlMs,maxUses}
//   POST /ROOM/kick {member,reason?,timeoutMs}    POST /ROOM/leave {timeoutMs}
//   POST /ROOM/role {member,role,timeoutMs}       POST /ROOM/revoke {ticket?,all?,timeoutMs}
//                           each answers the MembershipResult JSON; timeoutMs defaults to 10 s
//   GET  /_/rooms           POST /_/rooms {name}      POST /_/join {ticket,name?,timeoutMs}
//   GET  /status            the status JSON of `conclave status`
// Errors are JSON {"error","hint"?,"exit"} (exit: the CLI's exit code) with 400 (bad input), 404
// (unknown room), 504 (nobody reachable / not confirmed: "receipts" says how many), 500 otherwise.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { chmodSync, existsSync, rmSync } from 'node:fs'
import type { Socket } from 'node:net'
import { ConclaveError, ExitCode, NotConfirmedError, UsageError } from '../errors.js'
import { MAX_HEADERS_COUNT, MAX_HEADER_BYTES } from './http-guard.js'
import { readLines } from './lines.js'
import { parseDuration, parsePriority } from './parse.js'
import { HISTORY_MAX, type Client, type MembershipResult, type RoleName, type Subscription } from './types.js'

/** POST /ROOM/<this>: the membership commands. */
const MEMBERSHIP_ENDPOINTS = new Set(['kick', 'leave', 'role', 'revoke'] as const)
type MembershipEndpoint = typeof MEMBERSHIP_ENDPOINTS extends Set<infer E> ? E : never

/** Default wait for a reachable member when a request names no Timeout. */
const DEFAULT_TIMEOUT_MS = 10_000
/** One message's body (TEXT_MAX_BYTES of text). */
export const MAX_BODY_BYTES = 60_000
/** How long a stopping node waits for requests under way (one-shot sends through it) to be answered. */
const GRACE_MS = 15_000
/** How long a stopping node keeps just-accepted connections open for their first request. */
const ACCEPTED_GRACE_MS = 200
/** JSON request bodies (tickets, names) are small. */
const MAX_JSON_BYTES = 16 * 1024

function sendJson (res: ServerResponse, status: number, body: unknown, close = false): void {
  // A refusal closes the connection, so a body we did not read is never read.
  res.writeHead(status, close ? { 'content-type': 'application/json', connection: 'close' } : { 'content-type': 'application/json' })
  res.end(JSON.stringify(body) + '\n')
}

export function errorStatus (err: unknown): number {
  if (!(err instanceof ConclaveError)) return 500
  if (err.exitCode === ExitCode.NOT_DELIVERED) return 504
  if (err instanceof UsageError && /^unknown room/.test(err.message)) return 404
  return err.exitCode === ExitCode.BAD_INPUT ? 400 : 500
}

export function errorBody (err: unknown): Record<string, unknown> {
  const e = err as ConclaveError
  const exit = err instanceof ConclaveError ? err.exitCode : ExitCode.FAILURE
  return { error: e.message, ...(e.hint !== undefined ? { hint: e.hint } : {}), exit, ...(err instanceof NotConfirmedError ? { receipts: err.receipts } : {}) }
}

function header (req: IncomingMessage, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = req.headers[n.toLowerCase()]
    if (typeof v === 'string' && v !== '') return v
  }
  return undefined
}

/** Headers carry Latin-1 only: clients percent-encode UTF-8 (curl users may send plain ASCII). */
function decodeHeader (value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  try { return decodeURIComponent(value) } catch { return value }
}

async function readBody (req: IncomingMessage, max: number, what: string): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > max) throw new BodyTooLargeError(what, max)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > max) throw new BodyTooLargeError(what, max)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

class BodyTooLargeError extends UsageError {
  override name = 'BodyTooLargeError'
  constructor (what: string, max: number) {
    super(`${what} is more than ${max} bytes`, what === 'the message' ? { hint: 'send it as lines (?lines=1)' } : {})
  }
}

async function readJson (req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req, MAX_JSON_BYTES, 'the request')
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>
  } catch {}
  throw new UsageError('the request body is not a JSON object')
}

/** A field of a JSON request body that must be a string (or, unless REQUIRED, absent). */
function stringField (body: Record<string, unknown>, key: string, required: true): string
function stringField (body: Record<string, unknown>, key: string, required?: false): string | undefined
function stringField (body: Record<string, unknown>, key: string, required = false): string | undefined {
  const v = body[key]
  if (v === undefined && !required) return undefined
  if (typeof v !== 'string') throw new UsageError(`the request's "${key}" must be a string`)
  return v
}

/** The body's timeoutMs: a duration in ms, DEFAULT_TIMEOUT_MS when absent. */
function timeoutField (body: Record<string, unknown>): number {
  const v = body.timeoutMs
  if (v === undefined) return DEFAULT_TIMEOUT_MS
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new UsageError('the request\'s "timeoutMs" must be a whole number of milliseconds')
  return v
}

function timeoutOf (req: IncomingMessage): number {
  const t = header(req, 'timeout', 'x-timeout')
  return t === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(t, 'timeout')
}

export interface ControlApiComponents {
  client: Client
  /** A message that was answered 200 but could not be handed to anyone afterwards. */
  warn: (message: string) => void
}

/** A guard run on every request before routing: undefined lets it through, else the refusal. */
export type RequestGuard = (req: IncomingMessage) => { status: number, error: string, hint?: string } | undefined

export class ControlApi {
  readonly #c: ControlApiComponents
  readonly #servers: Server[] = []
  /** Connections accepted that have not sent a request yet. */
  readonly #fresh = new Set<Socket>()
  /** Open subscriber streams: ended first when the node stops. */
  readonly #subscriptions = new Set<Subscription>()
  #socketPath: string | undefined

  constructor (components: ControlApiComponents) {
    this.#c = components
  }

  #server (guard?: RequestGuard): Server {
    const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
      const refusal = guard?.(req)
      if (refusal !== undefined) { sendJson(res, refusal.status, { error: refusal.error, ...(refusal.hint !== undefined ? { hint: refusal.hint } : {}) }, true); return }
      void this.#handle(req, res)
    })
    server.on('connection', (socket: Socket) => {
      this.#fresh.add(socket)
      socket.once('close', () => this.#fresh.delete(socket))
    })
    server.on('request', (req: IncomingMessage) => { this.#fresh.delete(req.socket) })
    server.headersTimeout = 10_000
    // A `tail -f | curl -T - ?lines=1` stream or a subscriber lasts as long as it likes.
    server.requestTimeout = 0
    server.maxHeadersCount = MAX_HEADERS_COUNT + 1 // one more than allowed, so the guard sees an excess
    this.#servers.push(server)
    return server
  }

  /** Serves on the Unix socket at PATH (0600); a stale file there is replaced (the caller checked nobody answers). */
  async listen (path: string, guard?: RequestGuard): Promise<void> {
    if (existsSync(path)) rmSync(path)
    const server = this.#server(guard)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(path, () => resolve())
    })
    chmodSync(path, 0o600)
    this.#socketPath = path
  }

  /** Serves on TCP HOST:PORT behind GUARD; resolves with the address bound. */
  async listenTcp (host: string, port: number, guard: RequestGuard): Promise<{ host: string, port: number }> {
    const server = this.#server(guard)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => resolve())
    })
    const addr = server.address() as { address: string, port: number }
    return { host: addr.address, port: addr.port }
  }

  /**
   * Stops serving. Subscribers' streams end at once (so an attached listen or chat takes over
   * without waiting); requests under way (a send through us) get up to GRACE_MS to be answered;
   * then every connection is cut.
   */
  async close (): Promise<void> {
    if (this.#socketPath !== undefined) rmSync(this.#socketPath, { force: true })
    for (const sub of this.#subscriptions) sub.close()
    // No new client finds the socket now; one that connected a moment ago (its probe) may not have
    // sent its request yet, and server.close() would cut such an idle connection: give it a moment.
    const until = Date.now() + ACCEPTED_GRACE_MS
    while (this.#fresh.size > 0 && Date.now() < until) await new Promise(resolve => setTimeout(resolve, 10))
    const closed = Promise.all(this.#servers.map(async server => await new Promise<void>(resolve => server.close(() => resolve()))))
    let timer: NodeJS.Timeout | undefined
    await Promise.race([closed, new Promise<void>(resolve => { timer = setTimeout(resolve, GRACE_MS) })])
    clearTimeout(timer)
    for (const server of this.#servers) server.closeAllConnections()
    await closed
  }

  async #handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const parts = url.pathname.split('/').filter(p => p !== '').map(decodeURIComponent)
      const { client } = this.#c
      const method = req.method ?? 'GET'
      if (method === 'GET' && parts.length === 1 && parts[0] === 'status') return sendJson(res, 200, await client.status({ waitMs: 0 }))
      if (parts[0] === '_' && parts.length === 2) {
        if (method === 'GET' && parts[1] === 'rooms') return sendJson(res, 200, await client.rooms())
        if (method === 'POST' && parts[1] === 'rooms') return sendJson(res, 200, await client.createRoom(String((await readJson(req)).name ?? '')))
        if (method === 'POST' && parts[1] === 'join') {
          const b = await readJson(req)
          const timeoutMs = typeof b.timeoutMs === 'number' ? b.timeoutMs : 30_000
          return sendJson(res, 200, await client.join(String(b.ticket ?? ''), { name: typeof b.name === 'string' ? b.name : undefined, timeoutMs }))
        }
      }
      if ((method === 'POST' || method === 'PUT') && parts.length === 1) return await this.#publish(parts[0]!, url, req, res)
      if (parts.length === 2) {
        if (method === 'GET' && parts[1] === 'json') return await this.#subscribe(parts[0]!, url, req, res)
        if (method === 'GET' && parts[1] === 'members') return sendJson(res, 200, await client.members(parts[0]!))
        if (method === 'POST' && parts[1] === 'invite') {
          const b = await readJson(req)
          return sendJson(res, 200, await client.invite(parts[0]!, { role: b.role as RoleName, ttlMs: Number(b.ttlMs), maxUses: Number(b.maxUses) }))
        }
        if (method === 'POST' && MEMBERSHIP_ENDPOINTS.has(parts[1] as MembershipEndpoint)) return sendJson(res, 200, await this.#membership(parts[0]!, parts[1] as MembershipEndpoint, await readJson(req)))
      }
      sendJson(res, 404, { error: `no such endpoint: ${method} ${url.pathname}`, exit: ExitCode.BAD_INPUT })
    } catch (err) {
      if (!res.headersSent) sendJson(res, err instanceof BodyTooLargeError ? 413 : errorStatus(err), errorBody(err), err instanceof BodyTooLargeError)
      else res.destroy(err as Error)
    }
  }

  /** kick, leave, role, revoke: the body's fields checked (a bad type is a 400), then one client call. */
  async #membership (roomRef: string, endpoint: MembershipEndpoint, b: Record<string, unknown>): Promise<MembershipResult> {
    const { client } = this.#c
    const timeoutMs = timeoutField(b)
    switch (endpoint) {
      case 'kick': {
        const member = stringField(b, 'member', true)
        const reason = stringField(b, 'reason')
        return await client.kick(roomRef, member, { ...(reason !== undefined ? { reason } : {}), timeoutMs })
      }
      case 'leave': return await client.leave(roomRef, { timeoutMs })
      // Which roles exist is the client's to check (as for invite), so both paths refuse with the same words.
      case 'role': return await client.setRole(roomRef, stringField(b, 'member', true), stringField(b, 'role', true) as RoleName, { timeoutMs })
      case 'revoke': {
        const ticket = stringField(b, 'ticket')
        if (b.all !== undefined && typeof b.all !== 'boolean') throw new UsageError('the request\'s "all" must be true or false')
        const all = b.all === true
        if ((ticket !== undefined) === all) throw new UsageError('the request must name either a "ticket" or "all": true')
        return await client.revoke(roomRef, { ...(ticket !== undefined ? { ticket } : { all }), timeoutMs })
      }
    }
  }

  async #publish (roomRef: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { client } = this.#c
    const title = decodeHeader(header(req, 'title', 'x-title', 't'))
    const priority = parsePriority(header(req, 'priority', 'x-priority', 'p'))
    const tags = (header(req, 'tags', 'x-tags', 'tag', 'ta') ?? '').split(',').map(t => decodeHeader(t.trim())!).filter(t => t !== '')
    const timeoutMs = timeoutOf(req)
    if (url.searchParams.get('lines') === '1') {
      const sent = await client.publishLines(roomRef, readLines(req, 'the request body'), { title, priority, tags, timeoutMs })
      return sendJson(res, 200, sent)
    }
    const waitHeader = header(req, 'wait', 'x-wait')
    const wait = waitHeader === undefined ? undefined : Number(waitHeader)
    if (wait !== undefined && (!Number.isSafeInteger(wait) || wait < 1)) throw new UsageError('--wait must be a whole number of at least 1')
    // A running node keeps what nobody can take now (catch-up delivers it later), unless the
    // caller waits for receipts or asks to fail.
    const asked = header(req, 'alone', 'x-alone')
    const alone = asked === 'store' || asked === 'fail' || asked === 'queue' ? asked : wait === undefined ? 'queue' : 'fail'
    const text = (await readBody(req, MAX_BODY_BYTES, 'the message')).toString('utf8').replace(/\n$/, '')
    sendJson(res, 200, await client.publish(roomRef, text, { title, priority, tags }, { wait, timeoutMs, alone }))
  }

  async #subscribe (roomRef: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { client } = this.#c
    const since = url.searchParams.get('since')
    const sinceMsParam = url.searchParams.get('since_ms')
    const poll = url.searchParams.get('poll') === '1'
    const limit = Number(url.searchParams.get('limit') ?? HISTORY_MAX)
    const sinceMs = sinceMsParam !== null ? Number(sinceMsParam) : since !== null ? Date.now() - parseDuration(since, 'since') : undefined
    if (sinceMs !== undefined && !Number.isFinite(sinceMs)) throw new UsageError('since_ms must be a time in ms since the epoch')
    if (poll) {
      const messages = await client.history(roomRef, { limit, sinceMs })
      res.writeHead(200, { 'content-type': 'application/x-ndjson' })
      res.end(messages.map(m => JSON.stringify(m) + '\n').join(''))
      return
    }
    const sub = await client.subscribe([roomRef], { sinceMs })
    this.#subscriptions.add(sub)
    res.writeHead(200, { 'content-type': 'application/x-ndjson' })
    res.flushHeaders()
    req.on('close', () => sub.close())
    res.on('close', () => { sub.close(); this.#subscriptions.delete(sub) })
    for await (const batch of sub.batches()) {
      let text = ''
      for (const m of batch) text += JSON.stringify(m) + '\n'
      // A slow reader (curl piped into a slow command) holds the queue here, not in our socket buffers.
      if (!res.write(text)) await new Promise(resolve => { res.once('drain', resolve); res.once('close', resolve) })
    }
    res.end()
  }
}
