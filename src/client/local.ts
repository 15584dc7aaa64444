// The Client over a room service in this process: the one place that runs the delivery
// sequence — wait for a reachable member, seal, publish, retry, receipts, and at close the
// drain and hand-off — for `send`, `chat`, the daemon's API and every other path.
import { ConclaveError, NobodyReachableError, NotConfirmedError, UsageError } from '../errors.js'
import { validateDisplayName } from '../room/identity.js'
import { parseTicket } from '../room/invite.js'
import { streamLines } from '../room/line-stream.js'
import type { Room } from '../room/room.js'
import type { MembershipChange, RoomService, ShownMessage } from '../room/service.js'
import type { RoleName } from '../wire/membership.js'
import type { ControlApi } from './api.js'
import { ADDRS_META, type Home } from './home.js'
import { inviteAddrs } from './addrs.js'
import { HISTORY_MAX } from './types.js'
import type {
  CatchUpProgress,
  Client, InviteOptions, InviteResult, JoinResult, LinesOptions, LinesResult, MemberInfo, MembershipOptions, MembershipResult, MessageMeta,
  NodeCommand, PublishOptions, PublishResult, RoomInfo, StatusInfo, Subscription
} from './types.js'
import { MessageQueue } from './queue.js'

const ROLES = new Set(['member', 'poster', 'admin'])

export class LocalClient implements Client {
  readonly via = 'local' as const
  readonly #home: Home
  readonly #owner: NodeCommand | undefined
  /** Deliveries answered before they left (publish without --wait): awaited by close(). */
  readonly #inflight = new Set<Promise<unknown>>()
  /** Per room, the last message we published: close() waits until our neighbours took it. */
  readonly #last = new Map<Room, string>()
  #started = false
  #closed = false

  /** Run first by close(): the owner stops serving the control socket before its node stops. */
  readonly #beforeClose: Array<() => Promise<void>> = []

  constructor (components: { home: Home }, options: { owner?: NodeCommand } = {}) {
    this.#home = components.home
    this.#owner = options.owner
  }

