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

export { FramedStream, encodeFrameLength, decodeFrameLength } from './streams.js'
export { DEFAULT_MAX_MESSAGE_BYTES, CHAT_TOPIC_SCORE, SCORE_PARAMS, SCORE_THRESHOLDS, messageId } from './pubsub.js'
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
  /** Exempt loopback from the inbound connection rate limit (see node.ts). Default true. */
  allowLoopbackFlood?: boolean
}

export type PeerEvent = 'peer:connect' | 'peer:disconnect'
export type StreamHandler = (stream: FramedStream, remotePeer: string) => void | Promise<void>

/** Where to dial: a multiaddr string (with /p2p/<id> to pin the peer) or a peer id string. */
export type PeerTarget = string

/** A started libp2p node. Create with createTransport; call stop() once. */
export class Transport {
  readonly peerId: string
  readonly maxFrameBytes: number
  /** The underlying node, for diagnostics and tests; application code should not need it. */
  readonly libp2p: ConclaveLibp2p
  readonly #pubsub: Pubsub
  readonly #log: Logger
  readonly #listeners = new Map<PeerEvent, Set<(peerId: string) => void>>()
  #stopped = false

  constructor (node: ConclaveLibp2p, options: { maxMessageBytes: number, maxFrameBytes: number, dialDiscovered: boolean }) {
    this.libp2p = node
    this.peerId = node.peerId.toString()
    this.maxFrameBytes = options.maxFrameBytes
    this.#log = node.logger.forComponent('conclave:transport')
    this.#pubsub = new Pubsub({ pubsub: node.services.pubsub, log: this.#log }, { maxMessageBytes: options.maxMessageBytes })
    node.addEventListener('peer:connect', (evt) => {
      this.#pubsub.notifyChange()
      this.#emit('peer:connect', evt.detail.toString())
    })
    node.addEventListener('peer:disconnect', (evt) => { this.#emit('peer:disconnect', evt.detail.toString()) })
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
   * Serve `protocol` (e.g. '/conclave/join/1.0.0'). Each inbound stream is handed over as a
   * FramedStream; if the handler throws or rejects, the stream is aborted.
   */
  async handle (protocol: string, handler: StreamHandler, options: { maxFrameBytes?: number, maxInboundStreams?: number } = {}): Promise<void> {
    const maxFrameBytes = options.maxFrameBytes ?? this.maxFrameBytes
    await this.libp2p.handle(protocol, async (stream: Stream, connection: Connection) => {
      const framed = new FramedStream(stream, connection.remotePeer.toString(), { maxFrameBytes })
      try {
        await handler(framed, framed.remotePeer)
      } catch (err) {
        this.#log('handler for %s failed - %e', protocol, err)
        framed.abort(err instanceof Error ? err : new Error(String(err)))
      }
    }, options.maxInboundStreams !== undefined ? { maxInboundStreams: options.maxInboundStreams } : {})
  }

  async unhandle (protocol: string): Promise<void> {
    await this.libp2p.unhandle(protocol)
  }

  /** Open a stream for `protocol` to a peer (dialling it if needed). */
  async openStream (target: PeerTarget, protocol: string, options: { maxFrameBytes?: number, signal?: AbortSignal } = {}): Promise<FramedStream> {
    try {
      const opts = options.signal !== undefined ? { signal: options.signal } : {}
      const conn = await this.libp2p.dial(parseTarget(target), opts)
      const stream = await conn.newStream(protocol, opts)
      const remote = conn.remotePeer.toString()
      return new FramedStream(stream, remote, { maxFrameBytes: options.maxFrameBytes ?? this.maxFrameBytes })
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
  const node = await createNode(components, {
    listen: options.listen,
    bootstrap: options.bootstrap ?? [],
    mdns: options.mdns,
    maxMessageBytes,
    allowLoopbackFlood: options.allowLoopbackFlood ?? true
  })
  return new Transport(node, { maxMessageBytes, maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES, dialDiscovered: options.mdns })
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
