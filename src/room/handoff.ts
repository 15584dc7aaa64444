// Hand-off confirmation between gossip neighbours ("/conclave/handoff/1.0.0"): before a one-shot
// sender exits it asks each neighbour it published to whether that neighbour has accepted the
// envelope with a given message id. Gossipsub streams deliver in order, so an accepted last
// envelope means everything before it arrived too; the neighbour then forwards on its own, and
// the sender may close without cutting off what the neighbour had not read yet.
// Request: the 32-byte message id. Answer: one byte, 1 = accepted, 0 = not (within the wait).
import type { FramedStream } from '../transport/index.js'
import { hex } from './ids.js'

export const HANDOFF_PROTOCOL = '/conclave/handoff/1.0.0'
const ID_BYTES = 32
/** How long a neighbour waits for an envelope it has not accepted yet before answering 0. */
const SERVE_WAIT_MS = 10_000
/** Ids remembered as accepted (enough for the last envelopes of any sender). */
const REMEMBERED = 4096
/** Questions waiting for an answer at once, across all peers: past it, one is answered at once. */
const MAX_WAITING = 256
/** How long a neighbour may take to send its question. */
const READ_DEADLINE_MS = 5_000

export class HandoffTracker {
  readonly #accepted = new Set<string>()
  readonly #waiters = new Map<string, Array<() => void>>()
  readonly #serveWaitMs: number
  readonly #readDeadlineMs: number
  #waiting = 0

  constructor (options: { serveWaitMs?: number, readDeadlineMs?: number } = {}) {
    this.#serveWaitMs = options.serveWaitMs ?? SERVE_WAIT_MS
    this.#readDeadlineMs = options.readDeadlineMs ?? READ_DEADLINE_MS
  }

  /** Questions waiting now (bounded by MAX_WAITING; each leaves when answered or timed out). */
  get waiting (): number { return this.#waiting }

  /** Record an accepted envelope by its message id in hex (the validator calls this). */
  accepted (key: string): void {
    this.#accepted.add(key)
    if (this.#accepted.size > REMEMBERED) this.#accepted.delete(this.#accepted.values().next().value!)
    for (const wake of this.#waiters.get(key) ?? []) wake()
    this.#waiters.delete(key)
  }

  async #wait (key: string, timeoutMs: number): Promise<boolean> {
    if (this.#accepted.has(key)) return true
    if (this.#waiting >= MAX_WAITING) return false // a flood of questions about unknown ids
    this.#waiting++
    return await new Promise<boolean>(resolve => {
      const wake = (): void => { clearTimeout(timer); this.#waiting--; resolve(true) }
      const timer = setTimeout(() => {
        // leave nothing behind: a peer asking about ids that never come must not grow our state
        const list = this.#waiters.get(key)
        const i = list?.indexOf(wake) ?? -1
        if (i >= 0) list!.splice(i, 1)
        if (list?.length === 0) this.#waiters.delete(key)
        this.#waiting--
        resolve(this.#accepted.has(key))
      }, timeoutMs)
      const list = this.#waiters.get(key) ?? []
      list.push(wake)
      this.#waiters.set(key, list)
    })
  }

  /** Answers one question on an inbound stream. */
  async serve (stream: FramedStream): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const id = await Promise.race([
      stream.read(ID_BYTES),
      new Promise<undefined>(resolve => { timer = setTimeout(() => resolve(undefined), this.#readDeadlineMs) })
    ]).finally(() => { clearTimeout(timer) })
    if (id === undefined || id.length !== ID_BYTES) { stream.abort(new Error('malformed or late hand-off request')); return }
    const ok = await this.#wait(hex(id), this.#serveWaitMs)
    await stream.write(Uint8Array.of(ok ? 1 : 0))
    await stream.close()
  }
}

/** Asks one neighbour over STREAM whether it accepted ID; false on any failure. */
export async function askHandoff (stream: FramedStream, id: Uint8Array): Promise<boolean> {
  try {
    await stream.write(id)
    const answer = await stream.read(1)
    await stream.close()
    return answer?.[0] === 1
  } catch {
    return false
  }
}
