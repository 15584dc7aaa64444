// The daemon's local HTTP API on a Unix socket (mode 0600) in the home directory, ntfy-style:
//   POST /ROOM            body = one message; headers Title, Priority (1-5 or min..urgent), Tags (a,b)
//   POST /ROOM?lines=1    body = a stream of lines, each a message (batched, with backpressure)
//   GET  /ROOM/json       JSON lines of new messages until the client hangs up (?since=10m first
//                         prints stored ones; ?poll=1 prints stored ones and ends)
//   GET  /status          the status JSON of `conclave status`
// Errors are JSON {"error","hint"?} with 400 (bad input), 404 (unknown room), 504 (nobody reachable);
// before that, src/client/http-guard.ts refuses with 401/403/421/431 (TCP always needs a bearer
// token) and 413 (a one-message body over 60,000 bytes).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { chmodSync, existsSync, rmSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { MAX_HEADER_BYTES, MAX_HEADERS_COUNT, UNIX_LISTENER, bodyRefusal, guard, tcpListener, type Listener, type Refusal } from '../client/http-guard.js'
import { ConclaveError, ExitCode, UsageError } from '../errors.js'
import type { Room } from '../room/room.js'
import type { RoomService, ShownMessage } from '../room/service.js'
import { parseDuration, parsePriority } from './format.js'

export { SOCKET_FILE } from '../config.js'
const READERS_TIMEOUT_MS = 10_000
const MAX_BODY_BYTES = 60_000

function sendJson (res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body) + '\n')
}

/** A refusal of the guard: answered and the connection closed, so an unread body is never read. */
function refuse (res: ServerResponse, r: Refusal): void {
  res.writeHead(r.status, { 'content-type': 'application/json', connection: 'close' })
  res.end(JSON.stringify({ error: r.error, ...(r.hint !== undefined ? { hint: r.hint } : {}) }) + '\n')
}

/** A node:http server with bounded headers whose requests pass the guard for LISTENER first. */
function guardedServer (listener: () => Listener, token: string | undefined, handle: (req: IncomingMessage, res: ServerResponse) => void): Server {
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    const refusal = guard(req, listener(), token)
    if (refusal !== undefined) refuse(res, refusal)
    else handle(req, res)
  })
  server.maxHeadersCount = MAX_HEADERS_COUNT + 1 // one more than allowed, so the guard sees the excess
  return server
}

