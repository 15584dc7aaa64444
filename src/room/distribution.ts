// Sender-key distribution: the keys exchange with each member node we meet (once per process
// and room), on demand when an envelope's chain is missing, and answering other members'
// exchanges. Members relay the chains they hold, so members who never connect can read each other.
import { HandshakeError } from '../errors.js'
import type { RoomTables } from '../store/index.js'
import type { FramedStream, Transport } from '../transport/index.js'
import { KEYS_PROTOCOL } from '../wire/handshake.js'
import { runKeys, serveKeys } from './exchange.js'
import { hex, peerIdBytes, peerIdText } from './ids.js'
import type { Identity } from './identity.js'
import type { Room } from './room.js'

/** At most one on-demand fetch of a missing sender's chain per this interval. */
const KEY_FETCH_INTERVAL_MS = 5_000
/**
 * After chains new to us arrived, we pass them on to the members we are connected to once this
 * much later (one more exchange each, however many chains came in meanwhile): when an epoch
 * starts, members who only meet through us get each other's new chains without waiting for a
 * first envelope to go missing. It stops by itself: an exchange that brings nothing new relays nothing.
 */
const RELAY_DELAY_MS = 100

export interface KeyDistributionComponents {
  identity: Identity
  tables: RoomTables
  net: () => Transport
  room: (roomId: Uint8Array) => Room | undefined
  log: (message: string, level?: number) => void
  /** Told after every completed exchange. */
  exchanged: (room: Room, peer: string) => void
  /** Told after an exchange that may have changed the room's log (entries travel with the keys), with our entries a concurrent branch won over. */
  logChanged: (room: Room, dropped: Uint8Array[]) => void
}

export class KeyDistribution {
  readonly #c: KeyDistributionComponents
  readonly #timeoutMs: number
  readonly #now: () => number
  /** (room, peer) pairs whose keys exchange ran or is running in this process. */
  readonly #exchanged = new Map<string, Promise<void>>()
  /** When we last asked for a sender's chain (room:sender → ms). */
  readonly #fetchedAt = new Map<string, number>()
  /** Rooms with a relay round scheduled (see RELAY_DELAY_MS). */
  readonly #relaying = new Map<string, NodeJS.Timeout>()

  constructor (components: KeyDistributionComponents, options: { timeoutMs: number, now: () => number }) {
    this.#c = components
    this.#timeoutMs = options.timeoutMs
    this.#now = options.now
  }

  #me (): string { return hex(this.#c.identity.memberPublicKey) }

