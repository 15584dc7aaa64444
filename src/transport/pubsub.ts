// Gossipsub for chat: its configuration (signature policy, message id, limits, scoring) and a bytes-in/bytes-out topic API.
import { hash } from 'node:crypto'
import { StrictNoSign, TopicValidatorResult } from '@libp2p/gossipsub'
import type { GossipSub, GossipsubMessage, GossipsubOpts, Message } from '@libp2p/gossipsub'
import { createTopicScoreParams } from '@libp2p/gossipsub/score'
import type { PeerScoreParams, PeerScoreThresholds, TopicScoreParams } from '@libp2p/gossipsub/score'
import type { Logger, PeerId } from '@libp2p/interface'
import { FrameTooLargeError, TransportError } from '../errors.js'

/** What a topic validator decides about one message (gossipsub's three outcomes). */
export type Verdict = 'accept' | 'reject' | 'ignore'

/**
 * Runs on every message from the network before it is delivered or forwarded. `fromPeer` is the
 * neighbour that sent it to us (its propagation source), NOT its author: with StrictNoSign
 * gossipsub carries no author, the application signs inside `data`.
 * 'reject' = invalid (the neighbour's score drops); 'ignore' = drop without penalty.
 * May be async; gossipsub expects an answer within ~100 ms.
 */
export type TopicValidator = (fromPeer: string, data: Uint8Array) => Verdict | Promise<Verdict>

/** Receives each accepted message once (duplicates are dropped by message id before validation). */
export type MessageHandler = (data: Uint8Array, fromPeer: string) => void

/**
 * Which peers count (the caller's notion, e.g. "the node of a member of this room"): given to
 * the counting and waiting calls, it filters what they count, never whom a publish is written to.
 */
export type PeerFilter = (peer: string) => boolean

export interface PublishOutcome {
  /** Peers the message was written to that pass the filter (0: nobody that counts was reachable; nothing was marked as seen). */
  recipients: number
  /** The same bytes were already published or received recently (gossipsub's seen cache). */
  duplicate?: boolean
}

/** Per-message framing overhead we allow on top of the application's limit (topic string, protobuf tags). */
/** How often a publisher waiting for a slow subscriber re-checks its queue. */
const DRAIN_POLL_MS = 5

export const MESSAGE_OVERHEAD_BYTES = 1024
/** Default maximum of one message's data: a 64 KiB envelope plus small overhead. */
export const DEFAULT_MAX_MESSAGE_BYTES = 65536 + MESSAGE_OVERHEAD_BYTES
/**
 * Slack for one RPC frame beyond a maximal message: control messages (IHAVE/IWANT/GRAFT/PRUNE,
 * IDONTWANT) are piggybacked on message RPCs. An RPC over the frame limit makes gossipsub drop
 * the whole inbound stream of that peer, so the frame limit stays generous and the per-message
 * limit is enforced exactly in the validator.
 */
const RPC_SLACK_BYTES = 256 * 1024

/** How often waitForWritableSubscriber re-checks when no event told it anything (gossipsub has no "outbound stream ready" event). */
const WRITABLE_POLL_MS = 10

/**
 * Score thresholds. Kept at gossipsub's reference values, written out so they are visible:
 * below -10 a peer gets no gossip (IHAVE) from us, below -50 we do not flood-publish to it,
 * below -80 its RPCs are ignored (graylist). PX is off, so acceptPX only matters for bootstrap.
 */
export const SCORE_THRESHOLDS: PeerScoreThresholds = {
  gossipThreshold: -10,
  publishThreshold: -50,
  graylistThreshold: -80,
  acceptPXThreshold: 10,
  opportunisticGraftThreshold: 5
}

