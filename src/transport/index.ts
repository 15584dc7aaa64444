// The transport layer's public face: a started libp2p node as bytes in, bytes out (topics and framed streams).
//
// It knows nothing about rooms, members or the app's crypto: topics are opaque strings, messages
// opaque bytes judged by the caller's validator, streams carry opaque frames. See node.ts for the
// libp2p configuration and pubsub.ts for the gossipsub choices (each documented where it is set).
import type { ComponentLogger, Connection, Logger, PeerId, PrivateKey, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import { TransportError } from '../errors.js'
import { createNode } from './node.js'
import type { ConclaveLibp2p } from './node.js'
import { DEFAULT_MAX_MESSAGE_BYTES, Pubsub } from './pubsub.js'
import type { MessageHandler, PeerFilter, PublishOutcome, TopicValidator } from './pubsub.js'
import { FramedStream } from './streams.js'

export { FramedStream, encodeFrameLength, decodeFrameLength, DEFAULT_READ_TIMEOUT_MS } from './streams.js'
export { DEFAULT_MAX_MESSAGE_BYTES, IGNORE_LIMIT, IGNORE_WINDOW_MS, MAX_TOPICS_PER_PEER, CHAT_TOPIC_SCORE, SCORE_PARAMS, SCORE_THRESHOLDS, messageId } from './pubsub.js'
export type { Verdict, TopicValidator, MessageHandler, PeerFilter, PublishOutcome } from './pubsub.js'
export { peerPrivateKeyFromSeed, peerIdFromSeed } from './peer-key.js'
export type { ConclaveLibp2p } from './node.js'

/** Default maximum frame on a direct stream (handshake, sync batches). */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024

export interface TransportComponents {
  privateKey: PrivateKey
  logger?: ComponentLogger
}

export interface TransportOptions {
  /** Listen multiaddrs, e.g. ['/ip4/0.0.0.0/tcp/0']. */
  listen: string[]
  /** Bootstrap multiaddrs with /p2p/<id>; dialled at start. Default none (no public list ever). */
  bootstrap?: string[]
  /** Discover and dial peers on the LAN by mDNS. */
  mdns: boolean
  /** Largest message data accepted or published on a topic. Default 64 KiB + 1 KiB. */
  maxMessageBytes?: number
  /** Largest frame on a framed stream unless a handler/openStream says otherwise. Default 1 MiB. */
  maxFrameBytes?: number

}

export type PeerEvent = 'peer:connect' | 'peer:disconnect' | 'peer:banned'
export type StreamHandler = (stream: FramedStream, remotePeer: string) => void | Promise<void>

/** How long a finished handler's stream may take to close on both sides before it is aborted. */
const FINISH_GRACE_MS = 2_000
/** Inbound streams of one protocol one connection may have open at once (libp2p's default is 32). */
const DEFAULT_MAX_INBOUND_STREAMS = 8

/**
 * A count of handler runs shared by several protocols: past `limit` running at once, a new
 * inbound stream is aborted before its handler runs (a budget for work done for peers that have
 * not proved anything yet, across all connections).
 */
export class StreamBudget {
  readonly limit: number
  /** Of the limit, at most this many for one peer. */
  readonly perPeer: number
  #running = 0
  readonly #byPeer = new Map<string, number>()
  readonly #turnedAway = new Map<string, number>()
  /** Streams aborted because the budget was spent. */
  refused = 0

  constructor (limit: number, perPeer: number = limit) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`"limit" expected a positive integer, got ${limit}`)
    this.limit = limit
    this.perPeer = Math.max(1, Math.min(perPeer, limit))
  }

  get running (): number { return this.#running }

  /** Handler runs PEER holds now. */
  runningFor (peer: string): number { return this.#byPeer.get(peer) ?? 0 }

  /** Streams of PEER turned away so far (since its count was last forgotten). */
  turnedAway (peer: string): number { return this.#turnedAway.get(peer) ?? 0 }

  take (peer = ''): boolean {
    if (this.#running >= this.limit || this.runningFor(peer) >= this.perPeer) {
      this.refused++
      this.#turnedAway.set(peer, this.turnedAway(peer) + 1)
      if (this.#turnedAway.size > 4096) this.#turnedAway.delete(this.#turnedAway.keys().next().value!)
      return false
    }
    this.#running++
    this.#byPeer.set(peer, this.runningFor(peer) + 1)
    return true
  }

  release (peer = ''): void {
    this.#running--
    const left = this.runningFor(peer) - 1
    if (left > 0) this.#byPeer.set(peer, left)
    else this.#byPeer.delete(peer)
  }
}

export interface HandleOptions {
  /** Largest frame on these streams. Default: the transport's maxFrameBytes. */
  maxFrameBytes?: number
  /** Streams of this protocol one connection may have open at once. Default 8. */
  maxInboundStreams?: number
  /** Deadline of each read (ms). Default DEFAULT_READ_TIMEOUT_MS. */
  readTimeoutMs?: number
  /** Shared budget of concurrent handler runs (see StreamBudget). */
  budget?: StreamBudget
}

/** Where to dial: a multiaddr string (with /p2p/<id> to pin the peer) or a peer id string. */
export type PeerTarget = string

/** How long a peer that flooded us is scored down and refused (inbound and outbound). */
const ABUSE_BAN_MS = 60_000
/** gossipsub behaviour penalty for a flood: weight -10 × 10² puts the peer far below graylist (-80). */
const ABUSE_PENALTY = 10
/** Streams of one peer that may break their limits within STRIKES_WINDOW_MS before it is banned. */
const STRIKES_LIMIT = 32
const STRIKES_WINDOW_MS = 60_000

/** A started libp2p node. Create with createTransport; call stop() once. */
export class Transport {
  readonly peerId: string
  readonly maxFrameBytes: number
  /** The underlying node, for diagnostics and tests; application code should not need it. */
  readonly libp2p: ConclaveLibp2p
  readonly #pubsub: Pubsub
  readonly #log: Logger
  readonly #listeners = new Map<PeerEvent, Set<(peerId: string) => void>>()
  readonly #banned: Map<string, number>
  /** Why each peer was last banned (for the node's log). */
  readonly #lastBanReason = new Map<string, string>()
  #vouched: ((peer: string) => boolean) | undefined
  /** Streams of a peer that ended in a protocol violation (oversized frame, deadline), in the current window. */
  readonly #strikes = new Map<string, { count: number, since: number }>()
  #stopped = false

  constructor (node: ConclaveLibp2p, options: { maxMessageBytes: number, maxFrameBytes: number, dialDiscovered: boolean, banned: Map<string, number> }) {
    this.libp2p = node
    this.#banned = options.banned
    this.peerId = node.peerId.toString()
    this.maxFrameBytes = options.maxFrameBytes
    this.#log = node.logger.forComponent('conclave:transport')
    this.#pubsub = new Pubsub({
      pubsub: node.services.pubsub,
      log: this.#log,
      onAbusive: (peer) => { this.ban(peer, ABUSE_BAN_MS, 'ignored messages or topic subscriptions far above a sane rate') }
    }, { maxMessageBytes: options.maxMessageBytes })
    node.addEventListener('peer:connect', (evt) => {
      this.#pubsub.notifyChange()
      this.#emit('peer:connect', evt.detail.toString())
    })
    node.addEventListener('peer:disconnect', (evt) => {
      this.#pubsub.forgetPeer(evt.detail.toString())
      this.#strikes.delete(evt.detail.toString())
      this.#emit('peer:disconnect', evt.detail.toString())
    })
    // libp2p 3 only records discovered peers; dialling them is ours to do (mDNS; bootstrap dials itself).
    if (options.dialDiscovered) {
      node.addEventListener('peer:discovery', (evt) => {
        const { id, multiaddrs } = evt.detail
        if (id.equals(node.peerId) || node.getConnections(id).length > 0) return
        const idStr = id.toString()
        const addrs = multiaddrs.map(ma => ma.getComponents().some(c => c.name === 'p2p') ? ma : ma.encapsulate(`/p2p/${idStr}`))
        node.dial(addrs.length > 0 ? addrs : id).catch((err: unknown) => {
          this.#log('could not dial discovered peer %s - %e', idStr, err)
        })
      })
    }
  }

  get maxMessageBytes (): number {
    return this.#pubsub.maxMessageBytes
  }

  /** Our listen addresses with /p2p/<peer id>, as strings. */
  multiaddrs (): string[] {
    return this.libp2p.getMultiaddrs().map(ma => ma.toString())
  }

  /** Peer ids with at least one open connection. */
  connections (): string[] {
    const ids = new Set<string>()
    for (const conn of this.libp2p.getConnections()) if (conn.status === 'open') ids.add(conn.remotePeer.toString())
    return [...ids]
  }

  /** Listen for peers connecting/disconnecting (first connection / last connection). Returns an unsubscribe function. */
  on (event: PeerEvent, listener: (peerId: string) => void): () => void {
    let set = this.#listeners.get(event)
    if (set === undefined) this.#listeners.set(event, set = new Set())
    set.add(listener)
    return () => { set.delete(listener) }
  }

  #emit (event: PeerEvent, peerId: string): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        listener(peerId)
      } catch (err) {
        this.#log.error('%s listener threw - %e', event, err)
      }
    }
  }

  /**
   * Scores PEER down in gossipsub, closes its connections and refuses it for MS (the node's
   * connection gater consults the same list). For peers that flood us; logged with REASON.
   */
  ban (peer: string, ms: number, reason: string): void {
    this.#banned.set(peer, Date.now() + ms)
    this.#pubsub.penalize(peer, ABUSE_PENALTY)
    this.#log('banning %s for %d ms: %s', peer, ms, reason)
    this.#lastBanReason.set(peer, reason)
    this.#emit('peer:banned', peer)
    try {
      this.libp2p.hangUp(peerIdFromString(peer)).catch((err: unknown) => { this.#log('could not hang up on %s - %e', peer, err) })
    } catch (err) {
      this.#log('could not hang up on %s - %e', peer, err)
    }
  }

  /**
   * PEER did something no honest peer does often: a stream broke its limits (a frame over the
   * limit, no frame by the deadline), or a handshake it started was refused. Past STRIKES_LIMIT
   * within STRIKES_WINDOW_MS the peer is banned. An honest peer on a bad link may time out now and
   * then; an attacker holding streams open, or guessing invites, does it on every stream.
   */
  strike (peer: string, what: string, weight = 1): void {
    // A member's node is known and accountable (its floods are handled by the room): a handshake
    // of its that timed out on a busy machine, or met a log behind its own, is no attack.
    if (this.#vouched?.(peer) === true) return
    const now = Date.now()
    let s = this.#strikes.get(peer)
    if (s === undefined || now - s.since > STRIKES_WINDOW_MS) this.#strikes.set(peer, s = { count: 0, since: now })
    s.count += weight
    if (s.count >= STRIKES_LIMIT) {
      this.#strikes.delete(peer)
      this.ban(peer, ABUSE_BAN_MS, `${STRIKES_LIMIT} strikes within ${STRIKES_WINDOW_MS} ms (last: ${what})`)
    }
  }

  /** gossipsub's score of PEER (negative: scored down), or undefined when unknown. */
  peerScore (peer: string): number | undefined {
    return this.#pubsub.score(peer)
  }

  /** Peers strikes never ban (the room service vouches for its members' nodes). */
  vouchFor (vouched: (peer: string) => boolean): void {
    this.#vouched = vouched
  }

  /** Why PEER was last banned. */
  banReason (peer: string): string | undefined { return this.#lastBanReason.get(peer) }

  /** Peers refused now (banned), with the time their ban ends (ms since epoch). */
  bannedPeers (): Array<{ peer: string, untilMs: number }> {
    const now = Date.now()
    return [...this.#banned].filter(([, until]) => until > now).map(([peer, untilMs]) => ({ peer, untilMs }))
  }

  /** Connect to a peer; resolves with its peer id. */
  async dial (target: PeerTarget, signal?: AbortSignal): Promise<string> {
    try {
      const conn = await this.libp2p.dial(parseTarget(target), signal !== undefined ? { signal } : {})
      return conn.remotePeer.toString()
    } catch (err) {
      throw new TransportError(`could not connect to ${target}: ${errorText(err)}`, { cause: err })
    }
  }

  // ---- topics ----

  /** See Pubsub.subscribe: validator first, then onMessage; both get the forwarding neighbour's peer id. */
  subscribe (topic: string, validator: TopicValidator, onMessage: MessageHandler): void {
    this.#pubsub.subscribe(topic, validator, onMessage)
  }

  unsubscribe (topic: string): void {
    this.#pubsub.unsubscribe(topic)
  }

  /**
   * Publish to every writable subscriber (flood publish). `recipients` counts those `filter`
   * accepts (all by default); { recipients: 0 } means none of them got it, and then nobody did.
   */
  async publish (topic: string, data: Uint8Array, filter?: PeerFilter): Promise<PublishOutcome> {
    return await this.#pubsub.publish(topic, data, filter)
  }

  /** Resolves true once a publish on `topic` would reach at least one peer (that `filter` accepts); false after timeoutMs. */
  async waitForWritableSubscriber (topic: string, timeoutMs: number, signal?: AbortSignal, filter?: PeerFilter): Promise<boolean> {
    return await this.#pubsub.waitForWritableSubscriber(topic, timeoutMs, signal, filter)
  }

  /** Bytes queued on the outbound gossip stream to the slowest subscriber of `topic`. */
  outboundBufferedBytes (topic: string): number {
    return this.#pubsub.outboundBufferedBytes(topic)
  }

  /** Waits until no subscriber of `topic` has more than `maxBytes` queued; false after `timeoutMs`. */
  async waitForOutboundDrain (topic: string, maxBytes: number, timeoutMs: number): Promise<boolean> {
    return await this.#pubsub.waitForOutboundDrain(topic, maxBytes, timeoutMs)
  }

  /** Peers that told us they subscribe to `topic`. */
  topicPeers (topic: string): string[] {
    return this.#pubsub.topicPeers(topic)
  }

  /** Subscribers of `topic` a publish would be written to right now (those `filter` accepts). */
  writableSubscribers (topic: string, filter?: PeerFilter): string[] {
    return this.#pubsub.writableSubscribers(topic, filter)
  }

  /** Our gossipsub mesh for `topic`. */
  meshPeers (topic: string): string[] {
    return this.#pubsub.meshPeers(topic)
  }

  /** Whether a message on `topic` from `fromPeer` is forwarded to anyone once accepted. */
  forwardsTo (topic: string, fromPeer: string): boolean {
    return this.#pubsub.forwardsTo(topic, fromPeer)
  }

  // ---- direct streams ----

  /**
   * Serve `protocol` (e.g. '/conclave/join/2.0.0'). Each inbound stream is handed over as a
   * FramedStream whose every read has a deadline. However the handler ends, the stream ends with
   * it: aborted if the handler threw, else closed on both sides within FINISH_GRACE_MS or aborted.
   */
  async handle (protocol: string, handler: StreamHandler, options: HandleOptions = {}): Promise<void> {
    const maxFrameBytes = options.maxFrameBytes ?? this.maxFrameBytes
    const budget = options.budget
    await this.libp2p.handle(protocol, async (stream: Stream, connection: Connection) => {
      const framed = new FramedStream(stream, connection.remotePeer.toString(), {
        maxFrameBytes, ...(options.readTimeoutMs !== undefined ? { readTimeoutMs: options.readTimeoutMs } : {})
      })
      if (budget !== undefined && !budget.take(framed.remotePeer)) {
        framed.abort(new TransportError(`too many ${protocol} streams at once`))
        // A peer already holding two or more: it is the one keeping the budget full (an honest
        // peer, one handshake per room now and then, is turned away without a strike).
        // One that keeps knocking while others fill it (a joiner retries ~3 times a second): every
        // 16th turn-away is a strike.
        const turnedAway = budget.turnedAway(framed.remotePeer)
        if (budget.runningFor(framed.remotePeer) >= budget.perPeer) this.strike(framed.remotePeer, `${protocol}: over its share of the budget`, 4)
        else if (turnedAway % 16 === 0) this.strike(framed.remotePeer, `${protocol}: over the shared budget`)
        return
      }
      try {
        await handler(framed, framed.remotePeer)
        await framed.finish(FINISH_GRACE_MS)
      } catch (err) {
        this.#log('handler for %s failed - %e', protocol, err)
        framed.abort(err instanceof Error ? err : new Error(String(err)))
      } finally {
        budget?.release(framed.remotePeer)
        // whether or not the handler let the error through
        // A frame over the limit is something our own software never sends: it weighs most.
        if (framed.violation !== undefined) this.strike(framed.remotePeer, `${protocol}: ${framed.violation}`, framed.violation === 'frame-too-large' ? 16 : 4)
      }
    }, { maxInboundStreams: options.maxInboundStreams ?? DEFAULT_MAX_INBOUND_STREAMS })
  }

  async unhandle (protocol: string): Promise<void> {
    await this.libp2p.unhandle(protocol)
  }

  /** Open a stream for `protocol` to a peer (dialling it if needed). End it with finish() or abort(). */
  async openStream (target: PeerTarget, protocol: string, options: { maxFrameBytes?: number, signal?: AbortSignal, readTimeoutMs?: number } = {}): Promise<FramedStream> {
    try {
      const opts = options.signal !== undefined ? { signal: options.signal } : {}
      const conn = await this.libp2p.dial(parseTarget(target), opts)
      const stream = await conn.newStream(protocol, opts)
      const remote = conn.remotePeer.toString()
      return new FramedStream(stream, remote, {
        maxFrameBytes: options.maxFrameBytes ?? this.maxFrameBytes,
        ...(options.readTimeoutMs !== undefined ? { readTimeoutMs: options.readTimeoutMs } : {})
      })
    } catch (err) {
      throw new TransportError(`could not open ${protocol} to ${target}: ${errorText(err)}`, { cause: err })
    }
  }

  /** Stop the node: closes every connection and stream. Safe to call twice. */
  async stop (): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    this.#pubsub.stop()
    this.#listeners.clear()
    await this.libp2p.stop()
  }
}

/** Create and start a transport. Throws TransportError when the node cannot start. */
export async function createTransport (components: TransportComponents, options: TransportOptions): Promise<Transport> {
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES
  const banned = new Map<string, number>()
  const isBanned = (peer: string): boolean => {
    const until = banned.get(peer)
    if (until === undefined) return false
    if (until > Date.now()) return true
    banned.delete(peer)
    return false
  }
  const node = await createNode(components, {
    listen: options.listen,
    bootstrap: options.bootstrap ?? [],
    mdns: options.mdns,
    maxMessageBytes,
    isBanned
  })
  return new Transport(node, { maxMessageBytes, maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES, dialDiscovered: options.mdns, banned })
}

function parseTarget (target: PeerTarget): Multiaddr | PeerId {
  try {
    return target.startsWith('/') ? multiaddr(target) : peerIdFromString(target)
  } catch (err) {
    throw new TransportError(`not a multiaddr or peer id: ${target}`, { cause: err })
  }
}

function errorText (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