  /** Member nodes (other than ours) of ROOM that are connected now. */
  connectedMembers (room: Room): string[] {
    const connected = new Set(this.#c.net().connections())
    return room.log.members().filter(m => hex(m.member) !== this.#me()).map(m => peerIdText(m.peerId)).filter(p => connected.has(p))
  }

  async exchangeWithConnected (room: Room): Promise<void> {
    await Promise.all(this.connectedMembers(room).map(async peer => { await this.exchangeWith(room, peer) }))
  }

  async refresh (room: Room): Promise<void> {
    for (const p of this.connectedMembers(room)) this.#exchanged.delete(`${hex(room.roomId)}:${p}`)
    await this.exchangeWithConnected(room)
  }

  /** Members (other than us) whose current sender chain we do not hold. */
  missingSenders (room: Room): Uint8Array[] {
    const epoch = room.log.epoch
    return room.log.members(epoch).filter(m => hex(m.member) !== this.#me() && !room.hasInbound(m.member, epoch)).map(m => m.member)
  }

  /**
   * We got an envelope whose sender chain we lack: ask the sender's node if we are connected to
   * it, else the members we are connected to (they relay the chains they hold). At most once per
   * sender every few seconds, so a burst of such envelopes costs one exchange.
   */
  fetchKeysOf (room: Room, sender: Uint8Array): void {
    const member = room.log.member(sender)
    if (member === undefined) return
    const key = `${hex(room.roomId)}:${hex(sender)}`
    const last = this.#fetchedAt.get(key)
    if (last !== undefined && this.#now() - last < KEY_FETCH_INTERVAL_MS) return
    this.#fetchedAt.set(key, this.#now())
    const peer = peerIdText(member.peerId)
    const ask = this.#c.net().connections().includes(peer) ? [peer] : this.connectedMembers(room)
    for (const p of ask) {
      this.#exchanged.delete(`${hex(room.roomId)}:${p}`)
      void this.exchangeWith(room, p)
    }
  }

  /** Runs one keys exchange with PEER for ROOM if PEER is a member's node (once per process). */
  exchangeWith (room: Room, peer: string): Promise<void> {
    const member = room.log.members().find(m => peerIdText(m.peerId) === peer)
    if (member === undefined || hex(member.member) === this.#me()) return Promise.resolve()
    const key = `${hex(room.roomId)}:${peer}`
    const running = this.#exchanged.get(key)
    if (running !== undefined) return running
    const p = (async () => {
      try {
        const stream = await this.#c.net().openStream(peer, KEYS_PROTOCOL)
        const result = await runKeys(stream, {
          log: room.log,
          memberKey: this.#c.identity.memberKey,
          peerId: peerIdBytes(this.#c.identity.peerId),
          senderKeysFor: forMember => this.#keysToGive(room, forMember),
          expectedPeer: member.member,
          timeoutMs: this.#timeoutMs
        })
        this.#install(room, result.peer, result.senderKeys)
        this.#c.logChanged(room, result.dropped)
        this.#c.log(`room ${room.name}: keys exchanged with ${peer}`)
        this.#c.exchanged(room, peer)
      } catch (err) {
        this.#exchanged.delete(key)
        this.#c.log(`room ${room.name}: keys exchange with ${peer} failed: ${(err as Error).message}`)
      }
    })()
    this.#exchanged.set(key, p)
    return p
  }

  /** Answers another member's exchange on an inbound stream. */
  async serve (stream: FramedStream, remotePeer: string): Promise<void> {
    try {
      const served = await serveKeys(stream, {
        logFor: roomId => this.#c.room(roomId)?.log,
        memberKey: this.#c.identity.memberKey,
        localPeerId: peerIdBytes(this.#c.identity.peerId),
        senderKeysFor: (log, member) => this.#keysToGive(this.#c.room(log.roomId)!, member),
        timeoutMs: this.#timeoutMs
      })
      if (served === undefined) {
        // refused: a member we do not know yet is refused once; a stranger trying, on every try
        this.#c.net().strike(remotePeer, 'keys exchange refused')
        return
      }
      const room = this.#c.room(served.log.roomId)!
      const member = room.log.member(served.result.peer)
      if (member === undefined || peerIdText(member.peerId) !== remotePeer) throw new HandshakeError('the member is not on the peer it claims')
      this.received(room, served.result.peer, served.result.senderKeys, remotePeer)
      this.#c.logChanged(room, served.result.dropped)
      this.#c.log(`room ${room.name}: keys exchanged with ${remotePeer}`)
      this.#c.exchanged(room, remotePeer)
    } catch (err) {
      this.#c.log(`keys exchange from ${remotePeer} failed: ${(err as Error).message}`)
    }
  }

  /** Chains received from PEER's member FROM (a join bundle or an exchange): install and persist. */
  received (room: Room, from: Uint8Array, senderKeys: Uint8Array[], peer: string): void {
    this.#install(room, from, senderKeys)
    this.markExchanged(room, peer)
  }

  markExchanged (room: Room, peer: string): void {
    this.#exchanged.set(`${hex(room.roomId)}:${peer}`, Promise.resolve())
  }

  /** Ours and the ones we relay to member FOR (persisting our chain's new start first). */
  #keysToGive (room: Room, forMember: Uint8Array): Uint8Array[] {
    const keys = room.allSenderKeys(this.#c.tables, this.#c.identity.memberKey, forMember)
    this.#c.tables.batch(keys.statements)
    return keys.keys
  }

  #install (room: Room, from: Uint8Array, senderKeys: Uint8Array[]): void {
    const news = room.relayNews
    const installed = room.installSenderKeys(this.#c.tables, senderKeys, from)
    this.#c.tables.batch([...room.logStatements(this.#c.tables), ...installed])
    if (room.relayNews !== news) this.relaySoon(room)
  }

  /** One exchange with every connected member a moment from now (several calls meanwhile: one round). */
  relaySoon (room: Room): void {
    const key = hex(room.roomId)
    if (this.#relaying.has(key)) return
    const timer = setTimeout(() => {
      this.#relaying.delete(key)
      if (this.#c.room(room.roomId) === room) void this.refresh(room)
    }, RELAY_DELAY_MS)
    timer.unref()
    this.#relaying.set(key, timer)
  }

  /** Cancels scheduled relay rounds (the node is stopping). */
  stop (): void {
    for (const timer of this.#relaying.values()) clearTimeout(timer)
    this.#relaying.clear()
  }
}
