// Offline catch-up ("/conclave/sync/1.0.0"): a member that meets another member of a room asks
// for the envelopes it is missing — described by what it holds of each sender chain — and gets
// them raw, in pages, each validated exactly like a live envelope. Both sides live here.
import { ed25519Verify } from '../crypto/index.js'
import { HandshakeError } from '../errors.js'
import type { History } from '../store/index.js'
import type { FramedStream, Transport } from '../transport/index.js'
import { peerBinding, encodeJoinRefused } from '../wire/handshake.js'
import {
  SYNC_HAVE_CHAINS_MAX, SYNC_HAVE_MAX_BYTES, SYNC_HELLO_MAX_BYTES, SYNC_PAGE_ENVELOPES_MAX, SYNC_PAGE_MAX_BYTES, SYNC_PROTOCOL, SYNC_VERSION,
  type ChainHave, decodeSyncFrame, decodeSyncHave, decodeSyncHello, decodeSyncPage, encodeSyncFrame, encodeSyncHave, encodeSyncHello,
  encodeSyncPage, syncHelloSigningInput
} from '../wire/sync.js'
import type { Verdict } from './envelope.js'
import { hex, peerIdBytes, peerIdText } from './ids.js'
import type { Identity } from './identity.js'
import type { Room } from './room.js'

/** Frame overhead over the largest page (the SyncFrame wrapper). */
const FRAME_SLACK = 64
/** Rows read from the store at a time while serving. */
const ROWS_PER_QUERY = 512
/** How long the reader waits for the next page. */
const READ_TIMEOUT_MS = 30_000
/** How long the server waits for the hello and the have list. */
const HELLO_TIMEOUT_MS = 5_000
const GENERIC_REFUSAL = { code: 'NOT_MEMBER', message: 'this peer does not serve you' } as const
/**
 * Envelopes of one catch-up that may fail validation or be ones we had: an honest member serves
 * only what we lack (a few race with live gossip). Past this the peer is serving junk: we stop.
 */
const MAX_NOT_ACCEPTED = 512
/** A catch-up that failed is tried again this much later (times the failures so far), at most RETRIES times. */
const RETRY_AFTER_MS = 3_000
const RETRIES = 3
/** A catch-up that ended this recently is not run again for the same meeting. */
const RERUN_AFTER_MS = 2_000

export interface CatchUpComponents {
  identity: Identity
  history: History
  net: () => Transport
  room: (roomId: Uint8Array) => Room | undefined
  /** Validates one envelope exactly like a live one and, when accepted, stores and shows it. */
  deliver: (room: Room, envelope: Uint8Array, fromPeer: string) => Verdict
  /** Whether we are connected to PEER now (a failed catch-up is retried only then). */
  connected: (peer: string) => boolean
  /** Nothing sent before this is served (the retention age). */
  oldestMs: () => number
  log: (message: string, level?: number) => void
  /** Told after each page of a catch-up we receive. */
  progress?: (p: CatchUpProgress) => void
}

/** Per room: what catch-up did in this process (status --json). */
export interface CatchUpCounts { runs: number, running: number, received: number, accepted: number, served: number }

/** One catch-up under way: after every page, and once more when done. */
export interface CatchUpProgress { room: string, peer: string, received: number, accepted: number, total: number, done: boolean }

export class CatchUp {
  readonly #c: CatchUpComponents
  readonly #running = new Map<string, Promise<void>>()
  /** When the last catch-up of (room, peer) ended: a meeting reported twice (the connection, then its keys exchange) runs one. */
  readonly #endedAt = new Map<string, number>()
  /** Failed catch-ups in a row per (room, peer). */
  readonly #failures = new Map<string, number>()
  readonly counts = new Map<string, CatchUpCounts>()

  constructor (components: CatchUpComponents) {
    this.#c = components
  }