/** Peer-level score parameters (the topic part is added per topic at subscribe). */
export const SCORE_PARAMS: Partial<PeerScoreParams> = {
  // Positive topic contributions are capped so a long-lived peer cannot bank credit that
  // would let it send a burst of invalid messages before it crosses the graylist threshold.
  topicScoreCap: 10,
  // P6 IP colocation OFF: many honest peers share one address (one NAT, several processes on a
  // box, every test on 127.0.0.1). Measured here: with the default -5 weight delivery fell to 0
  // after ~11 short-lived peers from 127.0.0.1, remembered for an hour (NOTES.md).
  IPColocationFactorWeight: 0,
  // P7 behaviour penalty (re-GRAFT during backoff, broken IHAVE promises) at the reference values:
  // it decays within seconds, so a busy box that is late with an IWANT recovers.
  behaviourPenaltyWeight: -10,
  behaviourPenaltyThreshold: 0,
  behaviourPenaltyDecay: 0.2,
  decayInterval: 1000,
  decayToZero: 0.1,
  // Negative scores survive a reconnect for an hour, so a peer cannot wash them off by redialling.
  retainScore: 3600 * 1000
}

/**
 * Topic score parameters for a chat room: traffic is human-paced and bursty, so the delivery-rate
 * penalties made for blockchains (P3 mesh deliveries, P3b mesh failures) would punish honest
 * peers in a quiet room; they are off. What remains: time in mesh and first deliveries as small
 * credits, and invalid messages (P4, a validator 'reject') as the penalty that matters: squared,
 * so 1 invalid message costs -10 (gossip stops), 3 cost -90 (graylisted); it halves in ~70 s.
 */
export const CHAT_TOPIC_SCORE: TopicScoreParams = createTopicScoreParams({
  topicWeight: 1,
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1000,
  timeInMeshCap: 300,
  firstMessageDeliveriesWeight: 0.5,
  firstMessageDeliveriesDecay: 0.9,
  firstMessageDeliveriesCap: 20,
  meshMessageDeliveriesWeight: 0,
  meshMessageDeliveriesDecay: 0.5,
  meshMessageDeliveriesCap: 100,
  meshMessageDeliveriesThreshold: 1,
  meshMessageDeliveriesWindow: 10,
  meshMessageDeliveriesActivation: 5000,
  meshFailurePenaltyWeight: 0,
  meshFailurePenaltyDecay: 0.5,
  invalidMessageDeliveriesWeight: -10,
  invalidMessageDeliveriesDecay: 0.99
})

/** Message id: SHA-256 of the data. StrictNoSign messages carry nothing else to identify them. */
export function messageId (msg: Message): Uint8Array {
  return hash('sha256', msg.data, 'buffer')
}

/** Messages at least this large get gossipsub's IDONTWANT announcements (see gossipsubInit). */
export const IDONTWANT_MIN_BYTES = 16 * 1024

/** The gossipsub init for a node whose messages carry at most `maxMessageBytes` of data. */
export function gossipsubInit (maxMessageBytes: number): Partial<GossipsubOpts> {
  return {
    // The application signs every envelope with the member key; a second libp2p signature per
    // message costs most of the CPU (measured: ~560 vs 63-125 msg/s for 5 peers) and would tie
    // messages to peer ids. StrictNoSign also REJECTS messages that carry from/seqno/signature.
    globalSignaturePolicy: StrictNoSign,
    // Content-hash ids: the same envelope from two neighbours is one message, dropped as a
    // duplicate before the validator runs. No fastMsgIdFn: SHA-256 of a few hundred bytes costs
    // ~1 µs in node:crypto, and a cheaper hash that collides would silently drop a message
    // (gossipsub treats a fast-id collision as a duplicate).
    msgIdFn: messageId,
    msgIdToStrFn: (id: Uint8Array) => Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('base64'),
    // Whole RPC frame limit (checked before decoding); the exact per-message limit is in the validator.
    maxInboundDataLength: maxMessageBytes + RPC_SLACK_BYTES,
    // A room's publisher writes to every subscriber it knows right away (no mesh warm-up).
    floodPublish: true,
    // Peer exchange on PRUNE would hand our peers' addresses to anyone; rooms find peers by
    // mDNS, bootstrap and tickets instead.
    doPX: false,
    // Zero recipients is reported to the caller as { recipients: 0 } (see Pubsub.publish).
    allowPublishToZeroTopicPeers: false,
    ignoreDuplicatePublishError: false,
    emitSelf: false,
    // IDONTWANT ("I have this one, do not send it") goes to every mesh peer BEFORE the validator
    // runs, for each message of at least this many bytes (gossipsub's default: 512). For chat
    // envelopes (~0.5-2 KiB) that is an extra control frame per message per neighbour, waking
    // every neighbour right when the message itself needs the CPU (bench/room: the hub spent
    // ~1 ms sending them before validating); it only pays for large messages (line batches).
    idontwantMinDataSize: IDONTWANT_MIN_BYTES,
    scoreParams: SCORE_PARAMS,
    scoreThresholds: SCORE_THRESHOLDS
  }
}

