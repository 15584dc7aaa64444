// The room service: the one place where identity, store, crypto, wire and transport meet.
// It owns joined rooms, answers joins and key exchanges on direct streams, validates every
// envelope in the gossipsub topic validator (SPEC 3.7), stores what it accepts exactly once,
// and emits 'message' events for the CLI.
import { EventEmitter } from 'node:events'
import { ConclaveError, JoinRefusedError, UsageError } from '../errors.js'
import type { History, RoomTables, SqlStatement, StoredMessage } from '../store/index.js'
import { StreamBudget, type Transport } from '../transport/index.js'
import type { MessageInput } from '../wire/payload.js'
import { JOIN_PROTOCOL, KEYS_PROTOCOL } from '../wire/handshake.js'
import { type ValidationResult, sealEnvelope, validateEnvelope } from './envelope.js'
import { KeyDistribution } from './distribution.js'
import { HANDOFF_PROTOCOL, HandoffTracker, askHandoff } from './handoff.js'
import { Receipts } from './receipts.js'
import { RECEIPT_PROTOCOL } from '../wire/envelope.js'
import { runJoin, serveJoin } from './exchange.js'
import { hex, multiaddrBytes, multiaddrText, peerIdBytes, peerIdText, roomIdText } from './ids.js'
import type { Identity } from './identity.js'
import { createInvite, inviteKeyFromTicket, parseTicket } from './invite.js'
import { MembershipLog } from './membership.js'
import { Room, SEND_PACE_BURST, SEND_PACE_PER_SECOND, SENDER_RATE_PER_SECOND } from './room.js'
import { type ShownMessage, showAll } from './shown.js'
import { BatchWriter } from './writer.js'
import { CatchUp, type CatchUpProgress, SYNC_PROTOCOL } from './sync.js'
import { SYNC_PAGE_MAX_BYTES } from '../wire/sync.js'
import { decodeLogEntry, decodeSignedLogEntry, type LogBody, type RoleName } from '../wire/membership.js'
import { resolveMember, shortFingerprint } from './member-ref.js'

export type { ShownMessage } from './shown.js'

export interface RoomServiceComponents {
  identity: Identity
  tables: RoomTables
  history: History
  /** Absent for offline commands (create, invite, history, rooms, members). */
  transport?: Transport
  /** Diagnostics (never secrets); LEVEL 2 is per-envelope detail. */
  log?: (message: string, level?: number) => void
}

export interface RoomServiceOptions {
  now?: () => number
  /** Log every envelope's verdict (log level 2, -vv); the line is not even built otherwise. */
  logEnvelopes?: boolean
  /** Deadline of every handshake read. */
  handshakeTimeoutMs?: number
  /** Our chain of an epoch is rotated (a Rotate entry: a new epoch) after this many messages. */
  rotateAfterMessages?: number
  /** ... or once the epoch is this old (from the signed time of the entry that started it). */
  rotateAfterMs?: number
  /** History kept per room: at most this many messages (the newest) and none older than this. */
  retain?: { messages?: number, ageMs?: number }
}

/** Envelopes waiting for their sender's chain: at most this many per room, for at most this long. */
const PARK_MAX = 256
const PARK_MS = 30_000

/** Defaults of the rotation limits (docs/PROTOCOL.md "Rotation"). */
export const ROTATE_AFTER_MESSAGES = 10_000
export const ROTATE_AFTER_MS = 7 * 24 * 3600 * 1000
/** Default retention per room (docs/PROTOCOL.md "Catch-up"): 30 days is also the validator's oldest. */
export const RETAIN_MESSAGES = 100_000
export const RETAIN_MS = 30 * 24 * 3600 * 1000
/** How often retention runs while a node is up (and once at start). */
const RETAIN_EVERY_MS = 60_000

/** What a membership change did: the epoch after it, the readers its entry was handed to now. */
export interface MembershipChange {
  epoch: number
  recipients: number
  /** The message id of the envelope that carried the entry (for the hand-off), when online. */
  id?: string
  member?: { memberId: string, name: string }
}

export interface RoomSummary { name: string, roomId: string, role: RoleName | undefined, members: number, epoch: number, topic: string }

const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000
/**
 * Accepted messages are written to the journal before they are shown (a kill -9 loses none) and
 * fdatasync'ed within this long, one fdatasync shared by all of them (a power cut loses at most
 * this much). An fdatasync per message cost every member ~2 ms of latency on a busy box.
 */
export const DURABLE_WITHIN_MS = 1000
/** A member that flushed longer ago than this is idle: a lone message it need not forward is written at once. */
const IDLE_FLUSH_MS = 5
/**
 * The next message keys of the chains a flush used are derived this long after it, when the
 * members we just forwarded to (or published to) have had the CPU: on a shared box they are
 * still working on the message when our flush ends.
 */
const PREPARE_AFTER_MS = 10
/** Refusals that another admin would give too (the ticket itself is dead): stop trying at once. */
const FINAL_REFUSALS = new Set(['EXPIRED', 'USED_UP', 'REVOKED', 'ALREADY_MEMBER'])
/** Join and keys handshakes served at once, across all peers (each costs signatures and a stream). */
const HANDSHAKE_BUDGET = 32
/** Join or keys streams one connection may have open at once (a member needs one per room). */
const HANDSHAKE_STREAMS_PER_CONNECTION = 8
/** Of HANDSHAKE_BUDGET, what one peer may hold at once (join and keys together). */
const HANDSHAKES_PER_PEER = 4
/** Envelopes over its rate budget a member's own node may send within FLOOD_WINDOW_MS before it is banned for FLOOD_BAN_MS. */
const FLOOD_BAN_AFTER = 50
const FLOOD_WINDOW_MS = 10_000
const FLOOD_BAN_MS = 60_000