  beforeClose (f: () => Promise<void>): void { this.#beforeClose.push(f) }

  /** The control API this client's node serves, when it is the home's owner. */
  api: ControlApi | undefined

  /** Starts the network side (subscriptions, protocol handlers) when the home has a node. */
  async start (): Promise<void> {
    if (this.#started || this.#home.transport === undefined || this.#home.service === undefined) return
    this.#started = true
    await this.#home.service.start()
  }

  get service (): RoomService | undefined { return this.#home.service }

  #room (ref: string): { service: RoomService, room: Room } {
    const service = this.#home.service
    if (service === undefined) {
      throw new UsageError(`unknown room '${ref}'`, { hint: "run 'conclave rooms' to list your rooms, 'conclave join TICKET' to join one" })
    }
    return { service, room: service.room(ref) }
  }

  #networked (ref: string): { service: RoomService, room: Room } {
    const r = this.#room(ref)
    if (this.#home.transport === undefined) throw new ConclaveError('this command runs without a network node')
    return r
  }

  async rooms (): Promise<RoomInfo[]> {
    const service = this.#home.service
    if (service === undefined) return []
    return service.rooms().map(r => { const s = service.summary(r); return { ...s, role: s.role ?? null } })
  }

  async members (ref: string): Promise<MemberInfo[]> {
    const { service, room } = this.#room(ref)
    return service.members(room)
  }

  async history (ref: string, options: { limit: number, sinceMs?: number }): Promise<ShownMessage[]> {
    if (!Number.isSafeInteger(options.limit) || options.limit < 0) throw new UsageError('--limit must be a whole number')
    const { service, room } = this.#room(ref)
    return service.history(room, { limit: Math.min(options.limit, HISTORY_MAX), sinceMs: options.sinceMs })
  }

  async createRoom (name: string): Promise<RoomInfo> {
    const valid = validateDisplayName(name)
    const service = this.#home.service
    if (service === undefined) throw new ConclaveError('this home has no identity')
    const s = service.summary(service.createRoom(valid))
    return { ...s, role: s.role ?? null }
  }

  async invite (ref: string, options: InviteOptions): Promise<InviteResult> {
    if (!Number.isFinite(options.ttlMs) || options.ttlMs <= 0) throw new UsageError('--expires must be positive')
    if (!Number.isSafeInteger(options.maxUses) || options.maxUses < 1) throw new UsageError('--uses must be a whole number of at least 1')
    if (!ROLES.has(options.role)) throw new UsageError(`--role must be member, poster or admin, got '${String(options.role)}'`)
    const { service, room } = this.#room(ref)
    const net = this.#home.transport
    const addrs = net !== undefined
      ? net.multiaddrs()
      : inviteAddrs(this.#home.options.listen, this.#home.tables?.meta(ADDRS_META), service.identity.peerId)
    const expiresMs = Date.now() + options.ttlMs
    const ticket = await service.invite(room, { role: options.role, expiresMs, maxUses: options.maxUses, addrs })
    return { room: room.name, roomId: room.id, ticket, role: options.role, uses: options.maxUses, expires: new Date(expiresMs).toISOString(), addrs: addrs.length }
  }

  async join (ticket: string, options: { name?: string, timeoutMs: number }): Promise<JoinResult> {
    parseTicket(ticket, { nowMs: Date.now() }) // a bad ticket fails before any network work (exit 2)
    const name = options.name === undefined ? undefined : validateDisplayName(options.name)
    const service = this.#home.service
    if (service === undefined || this.#home.transport === undefined) throw new ConclaveError('this command runs without a network node')
    const room = await service.join(ticket, { name, timeoutMs: options.timeoutMs })
    // Hand our sender key to the members we can reach now; others get it when we meet them.
    await service.exchangeWithConnected(room)
    return { room: room.name, roomId: room.id, role: room.log.roleOf(service.identity.memberPublicKey) ?? null, members: room.log.members().length }
  }

  async kick (ref: string, member: string, options: MembershipOptions & { reason?: string }): Promise<MembershipResult> {
    if (options.reason !== undefined && [...options.reason].length > 256) throw new UsageError('--reason is longer than 256 characters')
    const { service, room } = this.#room(ref)
    const change = await this.#membership(room, async () => await service.kick(room, member, options.reason ?? ''), options)
    return this.#result(room, 'remove', change)
  }

  async setRole (ref: string, member: string, role: RoleName, options: MembershipOptions): Promise<MembershipResult> {
    if (!ROLES.has(role)) throw new UsageError(`the role must be admin, member or poster, got '${String(role)}'`)
    const { service, room } = this.#room(ref)
    const change = await this.#membership(room, async () => await service.setRole(room, member, role), options)
    return { ...this.#result(room, 'set-role', change), role }
  }

  async revoke (ref: string, options: MembershipOptions & { ticket?: string, all?: boolean }): Promise<MembershipResult> {
    if ((options.ticket === undefined) === (options.all !== true)) throw new UsageError('give either a ticket or --all')
    const { service, room } = this.#room(ref)
    const change = await this.#membership(room, async () => await service.revoke(room, options), options)
    return { ...this.#result(room, 'revoke-invite', change), revoked: change.revoked }
  }

  /**
   * Leaving: our Remove entry must reach a member before we forget the room (else nobody would
   * know), so with members left and none reachable nothing changes (NobodyReachableError). Alone
   * in the room (a typo `chat` made), the room is simply forgotten.
   */
  async leave (ref: string, options: MembershipOptions): Promise<MembershipResult> {
    const { service, room } = this.#room(ref)
    const others = room.log.members().filter(m => m.memberId !== service.identity.memberId)
    if (others.length === 0) {
      const me = room.log.member(service.identity.memberPublicKey)
      service.forgetRoom(room)
      return { room: room.name, roomId: room.id, entry: 'remove', member: me === undefined ? undefined : { memberId: me.memberId, name: me.name }, epoch: room.log.epoch, recipients: 0 }
    }
    if (room.log.roleOf(service.identity.memberPublicKey) === 'admin' && !others.some(m => m.role === 'admin')) {
      throw new UsageError(`you are the last admin of '${room.name}'`, { hint: `make someone else an admin first: conclave role ${room.name} MEMBER admin` })
    }
    this.#networked(ref)
    if (!await service.waitForReaders(room, options.timeoutMs)) throw nobody(room, options.timeoutMs)
    const change = await service.leave(room)
    if (change.id !== undefined && !await service.handedOff(room, change.id, options.timeoutMs)) this.#home.options.log(`a neighbour in '${room.name}' did not confirm the hand-off in time`)
    const result = this.#result(room, 'remove', change)
    service.forgetRoom(room)
    return result
  }

  /** Runs a membership change once a reader is reachable (or, after TIMEOUTMS, for the store only). */
  async #membership<T extends MembershipChange> (room: Room, change: () => Promise<T>, options: MembershipOptions): Promise<T> {
    const service = this.#home.service!
    if (this.#home.transport !== undefined) await service.waitForReaders(room, options.timeoutMs)
    const result = await change()
    if (result.id !== undefined) this.#last.set(room, result.id)
    return result
  }

  #result (room: Room, entry: MembershipResult['entry'], change: MembershipChange): MembershipResult {
    const out: MembershipResult = { room: room.name, roomId: room.id, entry, epoch: change.epoch, recipients: change.recipients }
    if (change.member !== undefined) out.member = { memberId: change.member.memberId, name: change.member.name }
    return out
  }

  async publish (ref: string, text: string, meta: MessageMeta, options: PublishOptions): Promise<PublishResult> {
    const wait = options.wait
    if (wait !== undefined && (!Number.isSafeInteger(wait) || wait < 1)) throw new UsageError('--wait must be a whole number of at least 1')
    const { service, room } = this.#networked(ref)
    const deadline = Date.now() + options.timeoutMs
    // Only a long-running node keeps a message for later: a one-shot's node (another `send` that
    // happens to serve the socket for its few seconds) would leave with it.
    const queue = options.alone === 'queue' && wait === undefined && (this.#owner === 'daemon' || this.#owner === 'listen' || this.#owner === 'chat')
    const reachable = await service.waitForReaders(room, queue ? 0 : options.timeoutMs)
    if (!reachable && options.alone !== 'store' && !queue) throw nobody(room, options.timeoutMs)
    if (reachable) await service.rotateIfDue(room)
    await service.pace(room)
    const sealed = service.seal(room, { text, ...meta, wantReceipts: wait !== undefined })
    const answer = { room: room.name, roomId: room.id, id: sealed.id }
    this.#last.set(room, sealed.id)
    if (!reachable) return { ...answer, recipients: 0, queued: true }
    const readers = service.readers(room)
    if (wait === undefined && readers > 0) {
      // Answer like a broker that has taken the message: sealed, our copy queued for the store, a
      // member writable now. The envelope leaves right after (the caller's answer goes first);
      // close() waits for it.
      const delivery = new Promise<void>(resolve => setImmediate(resolve)).then(async () => {
        if (await this.#deliver(service, room, sealed.envelope, deadline) === 0) this.#home.options.log(`message ${sealed.id} to '${room.name}' reached nobody: it stays in the store`)
      })
      this.#track(delivery)
      return { ...answer, recipients: readers }
    }
    const recipients = await this.#deliver(service, room, sealed.envelope, deadline)
    if (recipients === 0) throw new NobodyReachableError(`the message to '${room.name}' reached nobody`, { hint: 'another member must be online and reachable; the message stays in your store' })
    if (wait === undefined) return { ...answer, recipients }
    const receipts = await service.receipts(sealed.id, wait, Math.max(0, deadline - Date.now()))
    if (receipts < wait) {
      throw new NotConfirmedError(`only ${receipts} of ${wait} member(s) confirmed receipt within ${seconds(options.timeoutMs)}`, {
        receipts, hint: 'the others may be offline; raise --timeout or lower --wait'
      })
    }
    return { ...answer, recipients, receipts }
  }

  /** Publishes; if that reached nobody (a reader just left), waits for one and publishes again. */
  async #deliver (service: RoomService, room: Room, envelope: Uint8Array, deadline: number): Promise<number> {
    let recipients = await service.republish(room, envelope)
    if (recipients === 0 && await service.waitForReaders(room, Math.max(0, deadline - Date.now()))) recipients = await service.republish(room, envelope)
    return recipients
  }

  #track (p: Promise<unknown>): void {
    const tracked = p.catch(err => { this.#home.options.log(`a message was not published: ${(err as Error).message}`) })
      .finally(() => { this.#inflight.delete(tracked) })
    this.#inflight.add(tracked)
  }

  async publishLines (ref: string, source: AsyncIterable<string[]>, options: LinesOptions): Promise<LinesResult> {
    const { service, room } = this.#networked(ref)
    if (!await service.waitForReaders(room, options.timeoutMs)) throw nobody(room, options.timeoutMs)
    let split = 0
    const sent = await streamLines(service, room, source, {
      title: options.title, priority: options.priority, tags: options.tags, timeoutMs: options.timeoutMs,
      onSplit: () => { split++ },
      onSlowReader: () => this.#home.options.log(`a reader of '${room.name}' is backed up: going on without waiting for it`)
    })
    if (sent.lastId !== undefined) this.#last.set(room, sent.lastId)
    // Answer once the members we publish to have taken every line (gossipsub queues without bound).
    if (!await service.waitForDrain(room, 0, options.timeoutMs)) this.#home.options.log(`a reader of '${room.name}' did not take everything within ${seconds(options.timeoutMs)}`)
    return { room: room.name, roomId: room.id, lines: sent.lines, envelopes: sent.envelopes, split }
  }

  async subscribe (refs: string[], options: { sinceMs?: number }): Promise<Subscription> {
    const rooms = refs.map(ref => this.#room(ref))
    const service = this.#home.service!
    const wanted = new Set(rooms.map(r => r.room.id))
    const queue = new MessageQueue()
    if (options.sinceMs !== undefined) {
      const backlog = rooms.flatMap(r => service.history(r.room, { limit: HISTORY_MAX, sinceMs: options.sinceMs }))
      backlog.sort((a, b) => a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
      for (const m of backlog) queue.push(m)
    }
    const on = (m: ShownMessage): void => { if (wanted.has(m.roomId)) queue.push(m) }
    // Ours too (sent through this node by any client), like ntfy's subscribers see every publish.
    service.on('message', on)
    service.on('sent', on)
    queue.onClose(() => { service.off('message', on); service.off('sent', on) })
    return queue
  }

  onCatchUp (listener: (p: CatchUpProgress) => void): () => void {
    const service = this.#home.service
    if (service === undefined) return () => {}
    service.on('catch-up', listener)
    return () => { service.off('catch-up', listener) }
  }

  async status (options: { waitMs: number }): Promise<StatusInfo> {
    const service = this.#home.service
    const net = this.#home.transport
    if (service === undefined || net === undefined) throw new ConclaveError('this command runs without a network node')
    {
      // A node started just for this gets a moment for discovery (through the API: no wait).
      const deadline = Date.now() + options.waitMs
      while (net.connections().length === 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50))
      if (net.connections().length > 0) {
        const settle = Math.min(deadline, Date.now() + 1000)
        for (const room of service.rooms()) await service.waitForReaders(room, Math.max(0, settle - Date.now()))
      }
    }
    const rooms = service.rooms().map(room => {
      const last = service.history(room, { limit: 1 })[0]
      const online = service.connectedMembers(room)
      return {
        name: room.name,
        roomId: room.id,
        role: room.log.roleOf(service.identity.memberPublicKey) ?? null,
        members: room.log.members().length,
        membersOnline: service.members(room).filter(m => online.includes(m.peerId)).map(m => ({ name: m.name, memberId: m.memberId })),
        meshPeers: net.meshPeers(room.topic).length,
        lastMessage: last?.ts ?? null,
        validator: { ...room.counters },
        catchUp: service.catchUpCounts(room)
      }
    })
    return {
      daemon: this.#owner === 'daemon',
      owner: this.#owner === undefined || this.#owner === 'status' ? null : { command: this.#owner, pid: process.pid },
      peerId: net.peerId,
      memberId: service.identity.memberId,
      listen: net.multiaddrs(),
      peers: net.connections(),
      peerScores: Object.fromEntries(net.connections().map(p => [p, net.peerScore(p)]).filter((e): e is [string, number] => e[1] !== undefined)),
      banned: net.bannedPeers(),
      rooms
    }
  }

  /**
   * What was published or relayed leaves before the node stops: deliveries answered early, every
   * room's outbound queues drained, then until every reader we write to has accepted the last
   * envelope we published and the last we relayed in each room (the hand-off), so stopping cuts
   * nothing off. Then the store is flushed and closed.
   */
  async close (options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const service = this.#home.service
    const timeoutMs = options.timeoutMs ?? 10_000
    try {
      for (const f of this.#beforeClose) await f()
      await Promise.all([...this.#inflight])
      if (service !== undefined && this.#home.transport !== undefined) {
        // Every room, not only those we published in: a node also relays, and what it relayed may
        // still be on its way to a slower neighbour when it stops (a `listen --count N` that was
        // the only path between a sender and other members). Stopping the node aborts any
        // connection that does not close within 500 ms, which would cut that off.
        const deadline = Date.now() + timeoutMs
        const left = (): number => Math.max(0, deadline - Date.now())
        for (const room of service.rooms()) {
          if (!await service.waitForDrain(room, 0, left())) this.#home.options.log(`a neighbour in '${room.name}' did not take everything within ${seconds(timeoutMs)}`)
        }
        for (const room of service.rooms()) {
          const ids = new Set([this.#last.get(room), service.lastRelayed(room)].filter(id => id !== undefined))
          if (ids.size === 0 || service.readers(room) === 0) continue
          for (const id of ids) {
            if (!await service.handedOff(room, id, left())) this.#home.options.log(`a neighbour in '${room.name}' did not confirm the hand-off in time`)
          }
        }
      }
    } finally {
      await this.#home.close()
    }
  }
}

function seconds (ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`
}

function nobody (room: Room, timeoutMs: number): NobodyReachableError {
  return new NobodyReachableError(`nobody in room '${room.name}' was reachable within ${seconds(timeoutMs)}`, {
    hint: "another member must be online (conclave chat/listen/daemon) and reachable: on the LAN by mDNS, or give --bootstrap MULTIADDR; or keep a node running ('conclave daemon'): then a message nobody can take is stored and delivered when a member comes back"
  })
}
