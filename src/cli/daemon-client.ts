// Talks to a running `conclave daemon` over its Unix socket: commands use it automatically
// (no second node, no store-lock conflict) and fall back to their own node when none answers.
import { request, type IncomingMessage } from 'node:http'
import { existsSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { createInterface } from 'node:readline'
import { ConclaveError, NobodyReachableError, UsageError } from '../errors.js'
import type { ShownMessage } from '../room/service.js'
import type { CommandContext } from './command.js'
import { SOCKET_FILE } from '../config.js'
import type { StatusInfo } from './status-info.js'

export interface PublishMeta { title?: string, priority?: number, tags?: string[] }

function metaHeaders (meta: PublishMeta): Record<string, string> {
  const h: Record<string, string> = {}
  if (meta.title !== undefined) h.title = encodeURIComponent(meta.title)
  if (meta.priority !== undefined) h.priority = String(meta.priority)
  if (meta.tags !== undefined && meta.tags.length > 0) h.tags = meta.tags.join(',')
  return h
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
  constructor (readonly socketPath: string) {}

  #request (method: string, path: string, headers: Record<string, string> = {}, body?: Readable | string): Promise<IncomingMessage> {
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
    return await this.#json(await this.#request('POST', `/${encodeURIComponent(room)}`, headers, text))
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
  const error = await new Promise<NodeJS.ErrnoException | undefined>(resolve => {
    const socket = connect(socketPath)
    socket.once('connect', () => { socket.destroy(); resolve(undefined) })
    socket.once('error', err => resolve(err))
  })
  if (error !== undefined) {
    ctx.out.debug(`no daemon answers at ${socketPath} (${error.code ?? 'error'}): running a node of our own`)
    return undefined
  }
  ctx.out.debug(`using the daemon at ${socketPath}`)
  return new DaemonClient(socketPath)
}
