// One joined room in memory: its verified membership log, our outbound sender chain and the
// inbound chains of the other members, the validation context over them, and how each change
// is persisted (as statements the service writes in one durable batch).
import type { Ed25519PrivateKey } from '../crypto/index.js'
import type { RoomTables, SqlStatement } from '../store/index.js'
import { signSenderKey, verifiedSenderKey } from './key-signing.js'
import type { MemberStatus, ValidationContext, ValidationReason, Verdict } from './envelope.js'
import { hex, peerIdText, roomIdText } from './ids.js'
import { MembershipLog } from './membership.js'
import { InboundSenderChain, OutboundSenderChain } from './sender-keys.js'

const chainKeyHex = (epoch: number, senderHex: string): string => `${epoch}:${senderHex}`
const chainKey = (epoch: number, sender: Uint8Array): string => chainKeyHex(epoch, hex(sender))
/** Message keys reserved per durable write of our outbound chain (see reserveStatement). */
export const OUTBOUND_RESERVE = 64
/**
 * How long envelopes of an ended epoch are still accepted after we learned the entry that ended
 * it: members who have not seen the entry yet may still be sending in it (docs/PROTOCOL.md).
 */
export const EPOCH_GRACE_MS = 60_000
/**
 * Envelopes per second one sender may have accepted, sustained, and in a burst. Honest senders
 * pace themselves below it (SEND_PACE_PER_SECOND: a pipe then puts more lines in each envelope, so
 * its line rate does not change), and it is low enough that a member flooding the room is dropped
 * by the first node it reaches, never relayed, and banned within a second (service.ts).
 */
export const SENDER_RATE_PER_SECOND = 100
export const SENDER_BURST = 300
/** What our own node sends at most: a margin under what every receiver accepts. */
export const SEND_PACE_PER_SECOND = 80
export const SEND_PACE_BURST = 240

export interface RoomCounters { [verdictAndReason: string]: number }

export class Room {
  readonly roomId: Uint8Array
  readonly id: string
  readonly topic: string
  log: MembershipLog
  /** Log entries already persisted (entries at seq >= this are new). */
  persistedLogLength: number
  readonly joinedAt: number
  readonly counters: RoomCounters = {}
  lastMessageAt: number | undefined
  readonly #me: Uint8Array
  readonly #outbound = new Map<number, OutboundSenderChain>()
  /** Per epoch: the chain index up to which a persisted state already reserves message keys. */
  readonly #reservedUntil = new Map<number, number>()
  readonly #inbound = new Map<string, InboundSenderChain>()
  /**
   * Per inbound chain: the newest owner-signed SenderKey we received of it, as received (what we
   * relay: we cannot sign for its owner), and its signed_ms. Memory only: after a restart we relay
   * a chain again once its owner has handed it to us again.
   */
  readonly #signed = new Map<string, { bytes: Uint8Array, signedMs: number }>()
  /** Inbound chains we got from someone other than their owner. */
  readonly #relayedChains = new Set<string>()
  /** Per sender (hex): its rate budget (see SENDER_RATE_PER_SECOND). */
  readonly #rates = new Map<string, { tokens: number, at: number }>()
  #catchUpCtx: ValidationContext | undefined
  /** Counts chains, or newer signatures of chains, received: something new to relay. */
  relayNews = 0
  /** The log length whose growth the last takeLogGrowth() saw. */
  #processedLength: number | undefined

  /** Whether the log grew since the last call. */
  takeLogGrowth (): boolean {
    const before = this.#processedLength ??= this.log.length
    this.#processedLength = this.log.length
    return this.log.length !== before
  }
  /** Per ended epoch: when this process learned the entry that ended it (else the entry's own time). */
  readonly #endLearnedAt = new Map<number, number>()
  /** Per sender (hex): the newest epoch we accepted an envelope of. */
  readonly #latestEpoch = new Map<string, number>()
  #ctx: ValidationContext | undefined
  /** readerPeers() for the log as it was at `length` entries. */
  #readers: { log: MembershipLog, length: number, peers: ReadonlySet<string> } | undefined

  constructor (init: { log: MembershipLog, me: Uint8Array, joinedAt: number, persistedLogLength: number }) {
    this.log = init.log
    this.roomId = init.log.roomId
    this.id = roomIdText(init.log.roomId)
    this.topic = init.log.topic
    this.joinedAt = init.joinedAt
    this.persistedLogLength = init.persistedLogLength
    this.#me = init.me
    this.#processedEpoch = init.log.epoch
  }