/** The parts of gossipsub 17's router we read; checked at construction (they are not public API). */
interface GossipInternals {
  streamsOutbound: Map<string, unknown>
  topics: Map<string, Set<string>>
  direct: Set<string>
  score: { score: (id: string) => number, params: { topics: Record<string, TopicScoreParams> } }
  opts: { scoreThresholds: PeerScoreThresholds }
  getMeshPeers: (topic: string) => string[]
}

function internalsOf (pubsub: GossipSub): GossipInternals | undefined {
  const g = pubsub as unknown as Partial<GossipInternals>
  const ok = g.streamsOutbound instanceof Map && g.topics instanceof Map && g.direct instanceof Set &&
    typeof g.score?.score === 'function' && typeof g.score.params?.topics === 'object' &&
    typeof g.opts?.scoreThresholds?.publishThreshold === 'number' && typeof g.getMeshPeers === 'function'
  return ok ? g as GossipInternals : undefined
}

interface TopicEntry { validator: TopicValidator, onMessage: MessageHandler }

export interface PubsubComponents {
  pubsub: GossipSub
  log: Logger
  /** Told when a peer's messages are IGNOREd far above a sane rate (see IGNORE_LIMIT). */
  onAbusive?: (peer: string, ignored: number) => void
}

/**
 * IGNOREd messages (no penalty in gossipsub's score) one neighbour may send us per
 * IGNORE_WINDOW_MS. Honest peers cause a few (a message whose chain is on its way, a late
 * duplicate); a peer past this is flooding with junk that costs it nothing otherwise.
 */
export const IGNORE_LIMIT = 2000
export const IGNORE_WINDOW_MS = 10_000

export interface PubsubOptions {
  maxMessageBytes: number
}

