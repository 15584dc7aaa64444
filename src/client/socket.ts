// The Client over the home's control socket: every command of a home whose node runs in another
// process (daemon, listen, chat) goes through it, with the same results as without one.
import { request, type IncomingMessage } from 'node:http'
import { connect, type Socket } from 'node:net'
import { Readable } from 'node:stream'
import { createInterface } from 'node:readline'
import { ConclaveError, ExitCode, NobodyReachableError, NotConfirmedError, RemoteError, UsageError } from '../errors.js'
import { MessageQueue } from './queue.js'
import type {
  Client, InviteOptions, InviteResult, JoinResult, LinesOptions, LinesResult, MemberInfo, MembershipOptions,
  MembershipResult, MessageMeta, PublishOptions, PublishResult, RoleName, RoomInfo, ShownMessage, StatusInfo, Subscription
} from './types.js'

/** Largest answer a one-shot request accepts (the node's are a few hundred bytes of JSON; history more). */
const MAX_ANSWER_BYTES = 64 << 20

/** The node went away while a request was under way (its owner exited): the caller may take over. */
export class NodeGoneError extends ConclaveError {
  override name = 'NodeGoneError'
  /** Not one byte of an answer came back: the node went away before it took the request, which may be sent again. */
  unanswered = false
}

/** Title and each tag percent-encoded (the node decodes them), so any text is a valid header value. */
function metaHeaders (meta: MessageMeta): Record<string, string> {
  const h: Record<string, string> = {}
  if (meta.title !== undefined) h.title = encodeURIComponent(meta.title)
  if (meta.priority !== undefined) h.priority = String(meta.priority)
  if (meta.tags !== undefined && meta.tags.length > 0) h.tags = meta.tags.map(encodeURIComponent).join(',')
  return h
}

/** Body of an HTTP/1.1 answer in chunked transfer coding. */
function dechunk (data: Buffer): Buffer {
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const eol = data.indexOf('\r\n', at)
    if (eol < 0) throw new ConclaveError('the node sent a truncated answer')
    const size = Number.parseInt(data.subarray(at, eol).toString('latin1'), 16)
    if (!Number.isSafeInteger(size) || size < 0) throw new ConclaveError('the node sent a malformed answer')
    if (size === 0) return Buffer.concat(parts)
    parts.push(data.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
}

/** Status and body of one raw HTTP/1.1 answer read to the end of the connection. */
export function parseAnswer (data: Buffer): { status: number, body: string } {
  const end = data.indexOf('\r\n\r\n')
  if (end < 0) throw new NodeGoneError('the node closed the connection without an answer')
  const [statusLine = '', ...fields] = data.subarray(0, end).toString('latin1').split('\r\n')
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]
  if (status === undefined) throw new ConclaveError('the node sent a malformed answer')
  const headers = new Map(fields.map(f => [f.slice(0, f.indexOf(':')).trim().toLowerCase(), f.slice(f.indexOf(':') + 1).trim()]))
  let body = data.subarray(end + 4)
  if (headers.get('transfer-encoding')?.toLowerCase() === 'chunked') body = dechunk(body)
  else if (headers.has('content-length')) body = body.subarray(0, Number(headers.get('content-length')))
  return { status: Number(status), body: body.toString('utf8') }
}

/** The node's error JSON → the error (message, hint, exit code) the command would have had itself. */
export function apiError (status: number, body: string): ConclaveError {
  let parsed: { error?: string, hint?: string, exit?: number, receipts?: number } = {}
  try { parsed = JSON.parse(body) } catch {}
  const message = parsed.error ?? `the node answered ${status}`
  const options = parsed.hint !== undefined ? { hint: parsed.hint } : {}
  if (typeof parsed.receipts === 'number') return new NotConfirmedError(message, { ...options, receipts: parsed.receipts })
  if (typeof parsed.exit === 'number' && Object.values(ExitCode).includes(parsed.exit as ExitCode)) return new RemoteError(message, { ...options, exitCode: parsed.exit as ExitCode })
  if (status === 504) return new NobodyReachableError(message, options)
  if (status === 400 || status === 404) return new UsageError(message, options)
  return new ConclaveError(message, options)
}

