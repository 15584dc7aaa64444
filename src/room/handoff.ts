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
/** Questions one peer may have waiting at once (a one-shot asks one per neighbour and room). */
const MAX_WAITING_PER_PEER = 16
/** How long a neighbour may take to send its question. */
const READ_DEADLINE_MS = 5_000

export class HandoffTracker {
  readonly #accepted = new Set<string>()
  readonly #waiters = new Map<string, Array<() => void>>()
  readonly #serveWaitMs: number
  readonly #readDeadlineMs: number
  readonly #waitingByPeer = new Map<string, number>()
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

  /**
   * Answers one question on an inbound stream from PEER. Only a peer that subscribes to one of our
   * rooms' topics (SUBSCRIBER) can have published to us, so only such a peer is answered; and at
   * most MAX_WAITING_PER_PEER of its questions wait at once. The caller finishes the stream.
   */
  async serve (stream: FramedStream, peer: string, subscriber: boolean): Promise<void> {
    if (!subscriber) { stream.abort(new Error('hand-off question from a peer in none of our topics')); return }
    const id = await stream.read(ID_BYTES, this.#readDeadlineMs)
    if (id === undefined || id.length !== ID_BYTES) { stream.abort(new Error('malformed hand-off request')); return }
    const mine = this.#waitingByPeer.get(peer) ?? 0
    if (mine >= MAX_WAITING_PER_PEER) { await stream.write(Uint8Array.of(this.#accepted.has(hex(id)) ? 1 : 0)); return }
    this.#waitingByPeer.set(peer, mine + 1)
    let ok: boolean
    try {
      ok = await this.#wait(hex(id), this.#serveWaitMs)
    } finally {
      const left = (this.#waitingByPeer.get(peer) ?? 1) - 1
      if (left > 0) this.#waitingByPeer.set(peer, left)
      else this.#waitingByPeer.delete(peer)
    }
    await stream.write(Uint8Array.of(ok ? 1 : 0))
  }
}

/** Asks one neighbour over STREAM whether it accepted ID; false on any failure. */
export async function askHandoff (stream: FramedStream, id: Uint8Array): Promise<boolean> {
  try {
    await stream.write(id)
    const answer = await stream.read(1, SERVE_WAIT_MS + READ_DEADLINE_MS)
    await stream.finish(1000)
    return answer?.[0] === 1
  } catch {
    return false
  }
}