function errorStatus (err: unknown): number {
  if (!(err instanceof ConclaveError)) return 500
  if (err.exitCode === ExitCode.NOT_DELIVERED) return 504
  if (err instanceof UsageError && /^unknown room/.test(err.message)) return 404
  return err.exitCode === ExitCode.BAD_INPUT ? 400 : 500
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

export interface DaemonApiComponents {
  service: RoomService
  status: () => Promise<Record<string, unknown>>
  /** A message that was answered 200 but could not be handed to anyone afterwards. */
  warn: (message: string) => void
}

export class DaemonApi {
  readonly #c: DaemonApiComponents
  readonly #server: Server
  readonly #path: string

  constructor (components: DaemonApiComponents, options: { socketPath: string }) {
    this.#c = components
    this.#path = options.socketPath
    this.#server = guardedServer(() => UNIX_LISTENER, undefined, (req, res) => { void this.#handle(req, res) })
  }

  async listen (): Promise<void> {
    if (existsSync(this.#path)) rmSync(this.#path) // stale: the caller checked nobody answers on it
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(this.#path, () => resolve())
    })
    chmodSync(this.#path, 0o600)
  }

  /**
   * The same API on TCP, loopback included: every request needs `Authorization: Bearer TOKEN`
   * and a Host naming this listener (see http-guard.ts).
   */
  async listenHttp (host: string, port: number, token: string): Promise<string> {
    let listener: Listener | undefined
    const server = guardedServer(() => listener!, token, (req, res) => { void this.#handle(req, res) })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => { listener = tcpListener(host, (server.address() as { port: number }).port); resolve() })
    })
    this.#http = server
    const addr = server.address() as { address: string, port: number }
    return `${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`
  }

  #http: Server | undefined

  async close (): Promise<void> {
    for (const server of [this.#server, this.#http]) {
      if (server === undefined) continue
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
    rmSync(this.#path, { force: true })
  }

  async #handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const parts = url.pathname.split('/').filter(p => p !== '').map(decodeURIComponent)
      if (req.method === 'GET' && parts.length === 1 && parts[0] === 'status') return sendJson(res, 200, await this.#c.status())
      if ((req.method === 'POST' || req.method === 'PUT') && parts.length === 1) return await this.#publish(parts[0]!, url, req, res)
      if (req.method === 'GET' && parts.length === 2 && parts[1] === 'json') return this.#subscribe(parts[0]!, url, req, res)
      sendJson(res, 404, { error: `no such endpoint: ${req.method ?? ''} ${url.pathname}` })
    } catch (err) {
      const e = err as ConclaveError
      if (!res.headersSent) sendJson(res, errorStatus(err), { error: e.message, ...(e.hint !== undefined ? { hint: e.hint } : {}) })
      else res.destroy(e)
    }
  }

  async #publish (roomRef: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const tooLarge = url.searchParams.get('lines') === '1' ? undefined : bodyRefusal(req.headers['content-length'], 0, MAX_BODY_BYTES)
    if (tooLarge !== undefined) return refuse(res, tooLarge)
    const { service } = this.#c
    const room = service.room(roomRef)
    const title = decodeHeader(header(req, 'title', 'x-title', 't'))
    const priority = parsePriority(header(req, 'priority', 'x-priority', 'p'))
    const tags = (header(req, 'tags', 'x-tags', 'tag', 'ta') ?? '').split(',').map(t => decodeHeader(t.trim())!).filter(t => t !== '')
    if (!await service.waitForReaders(room, READERS_TIMEOUT_MS)) {
      throw new ConclaveError(`nobody in room '${room.name}' was reachable`, { hint: 'another member must be online and reachable' })
    }
    if (url.searchParams.get('lines') === '1') {
      const { streamLines } = await import('../room/line-stream.js')
      const sent = await streamLines(service, room, createInterface({ input: req, crlfDelay: Infinity }), { title, priority, tags, timeoutMs: READERS_TIMEOUT_MS })
      await service.waitForDrain(room, 0, READERS_TIMEOUT_MS)
      return sendJson(res, 200, { room: room.name, lines: sent.lines, envelopes: sent.envelopes })
    }
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of req.iterator({ destroyOnReturn: false })) { // left early: the 413 is written before the socket closes
      size += (chunk as Buffer).length
      const over = bodyRefusal(undefined, size, MAX_BODY_BYTES)
      if (over !== undefined) return refuse(res, over)
      chunks.push(chunk as Buffer)
    }
    const text = Buffer.concat(chunks).toString('utf8').replace(/\n$/, '')
    const waitHeader = header(req, 'wait', 'x-wait')
    const wait = waitHeader === undefined ? undefined : Number(waitHeader)
    if (wait !== undefined && (!Number.isSafeInteger(wait) || wait < 1)) throw new UsageError('the Wait header must be a whole number of at least 1')
    const sealed = service.seal(room, { text, title, priority, tags, wantReceipts: wait !== undefined })
    const readers = service.readers(room)
    if (wait === undefined && readers > 0) {
      // Answer like a broker that has taken the message: sealed, our copy queued for the store,
      // a reader writable now. The envelope leaves right after the answer is written
      // (setImmediate runs after the socket write), so the client does not wait for it.
      sendJson(res, 200, { room: room.name, roomId: room.id, id: sealed.id, recipients: readers })
      setImmediate(() => { void this.#deliver(room, sealed.id, sealed.envelope) })
      return
    }
    const recipients = await this.#deliver(room, sealed.id, sealed.envelope)
    if (recipients === 0) throw new ConclaveError(`the message to '${room.name}' reached nobody`, { hint: 'another member must be online and reachable' })
    // Wait: N — answer once N members signed a receipt (the count is in the answer either way).
    const receipts = wait === undefined ? undefined : await service.receipts(sealed.id, wait, READERS_TIMEOUT_MS)
    sendJson(res, 200, { room: room.name, roomId: room.id, id: sealed.id, recipients, ...(receipts !== undefined ? { receipts } : {}) })
  }

  /** Publishes; if that reached nobody (a reader just left), waits for one and publishes again. */
  async #deliver (room: Room, id: string, envelope: Uint8Array): Promise<number> {
    const { service } = this.#c
    try {
      let recipients = await service.republish(room, envelope)
      if (recipients === 0 && await service.waitForReaders(room, READERS_TIMEOUT_MS)) recipients = await service.republish(room, envelope)
      if (recipients === 0) this.#c.warn(`message ${id} to '${room.name}' reached nobody: it stays in the store`)
      return recipients
    } catch (err) {
      this.#c.warn(`message ${id} to '${room.name}' was not published: ${(err as Error).message}`)
      return 0
    }
  }

  #subscribe (roomRef: string, url: URL, req: IncomingMessage, res: ServerResponse): void {
    const { service } = this.#c
    const room = service.room(roomRef)
    const since = url.searchParams.get('since')
    const poll = url.searchParams.get('poll') === '1'
    res.writeHead(200, { 'content-type': 'application/x-ndjson' })
    if (since !== null || poll) {
      const sinceMs = since === null ? undefined : Date.now() - parseDuration(since, 'since')
      for (const m of service.history(room, { limit: 10_000, sinceMs })) res.write(JSON.stringify(m) + '\n')
    }
    if (poll) { res.end(); return }
    const onMessage = (m: ShownMessage): void => { if (m.roomId === room.id) res.write(JSON.stringify(m) + '\n') }
    // Like ntfy: subscribers see what is published through the daemon too, not only what arrives.
    service.on('message', onMessage)
    service.on('sent', onMessage)
    req.on('close', () => { service.off('message', onMessage); service.off('sent', onMessage) })
  }
}