function gone (err: unknown): ConclaveError {
  if (err instanceof ConclaveError) return err
  return new NodeGoneError(`the home's node went away (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { hint: 'run the command again' })
}

async function readBody (res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of res) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

const room = (ref: string): string => `/${encodeURIComponent(ref)}`

export class SocketClient implements Client {
  readonly via = 'node' as const
  /** The probe's connection, kept for the first one-shot request. */
  #spare: Socket | undefined

  constructor (readonly socketPath: string, spare?: Socket) {
    this.#spare = spare
  }

  /**
   * One request whose body is known up front, answered with a JSON body: written as plain
   * HTTP/1.1 on the socket and read to its end (Connection: close). node:http's client costs
   * ~13 ms of set-up per process, more than the node's whole answer (bench/oneshot).
   */
  async #exchange (method: string, path: string, headers: Record<string, string> = {}, body = ''): Promise<string> {
    const payload = Buffer.from(body, 'utf8')
    const head = [`${method} ${path} HTTP/1.1`, 'Host: localhost', 'Connection: close', `Content-Length: ${payload.length}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n') + '\r\n\r\n'
    const socket = this.#spare ?? connect(this.socketPath)
    this.#spare = undefined
    const answer = await new Promise<{ status: number, body: string }>((resolve, reject) => {
      const chunks: Buffer[] = []
      let size = 0
      socket.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > MAX_ANSWER_BYTES) { socket.destroy(); reject(new ConclaveError('the node sent an over-long answer')); return }
        chunks.push(chunk)
      })
      const fail = (err: unknown): void => {
        if (err instanceof NodeGoneError && size === 0) err.unanswered = true
        reject(err)
      }
      socket.once('error', err => fail(gone(err)))
      socket.once('close', () => {
        try { resolve(parseAnswer(Buffer.concat(chunks))) } catch (err) { fail(err) }
      })
      socket.write(Buffer.concat([Buffer.from(head, 'latin1'), payload]))
    })
    if (answer.status !== 200) throw apiError(answer.status, answer.body)
    return answer.body
  }

  async #json<T> (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const text = body === undefined ? '' : JSON.stringify(body)
    return JSON.parse(await this.#exchange(method, path, body === undefined ? headers : { 'content-type': 'application/json', ...headers }, text)) as T
  }

  #stream (method: string, path: string, headers: Record<string, string>, body?: Readable): Promise<IncomingMessage> {
    this.#spare?.destroy() // node:http makes its own connection
    this.#spare = undefined
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, method, path, headers }, resolve)
      req.on('error', err => reject(gone(err)))
      if (body === undefined) req.end()
      else body.pipe(req)
    })
  }

  async rooms (): Promise<RoomInfo[]> { return await this.#json('GET', '/_/rooms') }
  async members (ref: string): Promise<MemberInfo[]> { return await this.#json('GET', `${room(ref)}/members`) }
  async createRoom (name: string): Promise<RoomInfo> { return await this.#json('POST', '/_/rooms', { name }) }
  async invite (ref: string, options: InviteOptions): Promise<InviteResult> { return await this.#json('POST', `${room(ref)}/invite`, options) }
  async join (ticket: string, options: { name?: string, timeoutMs: number }): Promise<JoinResult> { return await this.#json('POST', '/_/join', { ticket, ...options }) }
  async status (): Promise<StatusInfo> { return await this.#json('GET', '/status') }

  async kick (ref: string, member: string, options: MembershipOptions & { reason?: string }): Promise<MembershipResult> {
    return await this.#json('POST', `${room(ref)}/kick`, { member, reason: options.reason, timeoutMs: options.timeoutMs })
  }

  async leave (ref: string, options: MembershipOptions): Promise<MembershipResult> {
    return await this.#json('POST', `${room(ref)}/leave`, { timeoutMs: options.timeoutMs })
  }

  async setRole (ref: string, member: string, role: RoleName, options: MembershipOptions): Promise<MembershipResult> {
    return await this.#json('POST', `${room(ref)}/role`, { member, role, timeoutMs: options.timeoutMs })
  }

  async revoke (ref: string, options: MembershipOptions & { ticket?: string, all?: boolean }): Promise<MembershipResult> {
    return await this.#json('POST', `${room(ref)}/revoke`, { ticket: options.ticket, all: options.all, timeoutMs: options.timeoutMs })
  }

  async history (ref: string, options: { limit: number, sinceMs?: number }): Promise<ShownMessage[]> {
    const q = new URLSearchParams({ poll: '1', limit: String(options.limit) })
    if (options.sinceMs !== undefined) q.set('since_ms', String(options.sinceMs))
    const body = await this.#exchange('GET', `${room(ref)}/json?${q.toString()}`)
    return body.split('\n').filter(l => l !== '').map(l => JSON.parse(l) as ShownMessage)
  }

  async publish (ref: string, text: string, meta: MessageMeta, options: PublishOptions): Promise<PublishResult> {
    const headers = metaHeaders(meta)
    if (options.wait !== undefined) headers.wait = String(options.wait)
    headers.timeout = `${options.timeoutMs}ms`
    if (options.alone !== undefined) headers.alone = options.alone
    return JSON.parse(await this.#exchange('POST', room(ref), headers, text)) as PublishResult
  }

  async publishLines (ref: string, source: AsyncIterable<string[]>, options: LinesOptions): Promise<LinesResult> {
    const headers = { ...metaHeaders(options), timeout: `${options.timeoutMs}ms`, 'transfer-encoding': 'chunked' }
    const body = Readable.from((async function * () { for await (const lines of source) if (lines.length > 0) yield lines.join('\n') + '\n' })())
    const res = await this.#stream('POST', `${room(ref)}?lines=1`, headers, body)
    const text = await readBody(res)
    if (res.statusCode !== 200) throw apiError(res.statusCode ?? 500, text)
    return JSON.parse(text) as LinesResult
  }

  async subscribe (refs: string[], options: { sinceMs?: number }): Promise<Subscription> {
    const queue = new MessageQueue()
    const q = options.sinceMs !== undefined ? `?since_ms=${options.sinceMs}` : ''
    const responses = await Promise.all(refs.map(async ref => {
      const res = await this.#stream('GET', `${room(ref)}/json${q}`, {})
      if (res.statusCode !== 200) {
        const err = apiError(res.statusCode ?? 500, await readBody(res))
        throw err
      }
      return res
    })).catch(err => { queue.close(); throw err })
    queue.onClose(() => { for (const res of responses) res.destroy() })
    for (const res of responses) {
      void (async () => {
        try {
          for await (const line of createInterface({ input: res, crlfDelay: Infinity })) if (line !== '') queue.push(JSON.parse(line) as ShownMessage)
          queue.close(new NodeGoneError('the home\'s node stopped'))
        } catch (err) {
          queue.close(gone(err))
        }
      })()
    }
    return queue
  }

  async close (): Promise<void> {
    this.#spare?.destroy()
    this.#spare = undefined
  }
}

/** A client of the node serving SOCKETPATH, or undefined when none answers there. */
export async function probeSocket (socketPath: string): Promise<SocketClient | undefined> {
  // A connect is enough to know a node listens (a stale socket file refuses); cheaper than a
  // request. The connection is kept for the first one-shot request.
  const socket = connect(socketPath)
  const ok = await new Promise<boolean>(resolve => {
    socket.once('connect', () => { resolve(true) })
    socket.once('error', () => { resolve(false) })
  })
  if (!ok) { socket.destroy(); return undefined }
  return new SocketClient(socketPath, socket)
}