export class RoomService extends EventEmitter<{ message: [ShownMessage], sent: [ShownMessage], 'keys-exchanged': [Room, string], 'catch-up': [CatchUpProgress] }> {
  readonly identity: Identity
  readonly #tables: RoomTables
  readonly #history: History
  readonly #transport: Transport | undefined
  readonly #log: (message: string, level?: number) => void
  readonly #now: () => number
  readonly #timeoutMs: number
  readonly #logEnvelopes: boolean
  readonly #rotateAfterMessages: number
  readonly #rotateAfterMs: number
  readonly #rooms = new Map<string, Room>() // by room id hex
  readonly #keys: KeyDistribution
  readonly #handoff = new HandoffTracker()
  readonly #handshakeBudget = new StreamBudget(HANDSHAKE_BUDGET, HANDSHAKES_PER_PEER)
  /** Per member node: envelopes over the rate budget in the current window (#noteFlood). */
  readonly #floods = new Map<string, { count: number, since: number }>()
  /** Per room (hex id): our own send budget (pace). */
  readonly #pace = new Map<string, { tokens: number, at: number }>()
  /** Catch-ups served at once, across all peers (each pages through the store). */
  readonly #syncBudget = new StreamBudget(8, 2)
  readonly #catchUp: CatchUp
  readonly #retain: { messages: number, ageMs: number }
  #retainTimer: NodeJS.Timeout | undefined
  /** Per room, the id of the last envelope we accepted and forwarded to other neighbours. */
  readonly #relayed = new Map<Room, Uint8Array>()
  /** Per room, envelopes waiting for their sender's chain (see #park). */
  readonly #parked = new Map<Room, Array<{ data: Uint8Array, fromPeer: string, at: number }>>()
  readonly #receipts: Receipts
  readonly #writer: BatchWriter<ShownMessage>
  /** Our member key in hex, as the membership log keys it. */
  readonly #meHex: string
  #started = false