  #counts (room: Room): CatchUpCounts {
    let c = this.counts.get(room.name)
    if (c === undefined) this.counts.set(room.name, c = { runs: 0, running: 0, received: 0, accepted: 0, served: 0 })
    return c
  }

  /**
   * Catches ROOM up from PEER (a member's node) in the background; one run per (room, peer) at a
   * time, and none again within RERUN_AFTER_MS of the last unless FORCE.
   */
  start (room: Room, peer: string, force = false): Promise<void> {
    const key = `${hex(room.roomId)}:${peer}`
    const running = this.#running.get(key)
    if (running !== undefined) return running
    if (!force && Date.now() - (this.#endedAt.get(key) ?? -Infinity) < RERUN_AFTER_MS) return Promise.resolve()
    const p = this.#run(room, peer).then(() => { this.#failures.delete(key) }, (err: unknown) => {
      this.#c.log(`room ${room.name}: catch-up from ${peer} failed: ${(err as Error).message}`)
      // A busy or briefly unreachable member: try again a few times while we still meet it.
      const failures = (this.#failures.get(key) ?? 0) + 1
      this.#failures.set(key, failures)
      if (failures <= RETRIES) {
        const timer = setTimeout(() => { if (this.#c.connected(peer)) void this.start(room, peer, true) }, RETRY_AFTER_MS * failures)
        timer.unref()
      } else {
        this.#failures.delete(key)
      }
    }).finally(() => {
      this.#running.delete(key)
      this.#endedAt.set(key, Date.now())
      if (this.#endedAt.size > 4096) this.#endedAt.delete(this.#endedAt.keys().next().value!)
    })
    this.#running.set(key, p)
    return p
  }

  async #run (room: Room, peer: string): Promise<void> {
    const counts = this.#counts(room)
    counts.runs++
    counts.running++
    let stream: FramedStream | undefined
    try {
      stream = await this.#c.net().openStream(peer, SYNC_PROTOCOL, { maxFrameBytes: SYNC_PAGE_MAX_BYTES + FRAME_SLACK, readTimeoutMs: READ_TIMEOUT_MS })
      const me = this.#c.identity
      const bind = peerBinding(peerIdBytes(me.peerId), peerIdBytes(stream.remotePeer))
      const member = me.memberPublicKey
      const signature = me.memberKey.sign(syncHelloSigningInput(room.roomId, member, bind))
      await stream.write(encodeSyncFrame({ type: 'hello', bytes: encodeSyncHello({ version: SYNC_VERSION, roomId: room.roomId, member, signature }) }))
      const chains: ChainHave[] = room.haves().slice(0, SYNC_HAVE_CHAINS_MAX)
      await stream.write(encodeSyncFrame({ type: 'have', bytes: encodeSyncHave({ chains }) }))
      let received = 0
      let accepted = 0
      let total = 0
      while (true) {
        const bytes = await stream.read()
        if (bytes === undefined) throw new HandshakeError('the peer ended the catch-up before its last page')
        const frame = decodeSyncFrame(bytes)
        if (frame.type === 'refused') throw new HandshakeError('the peer refused to catch us up')
        if (frame.type !== 'page') throw new HandshakeError(`unexpected ${frame.type} frame in a catch-up`)
        const page = decodeSyncPage(frame.bytes)
        if (received === 0 && page.total > 0) total = page.total
        for (const envelope of page.envelopes) {
          received++
          counts.received++
          if (this.#c.deliver(room, envelope, peer) === 'accept') { accepted++; counts.accepted++ }
          if (received - accepted > MAX_NOT_ACCEPTED) throw new HandshakeError(`the peer served ${received - accepted} envelopes we could not accept: stopped`)
        }
        if (page.envelopes.length > 0) this.#c.log(`room ${room.name}: catching up from ${peer}: ${received} of ${Math.max(total, received)} received, ${accepted} new`, 1)
        this.#c.progress?.({ room: room.name, peer, received, accepted, total: Math.max(total, received), done: page.done })
        if (page.done) break
      }
      await stream.finish(2000)
      if (received > 0) this.#c.log(`room ${room.name}: caught up from ${peer}: ${accepted} new message(s) of ${received} received`)
    } catch (err) {
      stream?.abort(err instanceof Error ? err : new Error(String(err)))
      throw err
    } finally {
      counts.running--
    }
  }

  /** Serves one catch-up request: only to a current member (that can read) on the peer the log names for it. */
  async serve (stream: FramedStream, remotePeer: string): Promise<void> {
    // the hello comes from a peer that proved nothing yet: a short deadline, a small frame
    const hello = decodeSyncHelloFrame(await stream.read(SYNC_HELLO_MAX_BYTES + FRAME_SLACK, HELLO_TIMEOUT_MS))
    const room = hello === undefined ? undefined : this.#c.room(hello.roomId)
    const entry = room === undefined || hello === undefined ? undefined : room.log.member(hello.member)
    const ok = room !== undefined && hello !== undefined && entry !== undefined &&
      (entry.role === 'member' || entry.role === 'admin') && !room.log.isRevoked(hello.member) &&
      peerIdText(entry.peerId) === remotePeer &&
      ed25519Verify(hello.member, syncHelloSigningInput(hello.roomId, hello.member, peerBinding(peerIdBytes(remotePeer), peerIdBytes(this.#c.identity.peerId))), hello.signature)
    if (!ok) {
      await stream.write(encodeSyncFrame({ type: 'refused', bytes: encodeJoinRefused(GENERIC_REFUSAL) }))
      return
    }
    const haveFrame = await stream.read(SYNC_HAVE_MAX_BYTES + FRAME_SLACK, HELLO_TIMEOUT_MS)
    if (haveFrame === undefined) throw new HandshakeError('the peer sent no have list')
    const f = decodeSyncFrame(haveFrame)
    if (f.type !== 'have') throw new HandshakeError(`expected a have list, got a ${f.type} frame`)
    const haves = new Map<string, { start: number, next: number, missing: Set<number> }>()
    for (const c of decodeSyncHave(f.bytes).chains) haves.set(`${c.epoch}:${hex(c.sender)}`, { start: c.startIndex, next: c.nextIndex, missing: new Set(c.missing) })
    const reader = hex(hello.member)
    const oldest = this.#c.oldestMs()
    /** Whether the reader lacks, and may read, the row's envelope. */
    const wanted = (r: { ts: number, sender: Uint8Array, epoch: number | null, chainIndex: number | null }): boolean => {
      if (r.epoch === null || r.chainIndex === null || r.ts < oldest) return false
      const senderHex = hex(r.sender)
      if (senderHex === reader) return false // its own: it has them
      const have = haves.get(`${r.epoch}:${senderHex}`)
      // No chain of that sender and epoch: it cannot read those (or was not a member then).
      if (have === undefined || r.chainIndex < have.start) return false
      if (r.chainIndex < have.next && !have.missing.has(r.chainIndex)) return false
      return room.log.isMember(hello.member, r.epoch)
    }
    // Two passes over the store, one page of rows at a time: count (for the reader's progress),
    // then send. Neither holds more than ROWS_PER_QUERY rows in memory.
    let total = 0
    for (let after = 0; ;) {
      const rows = this.#c.history.syncMeta(room.roomId, after, 4 * ROWS_PER_QUERY)
      for (const r of rows) { after = r.rowid; if (wanted(r)) total++ }
      if (rows.length < 4 * ROWS_PER_QUERY) break
    }
    let page: Uint8Array[] = []
    let pageBytes = 0
    let first = true
    const counts = this.#counts(room)
    const flush = async (done: boolean): Promise<void> => {
      await stream.write(encodeSyncFrame({ type: 'page', bytes: encodeSyncPage({ envelopes: page, done, total: first ? total : 0 }) }))
      counts.served += page.length
      first = false
      page = []
      pageBytes = 0
    }
    for (let after = 0; ;) {
      const rows = this.#c.history.syncPage(room.roomId, after, ROWS_PER_QUERY)
      for (const r of rows) {
        after = r.rowid
        if (!wanted(r)) continue
        if (page.length === SYNC_PAGE_ENVELOPES_MAX || pageBytes + r.envelope.length + 8 > SYNC_PAGE_MAX_BYTES) await flush(false)
        page.push(r.envelope)
        pageBytes += r.envelope.length + 8
      }
      if (rows.length < ROWS_PER_QUERY) break
    }
    await flush(true)
  }
}

function decodeSyncHelloFrame (bytes: Uint8Array | undefined): ReturnType<typeof decodeSyncHello> | undefined {
  if (bytes === undefined) return undefined
  try {
    const f = decodeSyncFrame(bytes)
    return f.type === 'hello' ? decodeSyncHello(f.bytes) : undefined
  } catch {
    return undefined
  }
}

export { SYNC_PROTOCOL }