  get name (): string { return this.log.name }

  /**
   * The libp2p peer ids of the members other than us who can read the room (role member or
   * admin, in the current epoch): the peers that count as its readers, recipients and receipt
   * givers. A poster holds no keys and a removed member or a non-member is in no entry, so their
   * nodes never count even when they subscribe to the topic. Every member's Add entry (and the
   * genesis, for the creator) records its peer id, so each member has exactly one.
   */
  readerPeers (): ReadonlySet<string> {
    const c = this.#readers
    if (c !== undefined && c.log === this.log && c.length === this.log.length) return c.peers
    const me = hex(this.#me)
    const peers = new Set<string>()
    for (const m of this.log.members()) {
      if ((m.role === 'member' || m.role === 'admin') && hex(m.member) !== me) peers.add(peerIdText(m.peerId))
    }
    this.#readers = { log: this.log, length: this.log.length, peers }
    return peers
  }

  /** Whether PEER is the node of a member who can read the room (see readerPeers). */
  isReaderPeer (peer: string): boolean {
    return this.readerPeers().has(peer)
  }

  /** Rebuilds a room from the store: the log is verified from its genesis again. */
  static load (tables: RoomTables, row: { roomId: Uint8Array, joinedAt: number }, me: Uint8Array): Room {
    const entries = tables.log(row.roomId)
    const room = new Room({ log: MembershipLog.verifyAndLoad(entries, { roomId: row.roomId }), me, joinedAt: row.joinedAt, persistedLogLength: entries.length })
    const skipped = tables.skipped(row.roomId)
    for (const c of tables.chains(row.roomId)) {
      if (c.outbound) {
        const chain = OutboundSenderChain.fromState(c.state)
        room.#outbound.set(c.epoch, chain)
        room.#reservedUntil.set(c.epoch, chain.index)
      }
      else {
        const id = chainKey(c.epoch, c.sender)
        const chain = InboundSenderChain.fromStateAndSkipped(c.state, skipped.get(id) ?? [])
        // keys a state from before store migration 5 held inline count as new rows
        chain.trackSkipped()
        room.#inbound.set(id, chain)
        const signed = c.signed === undefined ? undefined : verifiedSenderKey(c.signed)
        if (signed !== undefined) room.#signed.set(id, { bytes: c.signed!, signedMs: signed.signedMs })
      }
    }
    return room
  }

  /**
   * Statements that make the stored log the log in memory; call after it changed. Usually that
   * appends the new entries; after a fork was settled the other way (MembershipLog.merge), the
   * stored entries from the fork on are replaced.
   */
  logStatements (tables: RoomTables): SqlStatement[] {
    const hashes = this.log.entryHashes()
    const stored = this.#persistedHashes ?? hashes.slice(0, this.persistedLogLength)
    let same = 0
    while (same < stored.length && same < hashes.length && stored[same] === hashes[same]) same++
    const statements: SqlStatement[] = []
    if (same < stored.length) statements.push(tables.deleteLogFromStatement(this.roomId, same))
    statements.push(...tables.logStatements(this.roomId, this.log.entriesAfter(same - 1), same))
    this.#persistedHashes = hashes
    this.persistedLogLength = hashes.length
    return statements
  }

  /** Entry hashes of the stored log, once logStatements ran (before: the first persistedLogLength entries). */
  #persistedHashes: string[] | undefined

  /** Our chain for the current epoch, created on first use (its state must be persisted before use). */
  outbound (): { chain: OutboundSenderChain, created: boolean } {
    const epoch = this.log.epoch
    const have = this.#outbound.get(epoch)
    if (have !== undefined) return { chain: have, created: false }
    const chain = OutboundSenderChain.create({ roomId: this.roomId, epoch, sender: this.#me })
    this.#outbound.set(epoch, chain)
    return { chain, created: true }
  }

  /**
   * The statement that must be durable before CHAIN's next key is used on the wire, or undefined
   * when an earlier reservation still covers it: the persisted state runs RESERVE indices ahead,
   * so a sender writes once per RESERVE messages, and a crash skips at most RESERVE indices.
   */
  reserveStatement (tables: RoomTables, chain: OutboundSenderChain): SqlStatement | undefined {
    if (chain.index < (this.#reservedUntil.get(chain.epoch) ?? 0)) return undefined
    this.#reservedUntil.set(chain.epoch, chain.index + OUTBOUND_RESERVE)
    return tables.chainStatement(this.roomId, { epoch: chain.epoch, sender: this.#me, outbound: true, state: chain.stateAhead(OUTBOUND_RESERVE) })
  }

  /** Exact states of our chains (at a clean stop: the next run continues without a gap). */
  outboundStatements (tables: RoomTables): SqlStatement[] {
    return [...this.#outbound.values()].map(chain => {
      this.#reservedUntil.set(chain.epoch, chain.index)
      return this.outboundStatement(tables, chain)
    })
  }

  outboundStatement (tables: RoomTables, chain: OutboundSenderChain): SqlStatement {
    return tables.chainStatement(this.roomId, { epoch: chain.epoch, sender: this.#me, outbound: true, state: chain.toState() })
  }

  /**
   * A received chain at rest: its small state (positions and chain key) and the skipped keys that
   * changed since the last call, as rows. Nothing for a chain we no longer hold (pruned meanwhile).
   */
  inboundStatements (tables: RoomTables, chain: InboundSenderChain): SqlStatement[] {
    const id = chainKey(chain.epoch, chain.sender)
    if (this.#inbound.get(id) !== chain) return []
    const signed = this.#signed.get(id)?.bytes
    return [
      tables.chainStatement(this.roomId, { epoch: chain.epoch, sender: chain.sender, outbound: false, state: chain.toCoreState(), ...(signed !== undefined ? { signed } : {}) }),
      ...tables.skippedStatements(this.roomId, chain.epoch, chain.sender, chain.takeSkippedChanges())
    ]
  }

  /**
   * Our SenderKey for the current epoch at its current position, as handed to other members
   * (creates the chain if needed). Handing it out forgets the chain's earlier keys, so the new
   * state is persisted (still reserving keys ahead, see reserveStatement).
   */
  ownSenderKeys (tables: RoomTables, ownerKey: Ed25519PrivateKey, nowMs = Date.now()): { keys: Uint8Array[], statements: SqlStatement[] } {
    const { chain } = this.outbound()
    const key = signSenderKey(chain.exportKey(), ownerKey, nowMs)
    const reserved = Math.max(this.#reservedUntil.get(chain.epoch) ?? 0, chain.index)
    this.#reservedUntil.set(chain.epoch, reserved)
    const statement = tables.chainStatement(this.roomId, { epoch: chain.epoch, sender: this.#me, outbound: true, state: chain.stateAhead(reserved - chain.index) })
    return { keys: [key], statements: [statement] }
  }

  /**
   * SenderKeys we hold for this room's current epoch, for FORMEMBER (a member key; undefined: for
   * anyone): ours, signed now at its current position, and every other member's as its owner
   * signed it — relayed, so two members who never connect directly can still read each other
   * (gossip carries the envelopes). A relay cannot forge a chain (the owner's signature), and it
   * hands a chain only to members admitted (by their Add's signed time) no later than its owner signed it: a
   * later member gets it from its owner (or a relay holding a newer signature), at a position
   * after its join. The handshake code never gives any key to a POSTER.
   */
  allSenderKeys (tables: RoomTables, ownerKey: Ed25519PrivateKey, forMember?: Uint8Array, nowMs = Date.now()): { keys: Uint8Array[], statements: SqlStatement[] } {
    const own = this.ownSenderKeys(tables, ownerKey, nowMs)
    const epoch = this.log.epoch
    const addedMs = forMember === undefined ? 0 : (this.log.member(forMember)?.addedMs ?? Number.MAX_SAFE_INTEGER)
    const others: Uint8Array[] = []
    for (const [id, chain] of this.#inbound) {
      const signed = this.#signed.get(id)
      if (chain.epoch !== epoch || signed === undefined || signed.signedMs < addedMs || !this.log.isMember(chain.sender)) continue
      if (forMember !== undefined && hex(chain.sender) === hex(forMember)) continue
      others.push(signed.bytes)
    }
    return { keys: [...own.keys, ...others], statements: own.statements }
  }

  /**
   * Installs received SenderKeys after checking each is signed by its owner and belongs to this
   * room and to a member at that epoch; a key we already hold is kept (it has our ratchet position
   * and replay memory), its newest signed form remembered for relaying. FROM is the member that
   * handed them over (the others' are relayed). Returns statements to persist the new chains.
   */
  installSenderKeys (tables: RoomTables, keys: Uint8Array[], from?: Uint8Array): SqlStatement[] {
    const statements: SqlStatement[] = []
    for (const bytes of keys) {
      const k = verifiedSenderKey(bytes)
      if (k === undefined) continue // malformed, or not signed by the chain's owner: never installed
      if (hex(k.roomId) !== hex(this.roomId)) continue
      if (hex(k.sender) === hex(this.#me)) continue
      if (!this.log.isMember(k.sender, k.epoch) || this.log.isRevoked(k.sender)) continue
      const id = chainKey(k.epoch, k.sender)
      const known = this.#signed.get(id)
      if (known === undefined || known.signedMs < k.signedMs) {
        this.#signed.set(id, { bytes: bytes.slice(), signedMs: k.signedMs })
        // News to pass on: a chain new to us, or a signature that now covers a member the older
        // one did not (every exchange re-signs: counting each would make relays ping-pong).
        const newest = this.#newestAddMs()
        if (known === undefined || (known.signedMs < newest && k.signedMs >= newest)) this.relayNews++
        const held = this.#inbound.get(id)
        if (held !== undefined) statements.push(...this.inboundStatements(tables, held)) // the newer copy, at rest
      }
      if (this.#inbound.has(id)) continue
      const chain = InboundSenderChain.fromSenderKey({ roomId: k.roomId, epoch: k.epoch, sender: k.sender, index: k.index, chainKey: k.chainKey })
      chain.trackSkipped()
      this.#inbound.set(id, chain)
      if (from === undefined || hex(from) !== hex(k.sender)) this.#relayedChains.add(id)
      statements.push(...this.inboundStatements(tables, chain))
    }
    return statements
  }

  #newestAddMs (): number {
    let newest = 0
    for (const m of this.log.members()) if (m.addedMs > newest) newest = m.addedMs
    return newest
  }

  /** Whether we got SENDER's chain of EPOCH from someone other than SENDER. */
  isRelayedChain (senderHex: string, epoch: number): boolean {
    return this.#relayedChains.has(chainKeyHex(epoch, senderHex))
  }

  /** What we hold of every received chain, for a catch-up request (the SyncHave). */
  haves (): Array<{ epoch: number, sender: Uint8Array, startIndex: number, nextIndex: number, missing: number[] }> {
    return [...this.#inbound.values()].map(c => ({ epoch: c.epoch, sender: c.sender, startIndex: c.startIndex, nextIndex: c.nextIndex, missing: c.skippedIndexes() }))
  }

  hasInbound (sender: Uint8Array, epoch: number): boolean {
    return this.#inbound.has(chainKey(epoch, sender))
  }

  memberStatus (sender: Uint8Array, epoch: number): MemberStatus {
    return this.#memberStatusHex(hex(sender), epoch)
  }

  /**
   * A removed member (not re-added) is revoked in every epoch. Otherwise a member at EPOCH has a
   * role there, unless EPOCH has ended: then only within the grace window after we learned that,
   * and only while the sender has not sent in a later epoch (then it has seen the end itself).
   */
  #memberStatusHex (senderHex: string, epoch: number): MemberStatus {
    if (epoch > this.log.epoch + 1) return 'epoch-too-far'
    if (this.log.isRevokedHex(senderHex)) return 'revoked'
    // The next epoch: its entry may be on its way to us. Only a member of ours can be in it.
    if (epoch > this.log.epoch) return this.log.roleOfHex(senderHex) === undefined ? 'unknown' : 'future-epoch'
    const role = this.log.roleOfHex(senderHex, epoch)
    if (role === undefined) return 'unknown'
    if (epoch < this.log.epoch && this.#epochClosed(senderHex, epoch)) return 'closed-epoch'
    return role
  }

  #epochClosed (senderHex: string, epoch: number): boolean {
    if ((this.#latestEpoch.get(senderHex) ?? -1) > epoch) return true
    const end = this.log.epochEnd(epoch)
    if (end === undefined) return false
    const learned = this.#endLearnedAt.get(epoch) ?? end.tsMs
    return (this.#ctx?.nowMs ?? Date.now()) > learned + EPOCH_GRACE_MS
  }

  /** The epoch the last takeEpochChange() saw; its effects (closing, pruning, new chains) are done. */
  #processedEpoch: number | undefined

  /** When the log's epoch moved since the last call, the first epoch that ended; else undefined. */
  takeEpochChange (): number | undefined {
    const from = this.#processedEpoch ??= this.log.epoch
    if (this.log.epoch === from) return undefined
    this.#processedEpoch = this.log.epoch
    return from
  }

  /** Tell the room that epochs FROM.. ended just now (the entries ending them arrived at NOWMS). */
  epochsEnded (from: number, nowMs: number): void {
    for (let e = from; e < this.log.epoch; e++) if (!this.#endLearnedAt.has(e)) this.#endLearnedAt.set(e, nowMs)
  }

  /** An envelope of SENDERHEX in EPOCH was accepted: its older epochs close for it at once. */
  noteAccepted (senderHex: string, epoch: number): void {
    if ((this.#latestEpoch.get(senderHex) ?? -1) < epoch) this.#latestEpoch.set(senderHex, epoch)
  }

  /**
   * After the log changed: forgets the chains of members removed from the room (wiped, and their
   * rows deleted) and our own chains of ended epochs, except EPOCHTOKEEP (the one a caller still
   * broadcasts the ending entry in). Returns the statements that delete them from the store.
   */
  pruneChains (tables: RoomTables, keepOwnEpoch?: number): SqlStatement[] {
    const statements: SqlStatement[] = []
    for (const [id, chain] of this.#inbound) {
      if (!this.log.isRevoked(chain.sender)) continue
      chain.destroy()
      this.#inbound.delete(id)
      this.#signed.delete(id)
      this.#relayedChains.delete(id)
      statements.push(...tables.deleteChainStatement(this.roomId, { epoch: chain.epoch, sender: chain.sender, outbound: false }))
    }
    for (const [epoch, chain] of this.#outbound) {
      if (epoch >= this.log.epoch || epoch === keepOwnEpoch) continue
      chain.destroy()
      this.#outbound.delete(epoch)
      this.#reservedUntil.delete(epoch)
      statements.push(...tables.deleteChainStatement(this.roomId, { epoch, sender: this.#me, outbound: true }))
    }
    return statements
  }

  /** Our chain of EPOCH if we still hold it (an ended epoch's, until pruneChains). */
  outboundOf (epoch: number): OutboundSenderChain | undefined {
    return this.#outbound.get(epoch)
  }

  /** What the validator asks about this room, at NOWMS. One object, reused: validation is synchronous. */
  validationContext (nowMs: number): ValidationContext {
    this.#ctx ??= {
      roomId: this.roomId,
      memberAt: (senderHex, epoch) => this.#memberStatusHex(senderHex, epoch),
      // Replay memory is the inbound chain itself (every consumed index, persisted with each
      // accepted message in the same write): no query per envelope on the hot path.
      seen: (senderHex, epoch, index) => this.#inbound.get(chainKeyHex(epoch, senderHex))?.wasUsed(index) ?? false,
      inboundChain: (senderHex, epoch) => this.#inbound.get(chainKeyHex(epoch, senderHex)),
      relayedChain: (senderHex, epoch) => this.#relayedChains.has(chainKeyHex(epoch, senderHex)),
      admit: (senderHex, nowMs) => this.#admit(senderHex, nowMs),
      nowMs
    }
    this.#ctx.nowMs = nowMs
    return this.#ctx
  }

  /**
   * The context for envelopes catch-up brought: the same steps, but no sender rate budget (they
   * are history the reader asked for, in pages it pulls; the budget guards live gossip).
   */
  catchUpContext (nowMs: number): ValidationContext {
    const live = this.validationContext(nowMs)
    this.#catchUpCtx ??= { ...live, admit: undefined }
    this.#catchUpCtx.nowMs = nowMs
    return this.#catchUpCtx
  }

  /** A token bucket per sender: SENDER_BURST envelopes at once, SENDER_RATE_PER_SECOND sustained. */
  #admit (senderHex: string, nowMs: number): boolean {
    let b = this.#rates.get(senderHex)
    if (b === undefined) this.#rates.set(senderHex, b = { tokens: SENDER_BURST, at: nowMs })
    if (nowMs > b.at) b.tokens = Math.min(SENDER_BURST, b.tokens + (nowMs - b.at) * SENDER_RATE_PER_SECOND / 1000)
    b.at = Math.max(b.at, nowMs)
    if (b.tokens < 1) return false
    b.tokens--
    return true
  }

  count (verdict: Verdict, reason: ValidationReason | string): void {
    const key = `${verdict}:${reason}`
    this.counters[key] = (this.counters[key] ?? 0) + 1
  }

  /** Forgets secrets held in memory (chains wipe their keys). */
  destroy (): void {
    for (const s of this.#signed.values()) s.bytes.fill(0)
    this.#signed.clear()
    for (const c of this.#outbound.values()) c.destroy()
    for (const c of this.#inbound.values()) c.destroy()
  }
}

export type { Ed25519PrivateKey }