  constructor (components: RoomServiceComponents, options: RoomServiceOptions = {}) {
    super()
    this.identity = components.identity
    this.#meHex = hex(this.identity.memberPublicKey)
    this.#tables = components.tables
    this.#history = components.history
    this.#transport = components.transport
    this.#log = components.log ?? (() => {})
    this.#now = options.now ?? Date.now
    this.#timeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS
    this.#logEnvelopes = options.logEnvelopes ?? false
    this.#rotateAfterMessages = options.rotateAfterMessages ?? ROTATE_AFTER_MESSAGES
    this.#retain = { messages: options.retain?.messages ?? RETAIN_MESSAGES, ageMs: options.retain?.ageMs ?? RETAIN_MS }
    this.#rotateAfterMs = options.rotateAfterMs ?? ROTATE_AFTER_MS
    this.#keys = new KeyDistribution({
      identity: this.identity,
      tables: this.#tables,
      net: () => this.#net(),
      room: roomId => this.#rooms.get(hex(roomId)),
      log: this.#log,
      exchanged: (room, peer) => { this.emit('keys-exchanged', room, peer); this.#catchUpFrom(room, peer) },
      logChanged: (room, dropped) => { this.#logChanged(room, dropped) }
    }, { timeoutMs: this.#timeoutMs, now: this.#now })
    this.#writer = new BatchWriter({ tables: this.#tables, show: m => { this.emit('message', m) }, log: this.#log }, {
      durableWithinMs: DURABLE_WITHIN_MS, idleFlushMs: IDLE_FLUSH_MS, prepareAfterMs: PREPARE_AFTER_MS
    })
    this.#receipts = new Receipts({ identity: this.identity, net: () => this.#net(), room: roomId => this.#rooms.get(hex(roomId)), log: this.#log })
    this.#catchUp = new CatchUp({
      identity: this.identity,
      history: this.#history,
      net: () => this.#net(),
      room: roomId => this.#rooms.get(hex(roomId)),
      deliver: (room, envelope, fromPeer) => this.#validate(room, envelope, fromPeer, true).verdict,
      oldestMs: () => this.#now() - this.#retain.ageMs,
      connected: peer => this.#started && this.#net().connections().includes(peer),
      progress: p => { this.emit('catch-up', p) },
      log: this.#log
    })
    for (const row of this.#tables.rooms()) {
      const room = Room.load(this.#tables, row, this.identity.memberPublicKey)
      this.#rooms.set(hex(room.roomId), room)
    }
  }

  // ------------------------------------------------------------------ local state

  rooms (): Room[] {
    return [...this.#rooms.values()].sort((a, b) => a.name.localeCompare(b.name))
  }

  summary (room: Room): RoomSummary {
    return { name: room.name, roomId: room.id, role: room.log.roleOf(this.identity.memberPublicKey), members: room.log.members().length, epoch: room.log.epoch, topic: room.topic }
  }

  /** A room by name or by room id (text). Unknown → UsageError (exit 2). */
  room (ref: string): Room {
    const byId = this.rooms().find(r => r.id === ref.toLowerCase())
    if (byId !== undefined) return byId
    const byName = this.rooms().filter(r => r.name === ref)
    if (byName.length === 1) return byName[0]!
    if (byName.length > 1) throw new UsageError(`more than one room is called '${ref}'`, { hint: `name it by room id: ${byName.map(r => r.id).join(', ')}` })
    throw new UsageError(`unknown room '${ref}'`, { hint: "run 'conclave rooms' to list your rooms, 'conclave join TICKET' to join one" })
  }

  findRoom (ref: string): Room | undefined {
    try { return this.room(ref) } catch { return undefined }
  }

  createRoom (name: string): Room {
    const log = MembershipLog.create(this.identity.memberKey, { name, creatorName: this.identity.name, creatorPeerId: peerIdBytes(this.identity.peerId), createdMs: this.#now() })
    const room = new Room({ log, me: this.identity.memberPublicKey, joinedAt: this.#now(), persistedLogLength: 0 })
    const own = room.ownSenderKeys(this.#tables, this.identity.memberKey)
    this.#tables.batch([
      ...this.#tables.saveRoomStatements({ roomId: room.roomId, name: room.name, topic: room.topic, joinedAt: room.joinedAt }, [], 0),
      ...room.logStatements(this.#tables),
      ...own.statements
    ])
    this.#rooms.set(hex(room.roomId), room)
    if (this.#started) this.#subscribe(room)
    return room
  }

  /**
   * Issues an invite: appends the Invite entry (persisted, and broadcast when online) and returns
   * the ticket line. ADDRS are where joiners can reach us (multiaddr strings with /p2p/).
   */
  async invite (room: Room, options: { role: RoleName, expiresMs: number, maxUses: number, addrs: string[] }): Promise<string> {
    const created = createInvite(room.log, this.identity.memberKey, {
      role: options.role, expiresMs: options.expiresMs, maxUses: options.maxUses,
      inviterPeerId: peerIdBytes(this.identity.peerId), addrs: options.addrs.map(multiaddrBytes), nowMs: this.#now()
    })
    room.log.append(created.entry)
    this.#tables.batch(room.logStatements(this.#tables))
    if (this.#transport !== undefined) await this.#broadcastLogEntry(room, created.entry)
    return created.ticketText
  }

  members (room: Room): Array<{ memberId: string, name: string, role: RoleName, peerId: string, you: boolean, fingerprint: string, duplicateName: boolean }> {
    const members = room.log.members()
    const names = new Map<string, number>()
    for (const m of members) names.set(m.name, (names.get(m.name) ?? 0) + 1)
    return members.map(m => ({
      memberId: m.memberId, name: m.name, role: m.role, peerId: peerIdText(m.peerId), you: hex(m.member) === this.#meHex,
      fingerprint: shortFingerprint(m.member), duplicateName: names.get(m.name)! > 1
    }))
  }

  // ------------------------------------------------------------------ membership changes

  /** Kicks the member REF names (member id, unique name, fingerprint prefix): a new epoch. */
  async kick (room: Room, ref: string, reason = ''): Promise<MembershipChange> {
    const target = resolveMember(room.log.members(), ref, room.name)
    if (hex(target.member) === this.#meHex) throw new UsageError('you cannot kick yourself', { hint: `to leave the room: conclave leave ${room.name}` })
    this.#requireAdmin(room)
    return { ...await this.#change(room, { type: 'remove', member: target.member, reason }), member: target }
  }

  /** Our own Remove entry (a leave); the caller forgets the room once it is handed off (forgetRoom). */
  async leave (room: Room): Promise<MembershipChange> {
    const me = room.log.member(this.identity.memberPublicKey)
    if (me === undefined) return { epoch: room.log.epoch, recipients: 0 }
    return { ...await this.#change(room, { type: 'remove', member: me.member, reason: '' }), member: me }
  }

  /** Sets the role of the member REF names; a demotion to poster starts a new epoch. */
  async setRole (room: Room, ref: string, role: RoleName): Promise<MembershipChange> {
    const target = resolveMember(room.log.members(), ref, room.name)
    this.#requireAdmin(room)
    if (target.role === role) throw new UsageError(`${target.name} is already ${role === 'admin' ? 'an admin' : `a ${role}`} of '${room.name}'`)
    return { ...await this.#change(room, { type: 'set-role', member: target.member, role }), member: target }
  }

  /** Revokes the invite of TICKETTEXT, or every invite that can still admit someone. Returns how many. */
  async revoke (room: Room, options: { ticket?: string, all?: boolean }): Promise<MembershipChange & { revoked: number }> {
    this.#requireAdmin(room)
    let keys: Uint8Array[]
    if (options.ticket !== undefined) {
      const ticket = parseTicket(options.ticket)
      if (hex(ticket.roomId) !== hex(room.roomId)) throw new UsageError(`the ticket is for room '${ticket.roomName}', not '${room.name}'`)
      const key = inviteKeyFromTicket(ticket).publicKey
      const status = room.log.inviteStatus(key, this.#now())
      if (status === 'unknown') throw new UsageError(`room '${room.name}' has no record of that invite`, { hint: 'it may come from a member who has not shared its log yet; try again once it was online' })
      if (status === 'revoked') throw new UsageError('that invite is already revoked')
      keys = [key]
    } else {
      keys = room.log.toBytes().flatMap(bytes => {
        const body = decodeLogEntry(decodeSignedLogEntry(bytes).entry).body
        return body.type === 'invite' && room.log.inviteStatus(body.inviteKey, this.#now()) === 'ok' ? [body.inviteKey] : []
      })
    }
    let last: MembershipChange = { epoch: room.log.epoch, recipients: 0 }
    for (const inviteKey of keys) last = await this.#change(room, { type: 'revoke-invite', inviteKey })
    return { ...last, revoked: keys.length }
  }

  /**
   * Starts a new epoch (a Rotate entry) when our chain of the current one has sealed
   * rotateAfterMessages messages or the epoch is older than rotateAfterMs: past a compromise of
   * a chain key, what is sent afterwards is under keys the thief never saw. Only while online (the
   * entry must go out), and only for a member or admin (a poster holds no chains of others and
   * its own chain ends with every epoch anyway). Returns whether it rotated.
   */
  async rotateIfDue (room: Room): Promise<boolean> {
    if (this.#transport === undefined || !this.#started) return false
    const role = room.log.roleOfHex(this.#meHex)
    if (role !== 'member' && role !== 'admin') return false
    const epoch = room.log.epoch
    const used = room.outboundOf(epoch)?.index ?? 0
    const startedMs = epoch === 0 ? room.log.genesis.createdMs : room.log.epochEnd(epoch - 1)!.tsMs
    if (used < this.#rotateAfterMessages && this.#now() - startedMs < this.#rotateAfterMs) return false
    await this.#change(room, { type: 'rotate', epoch })
    this.#log(`room ${room.name}: keys rotated after ${used >= this.#rotateAfterMessages ? `${used} messages` : 'the epoch got old'}`)
    return true
  }

  /** Forgets a room we left: its subscription, its state in memory and everything stored of it. */
  forgetRoom (room: Room): void {
    if (this.#started) this.#net().unsubscribe(room.topic)
    this.#rooms.delete(hex(room.roomId))
    this.#relayed.delete(room)
    this.#parked.delete(room)
    this.#tables.batch([...this.#writer.takePending(), ...this.#tables.forgetRoomStatements(room.roomId)])
    room.destroy()
  }

  #requireAdmin (room: Room): void {
    if (room.log.roleOfHex(this.#meHex) !== 'admin') throw new UsageError(`only an admin of '${room.name}' can do that`, { hint: `see the admins with: conclave members ${room.name}` })
  }

  /**
   * Appends an entry we author, persists it and hands it to the room: first our keys exchange
   * with every connected member (so they hold our chain of the epoch the entry may end), then the
   * entry sealed in that epoch (its members, a removed one included, can open it), then — when
   * it started a new epoch — a new keys exchange, which carries the entry and our new chain.
   */
  async #change (room: Room, body: Exclude<LogBody, { type: 'genesis' | 'invite' | 'add' }>): Promise<MembershipChange> {
    const online = this.#transport !== undefined && this.#started
    if (online) await this.#keys.exchangeWithConnected(room)
    const { chain } = room.outbound()
    const entry = room.log.createEntry(this.identity.memberKey, body, this.#now())
    room.log.append(entry)
    this.#tables.batch(room.logStatements(this.#tables))
    let sent: { id?: string, recipients: number } = { recipients: 0 }
    if (online) {
      this.#reserve(room, chain)
      const sealed = sealEnvelope({ roomId: room.roomId, epoch: chain.epoch, senderKey: this.identity.memberKey, chain, tsMs: this.#now(), payload: { logEntry: entry } })
      const id = hex(sealed.id)
      this.#handoff.accepted(id)
      sent = { id, recipients: await this.republish(room, sealed.bytes).catch(() => 0) }
    }
    this.#logChanged(room)
    if (online && room.log.isMember(this.identity.memberPublicKey)) await this.#keys.refresh(room)
    return { ...sent, epoch: room.log.epoch }
  }

  /**
   * After the log grew (an entry of ours, a broadcast, a keys exchange): when an epoch ended, the
   * ended epochs close after their grace window, removed members' chains and our chains of ended
   * epochs are deleted, and the keys exchange runs again so the new epoch's chains go to its
   * members only.
   */
  /**
   * A concurrent entry of another admin won a fork (lowest entry hash): DROPPED are the entries
   * the losing branch held; ours among them that are still valid go on top of the winner and out
   * to the room again (docs/PROTOCOL.md). The caller persists the log.
   */
  #reapply (room: Room, dropped: Uint8Array[]): void {
    if (dropped.length === 0) return
    const again = room.log.reapply(this.identity.memberKey, dropped)
    this.#log(`room ${room.name}: a concurrent change won; ${again.length} of ${dropped.length} dropped entr${dropped.length === 1 ? 'y' : 'ies'} re-applied by us`)
    for (const entry of again) void this.#broadcastLogEntry(room, entry)
  }

  #logChanged (room: Room, dropped: Uint8Array[] = []): void {
    if (dropped.length > 0) {
      this.#reapply(room, dropped)
      this.#tables.batch(room.logStatements(this.#tables))
    }
    this.#retryParked(room)
    const grew = room.takeLogGrowth()
    const from = room.takeEpochChange()
    if (from === undefined) {
      // Someone may have been admitted: our chain signed now covers them (a relay hands a chain
      // only to members admitted before its owner signed it), so hand it out again.
      if (grew && this.#started && room.log.isMember(this.identity.memberPublicKey)) this.#keys.relaySoon(room)
      return
    }
    room.epochsEnded(from, this.#now())
    this.#tables.batch(room.pruneChains(this.#tables))
    this.#log(`room ${room.name}: epoch ${room.log.epoch} began`)
    if (this.#started && room.log.isMember(this.identity.memberPublicKey)) void this.#keys.refresh(room)
  }

  history (room: Room, options: { limit: number, sinceMs?: number }): ShownMessage[] {
    // LIMIT counts stored rows; a batch row holds many lines, so cut the expansion to LIMIT too.
    const shown = this.#history.last(room.roomId, options.limit, options.sinceMs).flatMap(m => showAll(room, m))
    return shown.slice(Math.max(0, shown.length - options.limit))
  }

  // ------------------------------------------------------------------ network

  #net (): Transport {
    if (this.#transport === undefined) throw new ConclaveError('this command runs without a network node')
    return this.#transport
  }

  /** Subscribes every room, serves joins and key exchanges, exchanges keys with members as they connect. */
  async start (): Promise<void> {
    const net = this.#net()
    // Join and keys streams come from peers that have proved nothing yet: a few per connection, and
    // HANDSHAKE_BUDGET at once across all peers; later frames may be large only once the handshake
    // authenticated the peer (exchange.ts reads the first frame with a small limit).
    const handshakes = { maxInboundStreams: HANDSHAKE_STREAMS_PER_CONNECTION, budget: this.#handshakeBudget, readTimeoutMs: this.#timeoutMs }
    await net.handle(JOIN_PROTOCOL, async (stream, remotePeer) => { await this.#serveJoin(stream, remotePeer) }, handshakes)
    await net.handle(KEYS_PROTOCOL, async (stream, remotePeer) => { await this.#keys.serve(stream, remotePeer) }, handshakes)
    await net.handle(HANDOFF_PROTOCOL, async (stream, remotePeer) => { await this.#handoff.serve(stream, remotePeer, this.#subscribesToOurs(remotePeer)) }, { maxFrameBytes: 64, maxInboundStreams: 16 })
    await net.handle(RECEIPT_PROTOCOL, async (stream, remotePeer) => { await this.#receipts.serve(stream, remotePeer) }, { maxFrameBytes: 256, maxInboundStreams: 16 })
    await net.handle(SYNC_PROTOCOL, async (stream, remotePeer) => { await this.#catchUp.serve(stream, remotePeer) },
      { maxFrameBytes: SYNC_PAGE_MAX_BYTES + 64, maxInboundStreams: 2, budget: this.#syncBudget, readTimeoutMs: 30_000 })
    // On every connection to a member (a start, a new peer, a peer back after a network drop):
    // the keys exchange, then catch-up from it in the background.
    const meet = (peer: string): void => {
      for (const room of this.#rooms.values()) void this.#keys.exchangeWith(room, peer).then(() => { this.#catchUpFrom(room, peer) })
    }
    net.on('peer:connect', meet)
    net.vouchFor(peer => this.#isMemberNode(peer))
    net.on('peer:banned', peer => { this.#log(`refusing peer ${peer} for a minute: ${net.banReason(peer) ?? 'abuse'}`) })
    this.#started = true
    this.applyRetention()
    this.#retainTimer = setInterval(() => { this.applyRetention() }, RETAIN_EVERY_MS)
    this.#retainTimer.unref()
    for (const room of this.#rooms.values()) this.#subscribe(room)
    for (const peer of net.connections()) meet(peer)
  }

  /**
   * A member's envelope past its rate budget. When it came straight from that member's own node
   * (not relayed: a relay forwards only what it accepted, within the same budget), FLOOD_BAN_AFTER
   * of them within FLOOD_WINDOW_MS get the node scored down, disconnected and refused for a minute.
   */
  #noteFlood (room: Room, sender: Uint8Array, fromPeer: string): void {
    const member = room.log.member(sender)
    if (member === undefined || peerIdText(member.peerId) !== fromPeer) return
    const now = this.#now()
    let f = this.#floods.get(fromPeer)
    if (f === undefined || now - f.since > FLOOD_WINDOW_MS) this.#floods.set(fromPeer, f = { count: 0, since: now })
    if (++f.count === FLOOD_BAN_AFTER) {
      this.#floods.delete(fromPeer)
      this.#log(`room ${room.name}: ${member.name}'s node sends far above ${SENDER_RATE_PER_SECOND} messages/s: refused for a minute`)
      this.#net().ban(fromPeer, FLOOD_BAN_MS, 'a member flooding the room')
    }
  }

  /** Catch-up of ROOM from PEER when PEER is another member's node (anyone who stores envelopes, a poster included, can serve). */
  #catchUpFrom (room: Room, peer: string): void {
    if (!this.#started || this.#rooms.get(hex(room.roomId)) !== room || !room.log.isMember(this.identity.memberPublicKey)) return
    const member = room.log.members().find(m => peerIdText(m.peerId) === peer)
    if (member === undefined || hex(member.member) === hex(this.identity.memberPublicKey)) return
    void this.#catchUp.start(room, peer)
  }

  /** Whether PEER is the node of a current member of one of our rooms. */
  #isMemberNode (peer: string): boolean {
    for (const room of this.#rooms.values()) {
      if (room.log.members().some(m => peerIdText(m.peerId) === peer)) return true
    }
    return false
  }

  /** Whether PEER subscribes to the topic of one of our rooms (only such peers publish to us). */
  #subscribesToOurs (peer: string): boolean {
    const net = this.#net()
    for (const room of this.#rooms.values()) if (net.topicPeers(room.topic).includes(peer)) return true
    return false
  }

  #subscribe (room: Room): void {
    this.#net().subscribe(room.topic, (from, data) => this.#validate(room, data, from).verdict, () => {})
  }

  /**
   * The topic validator: verdict per SPEC 3.7, and on accept the durable write and the event.
   * Catch-up (CAUGHTUP) runs the same steps and counters on envelopes a member served us: they
   * are not forwarded (gossip never saw them), ask for no receipt, and show as caught up.
   */
  #validate (room: Room, data: Uint8Array, fromPeer: string, caughtUp = false): ValidationResult {
    const result = validateEnvelope(data, caughtUp ? room.catchUpContext(this.#now()) : room.validationContext(this.#now()))
    room.count(result.verdict, result.reason)
    if (this.#logEnvelopes) this.#log(`room ${room.name}: ${result.verdict} ${result.reason} (${data.length} bytes)`, 2)
    if (result.verdict === 'ignore' && result.reason === 'rate-limited' && result.header !== undefined) this.#noteFlood(room, result.header.sender, fromPeer)
    if (result.verdict === 'ignore' && result.reason === 'missing-keys' && result.header !== undefined) {
      this.#keys.fetchKeysOf(room, result.header.sender)
      this.#park(room, data, fromPeer)
    }
    if (result.verdict !== 'accept' || result.header === undefined || result.payload === undefined || result.chain === undefined) return result
    const h = result.header
    const chain = result.chain
    const forwarded = !caughtUp && this.#net().forwardsTo(room.topic, fromPeer)
    if (forwarded) this.#relayed.set(room, result.id!)
    if (result.payload.type === 'log-entry') {
      this.#handoff.accepted(hex(result.id!))
      this.#writer.state(chain, () => room.inboundStatements(this.#tables, chain))
      const statements: SqlStatement[] = []
      try {
        const { dropped } = room.log.merge([result.payload.logEntry])
        this.#reapply(room, dropped)
        statements.push(...room.logStatements(this.#tables))
      } catch (err) {
        this.#log(`room ${room.name}: log entry from ${roomIdText(h.sender)} not applied: ${(err as Error).message}`)
      }
      this.#writer.queue(statements)
      room.noteAccepted(hex(h.sender), h.epoch)
      this.#logChanged(room)
      return result
    }
    room.lastMessageAt = this.#now()
    room.noteAccepted(hex(h.sender), h.epoch)
    // Accept now, so gossipsub forwards without waiting for us: the row, the advanced chain's
    // state and what to show are built when the batch is written (flush), not before the
    // forward. The message is shown (and a receipt sent, when asked for) once written. A member
    // with nobody to forward to writes it at once when idle (BatchWriter).
    const urgent = !forwarded
    const m = result.payload.message
    const receivedAt = this.#now()
    this.#writer.later(() => {
      const id = result.id!
      const idHex = hex(id)
      this.#handoff.accepted(idHex)
      const stored: StoredMessage = {
        id, roomId: room.roomId, ts: h.tsMs, sender: h.sender, epoch: h.epoch, chainIndex: h.index,
        text: m.text, title: m.title === '' ? undefined : m.title, priority: m.priority === 0 ? undefined : m.priority, tags: m.tags,
        envelope: data, receivedAt, lines: m.lines.length > 0 ? m.lines : undefined
      }
      const after = m.wantReceipts && !caughtUp ? () => { this.#receipts.accepted(room, id, fromPeer) } : undefined
      this.#writer.prepare(chain)
      this.#writer.state(chain, () => room.inboundStatements(this.#tables, chain))
      const shown = showAll(room, stored, idHex)
      if (caughtUp) for (const one of shown) one.caughtUp = true
      this.#writer.queue([this.#history.appendStatement(stored)], shown, after)
    }, urgent)
    return result
  }

  /**
   * Waits until ROOM's send budget has room for one more envelope of ours (SEND_PACE_PER_SECOND,
   * a margin under what receivers accept): callers that seal call it first.
   */
  async pace (room: Room): Promise<void> {
    const key = hex(room.roomId)
    while (true) {
      const now = this.#now()
      let b = this.#pace.get(key)
      if (b === undefined) this.#pace.set(key, b = { tokens: SEND_PACE_BURST, at: now })
      if (now > b.at) b.tokens = Math.min(SEND_PACE_BURST, b.tokens + (now - b.at) * SEND_PACE_PER_SECOND / 1000)
      b.at = Math.max(b.at, now)
      if (b.tokens >= 1) { b.tokens--; return }
      await new Promise(resolve => setTimeout(resolve, Math.ceil((1 - b.tokens) * 1000 / SEND_PACE_PER_SECOND)))
    }
  }

  /** Paces, seals, persists (chain state + our copy) and publishes one message. */
  async send (room: Room, message: MessageInput): Promise<{ id: string, recipients: number, envelope: Uint8Array }> {
    await this.pace(room)
    const sealed = this.seal(room, message)
    const recipients = await this.republish(room, sealed.envelope)
    return { id: sealed.id, recipients, envelope: sealed.envelope }
  }

  /**
   * The first half of send: seals the message with the next key of our chain and queues our copy
   * for the store; publishing the envelope (republish) is the caller's next step.
   */
  seal (room: Room, message: MessageInput): { readonly id: string, envelope: Uint8Array } {
    const role = room.log.roleOfHex(this.#meHex)
    if (role === undefined) throw new UsageError(`you are no longer a member of room '${room.name}'`)
    const { chain } = room.outbound()
    this.#reserve(room, chain)
    const tsMs = this.#now()
    const sealed = sealEnvelope({ roomId: room.roomId, epoch: chain.epoch, senderKey: this.identity.memberKey, chain, tsMs, payload: { message } })
    if (message.wantReceipts === true) this.#receipts.expect(hex(sealed.id), room)
    // Our copy is built when the next flush writes it: the caller publishes first.
    this.#writer.prepare(chain)
    this.#writer.later(() => {
      const stored: StoredMessage = {
        id: sealed.id, roomId: room.roomId, ts: tsMs, sender: this.identity.memberPublicKey, epoch: chain.epoch, chainIndex: sealed.index,
        text: message.text ?? '', title: message.title, priority: message.priority, tags: message.tags ?? [], envelope: sealed.bytes, receivedAt: tsMs,
        lines: message.lines
      }
      this.#writer.queue([this.#history.appendStatement(stored)])
      // We hold our own envelope: a neighbour relaying it may ask us too (lastRelayed).
      this.#handoff.accepted(hex(sealed.id))
      if (this.listenerCount('sent') > 0) for (const r of showAll(room, stored)) this.emit('sent', r)
    })
    let id: string | undefined
    return { envelope: sealed.bytes, get id () { return (id ??= hex(sealed.id)) } }
  }

  /**
   * Readers of ROOM we can write to now: subscribers a publish would hand the envelope to that
   * are the node of a member who can read it (member or admin in its log, not us). A non-member
   * or a poster on the topic still gets what we publish but does not count (Room.readerPeers).
   */
  readers (room: Room): number {
    return this.#net().writableSubscribers(room.topic, this.#readerFilter(room)).length
  }

  /** Whether a peer is a reader of ROOM, asked of the log as it is at each call. */
  #readerFilter (room: Room): (peer: string) => boolean {
    return peer => room.isReaderPeer(peer)
  }

  /**
   * Waits until ROOM has a reader (see readers) we can actually write to (a known subscriber is
   * not enough) and our keys exchange with the members we are connected to is done; false after
   * TIMEOUTMS.
   */
  async waitForReaders (room: Room, timeoutMs: number): Promise<boolean> {
    if (!await this.#net().waitForWritableSubscriber(room.topic, timeoutMs, undefined, this.#readerFilter(room))) return false
    await this.#keys.exchangeWithConnected(room)
    return true
  }

  /**
   * Backpressure for fast senders: waits until our gossip queue to every reader of ROOM is at
   * most MAXBYTES (gossipsub itself buffers without bound); false after TIMEOUTMS.
   */
  async waitForDrain (room: Room, maxBytes: number, timeoutMs: number): Promise<boolean> {
    return await this.#net().waitForOutboundDrain(room.topic, maxBytes, timeoutMs)
  }

  /**
   * An envelope of a member whose chain we lack (signature checked) waits here for the keys
   * exchange it triggered, then is validated again: the first message of a sender we had not met
   * since we joined is not lost (its chain arrives a moment after it). Bounded per room, and kept
   * for PARK_MS at most.
   */
  #park (room: Room, data: Uint8Array, fromPeer: string): void {
    const list = this.#parked.get(room) ?? []
    list.push({ data, fromPeer, at: this.#now() })
    if (list.length > PARK_MAX) list.shift()
    this.#parked.set(room, list)
  }

  /** Validates ROOM's parked envelopes again (after chains arrived); what still lacks keys waits on. */
  #retryParked (room: Room): void {
    const list = this.#parked.get(room)
    if (list === undefined) return
    this.#parked.delete(room)
    const now = this.#now()
    for (const p of list) {
      if (now - p.at > PARK_MS) continue
      const r = this.#validate(room, p.data, p.fromPeer) // parks it again if the chain is still missing
      if (r.verdict === 'accept') this.#log(`room ${room.name}: a message that arrived before its sender's keys was read`, 2)
    }
  }

  /** Hex id of the last envelope of ROOM this node accepted and forwarded to others, if any. */
  lastRelayed (room: Room): string | undefined {
    const id = this.#relayed.get(room)
    return id === undefined ? undefined : hex(id)
  }

  /**
   * Resolves once every reader of ROOM we publish to has accepted the envelope with message id
   * ID (so stopping now cuts nothing off), or false after TIMEOUTMS. Only readers are asked: a
   * non-member cannot accept a room's envelope, and a poster or a non-member neighbour that does
   * not answer must not hold the sender up until the timeout.
   */
  async handedOff (room: Room, id: string, timeoutMs: number): Promise<boolean> {
    const net = this.#net()
    const idBytes = Buffer.from(id, 'hex')
    const answers = await Promise.all(net.writableSubscribers(room.topic, this.#readerFilter(room)).map(async peer => {
      try {
        const stream = await net.openStream(peer, HANDOFF_PROTOCOL, { signal: AbortSignal.timeout(timeoutMs), maxFrameBytes: 64 })
        if (await askHandoff(stream, idBytes)) return true
      } catch {}
      // A neighbour that left meanwhile (a one-shot sender that is done) cannot be cut off.
      return !net.connections().includes(peer)
    }))
    return answers.every(a => a)
  }

  /**
   * For a message sent with wantReceipts: how many distinct members who can read its room
   * confirmed it (waits for N, at most TIMEOUTMS). Receipts for another room, or signed by a
   * poster, a non-member or a removed member, are dropped (Receipts).
   */
  async receipts (id: string, n: number, timeoutMs: number): Promise<number> {
    try {
      return await this.#receipts.wait(id, n, timeoutMs)
    } finally {
      this.#receipts.forget(id)
    }
  }

  /**
   * Publishes a sealed envelope (again) to every gossip neighbour on ROOM's topic; resolves with
   * the number of readers (see readers) it was handed to. With no reader writable it is not
   * published at all (0), so a retry of the same envelope is not refused as a duplicate.
   */
  async republish (room: Room, envelope: Uint8Array): Promise<number> {
    return (await this.#net().publish(room.topic, envelope, this.#readerFilter(room))).recipients
  }

  async #broadcastLogEntry (room: Room, entry: Uint8Array): Promise<void> {
    const { chain } = room.outbound()
    this.#reserve(room, chain)
    const sealed = sealEnvelope({ roomId: room.roomId, epoch: chain.epoch, senderKey: this.identity.memberKey, chain, tsMs: this.#now(), payload: { logEntry: entry } })
    await this.#net().publish(room.topic, sealed.bytes).catch(() => {})
  }

  /** Makes sure the key CHAIN hands out next is covered by a durable reservation (no key reuse after a crash). */
  #reserve (room: Room, chain: Parameters<Room['outboundStatement']>[1]): void {
    const statement = room.reserveStatement(this.#tables, chain)
    if (statement !== undefined) this.#tables.batch([...this.#writer.takePending(), statement])
  }

  /** Members of ROOM (other than us) whose node is connected now. */
  connectedMembers (room: Room): string[] { return this.#keys.connectedMembers(room) }

  /** Waits until the keys exchange with every connected member of ROOM is done (or failed). */
  async exchangeWithConnected (room: Room): Promise<void> { await this.#keys.exchangeWithConnected(room) }

  /** Members (other than us) whose current sender chain we do not hold. */
  missingSenders (room: Room): Uint8Array[] { return this.#keys.missingSenders(room) }

  /** Runs the keys exchange again with every connected member (to pick up chains we lack). */
  async refreshKeys (room: Room): Promise<void> { await this.#keys.refresh(room) }

  async #serveJoin (stream: Parameters<Parameters<Transport['handle']>[1]>[0], remotePeer: string): Promise<void> {
    try {
      const outcome = await serveJoin(stream, {
        logFor: roomId => this.#rooms.get(hex(roomId))?.log,
        adminKey: this.identity.memberKey,
        localPeerId: peerIdBytes(this.identity.peerId),
        timeoutMs: this.#timeoutMs,
        admit: (log, decision) => {
          const room = this.#rooms.get(hex(log.roomId))!
          room.log.append(decision.addEntry)
          const keys = room.allSenderKeys(this.#tables, this.identity.memberKey, decision.member)
          this.#tables.batch([...room.logStatements(this.#tables), ...keys.statements])
          void this.#broadcastLogEntry(room, decision.addEntry)
          this.#log(`room ${room.name}: admitted ${decision.name} (${decision.role})`)
          return keys.keys
        },
        received: (log, member, senderKeys) => {
          const room = this.#rooms.get(hex(log.roomId))!
          this.#keys.received(room, member, senderKeys, remotePeer)
        }
      })
      if (outcome.refused !== undefined) {
        this.#log(`join from ${remotePeer} refused: ${outcome.refused}`)
        // a joiner with a real ticket is refused once or twice; a peer guessing invites, on every try
        this.#net().strike(remotePeer, `join refused (${outcome.refused})`)
      }
    } catch (err) {
      this.#log(`join from ${remotePeer} failed: ${(err as Error).message}`)
    }
  }

  /**
   * Joins the room of TICKETTEXT: dials the inviter (then any other peer we know, since any admin
   * can admit), runs the handshake, stores the room. Returns the room.
   */
  async join (ticketText: string, options: { name?: string, timeoutMs: number }): Promise<Room> {
    const ticket = parseTicket(ticketText, { nowMs: this.#now() })
    const existing = this.#rooms.get(hex(ticket.roomId))
    if (existing !== undefined && existing.log.isMember(this.identity.memberPublicKey)) return existing
    const net = this.#net()
    const deadline = this.#now() + options.timeoutMs
    const inviter = peerIdText(ticket.inviterPeerId)
    const targets = [...ticket.addrs.map(multiaddrText).filter((a): a is string => a !== undefined), inviter]
    let lastError: unknown
    /** Peers that answered but cannot admit us (not in the room, not an admin): not asked again. */
    const cannotAdmit = new Set<string>()
    while (this.#now() < deadline) {
      // The ticket's addresses and the inviter, then whoever we are connected to (found by mDNS
      // or bootstrap): any admin of the room can admit us. Unreachable ones are retried each round.
      const candidates = [...new Set([...targets, ...net.connections()])].filter(t => !cannotAdmit.has(t))
      for (const target of candidates) {
        try {
          const remaining = Math.max(1000, deadline - this.#now())
          const stream = await net.openStream(target, JOIN_PROTOCOL, { signal: AbortSignal.timeout(remaining) })
          let ownKeys: Uint8Array[] = []
          let pending: SqlStatement[] = []
          const result = await runJoin(stream, {
            ticket, memberKey: this.identity.memberKey, name: options.name ?? this.identity.name, peerId: peerIdBytes(this.identity.peerId), timeoutMs: Math.min(this.#timeoutMs, remaining),
            ownSenderKeys: (joined) => {
              const room = new Room({ log: joined.log, me: this.identity.memberPublicKey, joinedAt: this.#now(), persistedLogLength: 0 })
              const own = room.ownSenderKeys(this.#tables, this.identity.memberKey)
              pending = [
                ...this.#tables.saveRoomStatements({ roomId: room.roomId, name: room.name, topic: room.topic, joinedAt: room.joinedAt }, [], 0),
                ...room.logStatements(this.#tables),
                ...own.statements,
                ...room.installSenderKeys(this.#tables, joined.senderKeys)
              ]
              this.#tables.batch(pending)
              this.#rooms.set(hex(room.roomId), room)
              ownKeys = own.keys
              return ownKeys
            }
          })
          const room = this.#rooms.get(hex(result.log.roomId))!
          this.#keys.markExchanged(room, stream.remotePeer)
          if (this.#started) this.#subscribe(room)
          return room
        } catch (err) {
          lastError = err
          // A refusal by an authenticated admin is final (expired, used up, revoked…); by anyone else,
          // or a peer that cannot admit us, or an unreachable one, it is not.
          if (err instanceof JoinRefusedError && (!err.final || !FINAL_REFUSALS.has(err.code))) cannotAdmit.add(target)
          else if (err instanceof ConclaveError && err.name !== 'HandshakeError' && err.name !== 'TransportError' && err.exitCode === 2) throw err
          this.#log(`join via ${target} failed: ${(err as Error).message}`)
        }
      }
      await new Promise(resolve => setTimeout(resolve, 300))
    }
    // Somebody in the room answered but could not admit us (it does not know this invite): say that.
    if (lastError instanceof JoinRefusedError && lastError.final && lastError.code === 'UNKNOWN_INVITE') throw lastError
    throw new ConclaveError(`could not reach the inviter (${inviter}) or any other admin of room '${ticket.roomName}'`, {
      hint: `the inviter or another admin of '${ticket.roomName}' must be online (running 'conclave chat ${ticket.roomName}', 'listen' or 'daemon'); check the address in the ticket is reachable from here`,
      cause: lastError
    })
  }

  counters (): Record<string, Record<string, number>> {
    return Object.fromEntries(this.rooms().map(r => [r.name, { ...r.counters }]))
  }

  /** Stops the network side; the caller closes the store. */
  /** Runs a catch-up of ROOM from PEER now and waits for it (what every meeting with a member starts). */
  async catchUpNow (room: Room, peer: string): Promise<void> {
    await this.#catchUp.start(room, peer, true)
  }

  /** What catch-up did for ROOM in this run (status --json). */
  catchUpCounts (room: Room): { runs: number, running: number, received: number, accepted: number, served: number } {
    return { ...(this.#catchUp.counts.get(room.name) ?? { runs: 0, running: 0, received: 0, accepted: 0, served: 0 }) }
  }

  /**
   * Keeps each room's history within the retention limits (--retain): the newest messages up to
   * the count, none older than the age. Every member applies its own; catch-up serves nothing
   * beyond them. Returns how many rows went.
   */
  applyRetention (): number {
    let removed = 0
    const oldest = this.#now() - this.#retain.ageMs
    for (const room of this.#rooms.values()) {
      const before = this.#history.count(room.roomId)
      if (before === 0) continue
      this.#tables.batch([...this.#writer.takePending(), ...this.#history.retainStatements(room.roomId, this.#retain.messages, oldest)])
      removed += before - this.#history.count(room.roomId)
    }
    if (removed > 0) this.#log(`retention: ${removed} message(s) past ${this.#retain.messages} per room or older than ${Math.round(this.#retain.ageMs / 86_400_000)} day(s) removed`, 1)
    return removed
  }

  async stop (): Promise<void> {
    clearInterval(this.#retainTimer)
    this.#keys.stop()
    // Queued rows, and our chains' exact positions so the next run continues without a gap.
    await this.#writer.close([...this.#rooms.values()].flatMap(room => room.outboundStatements(this.#tables)))
    for (const room of this.#rooms.values()) room.destroy()
  }
}
