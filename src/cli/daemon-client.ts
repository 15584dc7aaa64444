// Talks to a running `conclave daemon` over its Unix socket: commands use it automatically
// (no second node, no store-lock conflict) and fall back to their own node when none answers.
import { request, type IncomingMessage } from 'node:http'
import { existsSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { createInterface } from 'node:readline'
import { ConclaveError, NobodyReachableError, UsageError } from '../errors.js'
import type { ShownMessage } from '../room/service.js'
import type { CommandContext } from './command.js'
import { SOCKET_FILE } from '../config.js'
import type { StatusInfo } from './status-info.js'

export interface PublishMeta { title?: string, priority?: number, tags?: string[] }

/** Title and each tag percent-encoded (the daemon decodes them), so any text is a valid header value. */
function metaHeaders (meta: PublishMeta): Record<string, string> {
  const h: Record<string, string> = {}
  if (meta.title !== undefined) h.title = encodeURIComponent(meta.title)
  if (meta.priority !== undefined) h.priority = String(meta.priority)
  if (meta.tags !== undefined && meta.tags.length > 0) h.tags = meta.tags.map(encodeURIComponent).join(',')
  return h
}

/** Largest answer a one-shot request accepts (the daemon's are a few hundred bytes of JSON). */
const MAX_ANSWER_BYTES = 1 << 20

/** Body of an HTTP/1.1 answer in chunked transfer coding. */
function dechunk (data: Buffer): Buffer {
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const eol = data.indexOf('\r\n', at)
    if (eol < 0) throw new ConclaveError('the daemon sent a truncated answer')
    const size = Number.parseInt(data.subarray(at, eol).toString('latin1'), 16)
    if (!Number.isSafeInteger(size) || size < 0) throw new ConclaveError('the daemon sent a malformed answer')
    if (size === 0) return Buffer.concat(parts)
    parts.push(data.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
}

/** Status and body of one raw HTTP/1.1 answer read to the end of the connection. */
export function parseAnswer (data: Buffer): { status: number, body: string } {
  const end = data.indexOf('\r\n\r\n')
  if (end < 0) throw new ConclaveError('the daemon sent a truncated answer')
  const [statusLine = '', ...fields] = data.subarray(0, end).toString('latin1').split('\r\n')
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]
  if (status === undefined) throw new ConclaveError('the daemon sent a malformed answer')
  const headers = new Map(fields.map(f => [f.slice(0, f.indexOf(':')).trim().toLowerCase(), f.slice(f.indexOf(':') + 1).trim()]))
  let body = data.subarray(end + 4)
  if (headers.get('transfer-encoding')?.toLowerCase() === 'chunked') body = dechunk(body)
  else if (headers.has('content-length')) body = body.subarray(0, Number(headers.get('content-length')))
  return { status: Number(status), body: body.toString('utf8') }
}

async function readBody (res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of res) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** The daemon's error JSON → the error (and exit code) the command would have had itself. */
function apiError (status: number, body: string): ConclaveError {
  let parsed: { error?: string, hint?: string } = {}
  try { parsed = JSON.parse(body) } catch {}
  const message = parsed.error ?? `the daemon answered ${status}`
  const options = parsed.hint !== undefined ? { hint: parsed.hint } : {}
  if (status === 504) return new NobodyReachableError(message, options)
  if (status === 400 || status === 404) return new UsageError(message, options)
  return new ConclaveError(message, options)
}

export class DaemonClient {
  /** The probe's connection, kept for the first one-shot request. */
  #spare: Socket | undefined

  constructor (readonly socketPath: string, spare?: Socket) {
    this.#spare = spare
  }

  /** Closes the probe's connection if no request used it. */
  close (): void {
    this.#spare?.destroy()
    this.#spare = undefined
  }

  /**
   * One request whose body is known up front, answered with a small JSON body: written as plain
   * HTTP/1.1 on the socket and read to its end (Connection: close). node:http's client costs
   * ~13 ms of set-up per process, more than the daemon's whole answer (bench/oneshot).
   */
  async #exchange (method: string, path: string, headers: Record<string, string>, body: string): Promise<{ status: number, body: string }> {
    const payload = Buffer.from(body, 'utf8')
    const head = [`${method} ${path} HTTP/1.1`, 'Host: localhost', 'Connection: close', `Content-Length: ${payload.length}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n') + '\r\n\r\n'
    const socket = this.#spare ?? connect(this.socketPath)
    this.#spare = undefined
    return await new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      let size = 0
      socket.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > MAX_ANSWER_BYTES) { socket.destroy(); reject(new ConclaveError('the daemon sent an over-long answer')); return }
        chunks.push(chunk)
      })
      socket.once('error', reject)
      socket.once('close', () => {
        try { resolve(parseAnswer(Buffer.concat(chunks))) } catch (err) { reject(err) }
      })
      socket.write(Buffer.concat([Buffer.from(head, 'latin1'), payload]))
    })
  }

  #request (method: string, path: string, headers: Record<string, string> = {}, body?: Readable | string): Promise<IncomingMessage> {
    this.close() // node:http makes its own connection
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, method, path, headers }, resolve)
      req.on('error', reject)
      if (body === undefined) req.end()
      else if (typeof body === 'string') req.end(body)
      else body.pipe(req)
    })
  }

  async #json<T> (res: IncomingMessage): Promise<T> {
    const body = await readBody(res)
    if (res.statusCode !== 200) throw apiError(res.statusCode ?? 500, body)
    return JSON.parse(body) as T
  }

  async status (): Promise<StatusInfo> {
    return await this.#json<StatusInfo>(await this.#request('GET', '/status'))
  }

  async publish (room: string, text: string, meta: PublishMeta, wait?: number): Promise<{ id: string, recipients: number, receipts?: number }> {
    const headers = metaHeaders(meta)
    if (wait !== undefined) headers.wait = String(wait)
    const answer = await this.#exchange('POST', `/${encodeURIComponent(room)}`, headers, text)
    if (answer.status !== 200) throw apiError(answer.status, answer.body)
    return JSON.parse(answer.body) as { id: string, recipients: number, receipts?: number }
  }

  async publishLines (room: string, lines: Readable, meta: PublishMeta): Promise<{ lines: number, envelopes: number }> {
    return await this.#json(await this.#request('POST', `/${encodeURIComponent(room)}?lines=1`, metaHeaders(meta), lines))
  }

  /** New messages of ROOM as they arrive (stored ones newer than SINCE first). */
  async * subscribe (room: string, options: { since?: string } = {}): AsyncGenerator<ShownMessage> {
    const query = options.since !== undefined ? `?since=${encodeURIComponent(options.since)}` : ''
    const res = await this.#request('GET', `/${encodeURIComponent(room)}/json${query}`)
    if (res.statusCode !== 200) throw apiError(res.statusCode ?? 500, await readBody(res))
    for await (const line of createInterface({ input: res, crlfDelay: Infinity })) {
      if (line !== '') yield JSON.parse(line) as ShownMessage
    }
  }
}

/** A client for the daemon of this home directory, or undefined when none is running. */
export async function daemonClient (ctx: CommandContext): Promise<DaemonClient | undefined> {
  const socketPath = join(ctx.globals.home, SOCKET_FILE)
  if (!existsSync(socketPath)) return undefined
  // A connect is enough to know a daemon listens (a stale socket file refuses); cheaper than a request.
  // The connection is kept for the first one-shot request.
  const socket = connect(socketPath)
  const error = await new Promise<NodeJS.ErrnoException | undefined>(resolve => {
    socket.once('connect', () => { resolve(undefined) })
    socket.once('error', err => resolve(err))
  })
  if (error !== undefined) {
    ctx.out.debug(`no daemon answers at ${socketPath} (${error.code ?? 'error'}): running a node of our own`)
    return undefined
  }
  ctx.out.debug(`using the daemon at ${socketPath}`)
  return new DaemonClient(socketPath, socket)
}