/** Topic subscriptions with validators, publishing, and "is anyone reachable" on one gossipsub router. */
export class Pubsub {
  readonly maxMessageBytes: number
  readonly #pubsub: GossipSub
  readonly #internals: GossipInternals | undefined
  readonly #log: Logger
  readonly #topics = new Map<string, TopicEntry>()
  readonly #waiters = new Set<() => void>()
  readonly #onAbusive: ((peer: string, ignored: number) => void) | undefined
  /** IGNOREs per neighbour in its current window. */
  readonly #ignored = new Map<string, { count: number, since: number }>()
  #stopped = false
  readonly #onMessage = (evt: CustomEvent<GossipsubMessage>): void => {
    const { msg, propagationSource } = evt.detail
    const entry = this.#topics.get(msg.topic)
    if (entry === undefined) return
    try {
      entry.onMessage(msg.data, propagationSource.toString())
    } catch (err) {
      this.#log.error('message handler for topic %s threw - %e', msg.topic, err)
    }
  }

  readonly #onChange = (): void => { for (const wake of [...this.#waiters]) wake() }

  constructor (components: PubsubComponents, options: PubsubOptions) {
    this.#pubsub = components.pubsub
    this.#log = components.log
    this.#onAbusive = components.onAbusive
    this.maxMessageBytes = options.maxMessageBytes
    this.#internals = internalsOf(this.#pubsub)
    if (this.#internals === undefined) {
      this.#log.error('gossipsub internals not found: per-topic scoring off, writability approximated by subscribers')
    }
    this.#pubsub.addEventListener('gossipsub:message', this.#onMessage)
    this.#pubsub.addEventListener('subscription-change', this.#onChange)
  }

  /** Join `topic`: every message from the network passes `validator` before `onMessage` sees it or it is forwarded. */
  subscribe (topic: string, validator: TopicValidator, onMessage: MessageHandler): void {
    if (this.#topics.has(topic)) throw new TransportError(`already subscribed to topic ${topic}`)
    this.#topics.set(topic, { validator, onMessage })
    // Score parameters are per topic string and topics are only known now. They are never removed
    // again: gossipsub reads them for retained peer stats and would throw on a missing entry.
    const params = this.#internals?.score.params.topics
    if (params !== undefined && params[topic] === undefined) params[topic] = CHAT_TOPIC_SCORE
    const max = this.maxMessageBytes
    this.#pubsub.topicValidators.set(topic, async (peer: PeerId, msg: Message): Promise<TopicValidatorResult> => {
      if (msg.data.byteLength > max) return TopicValidatorResult.Reject
      let verdict: Verdict
      try {
        verdict = await validator(peer.toString(), msg.data)
      } catch (err) {
        this.#log.error('validator for topic %s threw; ignoring the message - %e', topic, err)
        return TopicValidatorResult.Ignore
      }
      switch (verdict) {
        case 'accept': return TopicValidatorResult.Accept
        case 'reject': return TopicValidatorResult.Reject
        default:
          this.#noteIgnored(peer.toString())
          return TopicValidatorResult.Ignore
      }
    })
    this.#pubsub.subscribe(topic)
  }

  /** Counts an IGNORE against PEER; past IGNORE_LIMIT in a window, onAbusive is told (once per window). */
  #noteIgnored (peer: string): void {
    const now = Date.now()
    let m = this.#ignored.get(peer)
    if (m === undefined || now - m.since > IGNORE_WINDOW_MS) {
      if (this.#ignored.size >= 4096) for (const [p, e] of this.#ignored) if (now - e.since > IGNORE_WINDOW_MS) this.#ignored.delete(p)
      this.#ignored.set(peer, m = { count: 0, since: now })
    }
    if (++m.count === IGNORE_LIMIT + 1) {
      this.#log('peer %s: %d messages IGNOREd within %d ms', peer, m.count, IGNORE_WINDOW_MS)
      this.#onAbusive?.(peer, m.count)
    }
  }

  /** Lowers PEER's gossipsub score by a behaviour penalty of PENALTY (graylisted until it decays). */
  penalize (peer: string, penalty: number): void {
    const score = (this.#pubsub as unknown as { score?: { addPenalty?: (id: string, penalty: number, label: string) => void } }).score
    score?.addPenalty?.(peer, penalty, 'ignore-flood')
  }

  unsubscribe (topic: string): void {
    if (!this.#topics.delete(topic)) return
    this.#pubsub.unsubscribe(topic)
    this.#pubsub.topicValidators.delete(topic)
  }

  /** Topics we are subscribed to. */
  subscriptions (): string[] {
    return [...this.#topics.keys()]
  }

  /** Peers known to be subscribed to `topic` (they told us), writable or not. */
  topicPeers (topic: string): string[] {
    return this.#pubsub.getSubscribers(topic).map(p => p.toString())
  }

  /** Our mesh peers for `topic` (empty when the internals are unavailable). */
  meshPeers (topic: string): string[] {
    return this.#internals?.getMeshPeers(topic) ?? []
  }

  /**
   * Whether gossipsub forwards a message on `topic` that came from `fromPeer` to anyone: a mesh
   * or direct peer other than it. True when the internals are unavailable.
   */
  forwardsTo (topic: string, fromPeer: string): boolean {
    const g = this.#internals
    if (g === undefined) return true
    for (const peer of g.getMeshPeers(topic)) if (peer !== fromPeer) return true
    const inTopic = g.topics.get(topic)
    for (const peer of g.direct) if (peer !== fromPeer && inTopic?.has(peer) === true) return true
    return false
  }

  /**
   * Subscribers of `topic` that a publish right now would be written to: an open outbound
   * gossipsub stream and a score at or above the publish threshold (or a direct peer). With
   * `filter`, only those it accepts.
   */
  writableSubscribers (topic: string, filter?: PeerFilter): string[] {
    const g = this.#internals
    if (g === undefined) return filter === undefined ? this.topicPeers(topic) : this.topicPeers(topic).filter(filter)
    const threshold = g.opts.scoreThresholds.publishThreshold
    const out: string[] = []
    for (const id of g.topics.get(topic) ?? []) {
      if (!g.streamsOutbound.has(id)) continue
      if (filter !== undefined && !filter(id)) continue
      if (g.direct.has(id) || g.score.score(id) >= threshold) out.push(id)
    }
    return out
  }

  /**
   * Bytes queued on our outbound gossip stream to the slowest subscriber of `topic`. Gossipsub
   * writes without backpressure (its streams buffer without bound), so a fast publisher checks
   * this to slow down instead of filling memory. 0 when the internals are not readable.
   */
  outboundBufferedBytes (topic: string): number {
    const g = this.#internals
    if (g === undefined) return 0
    let max = 0
    for (const id of g.topics.get(topic) ?? []) {
      const stream = g.streamsOutbound.get(id) as { rawStream?: { writeBuffer?: { byteLength?: number } } } | undefined
      const n = stream?.rawStream?.writeBuffer?.byteLength ?? 0
      if (n > max) max = n
    }
    return max
  }

  /** Resolves true once every subscriber's outbound queue is at most `maxBytes`, false after `timeoutMs`. */
  async waitForOutboundDrain (topic: string, maxBytes: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (this.outboundBufferedBytes(topic) > maxBytes) {
      if (this.#stopped || Date.now() > deadline) return false
      await new Promise(resolve => setTimeout(resolve, DRAIN_POLL_MS))
    }
    return true
  }

  /**
   * Resolves true as soon as at least one subscriber of `topic` (that `filter` accepts) is
   * writable, false after `timeoutMs`. Woken by subscription changes; also re-checks every 10 ms,
   * because gossipsub emits no event when its outbound stream to a peer opens. The filter is
   * asked again at every check, so it may change its mind while we wait.
   */
  async waitForWritableSubscriber (topic: string, timeoutMs: number, signal?: AbortSignal, filter?: PeerFilter): Promise<boolean> {
    if (this.writableSubscribers(topic, filter).length > 0) return true
    if (this.#stopped) return false
    return await new Promise<boolean>(resolve => {
      const finish = (result: boolean): void => {
        clearTimeout(timeout)
        clearInterval(poll)
        this.#waiters.delete(check)
        signal?.removeEventListener('abort', onAbort)
        resolve(result)
      }
      const check = (): void => {
        if (this.#stopped) finish(false)
        else if (this.writableSubscribers(topic, filter).length > 0) finish(true)
      }
      const onAbort = (): void => { finish(false) }
      const timeout = setTimeout(() => { finish(this.writableSubscribers(topic, filter).length > 0) }, timeoutMs)
      const poll = setInterval(check, WRITABLE_POLL_MS)
      this.#waiters.add(check)
      signal?.addEventListener('abort', onAbort, { once: true })
      if (signal?.aborted === true) onAbort()
    })
  }

  /** Wake waiters from outside (peer connect events). */
  notifyChange (): void {
    this.#onChange()
  }

  /**
   * Publish `data` to `topic`: written to every writable subscriber (flood publish), whether
   * `filter` accepts it or not (a peer that does not count may still relay); `recipients` counts
   * those the filter accepts. When no writable subscriber passes the filter this returns
   * { recipients: 0 } WITHOUT handing the message to gossipsub: gossipsub marks a published
   * message as seen even when it reached nobody, and a retry of the same bytes would then fail
   * as a duplicate.
   */
  async publish (topic: string, data: Uint8Array, filter?: PeerFilter): Promise<PublishOutcome> {
    if (data.byteLength > this.maxMessageBytes) {
      throw new FrameTooLargeError(`message of ${data.byteLength} bytes is over the limit of ${this.maxMessageBytes}`)
    }
    if (this.writableSubscribers(topic, filter).length === 0) return { recipients: 0 }
    try {
      const result = await this.#pubsub.publish(topic, data)
      if (filter === undefined) return { recipients: result.recipients.length }
      let recipients = 0
      for (const peer of result.recipients) if (filter(peer.toString())) recipients++
      return { recipients }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      if (message === 'PublishError.NoPeersSubscribedToTopic') return { recipients: 0 }
      if (message === 'PublishError.Duplicate') return { recipients: 0, duplicate: true }
      throw new TransportError(`publish failed: ${message}`, { cause: err })
    }
  }

  /** Detach from the router (the node stops it). */
  stop (): void {
    this.#stopped = true
    this.#pubsub.removeEventListener('gossipsub:message', this.#onMessage)
    this.#pubsub.removeEventListener('subscription-change', this.#onChange)
    for (const wake of [...this.#waiters]) wake()
    this.#topics.clear()
  }
}
