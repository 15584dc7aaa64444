// One home = one node: a command becomes a client of the node that already runs for its home, or
// opens the home itself; a long-running command (daemon, listen, chat) that opens it owns the node
// and serves the control socket, and one that was a client takes over when the owner goes away.
import { join } from 'node:path'
import { ConclaveError, StoreLockedError } from '../errors.js'
import { SOCKET_FILE } from '../config.js'
import type { HomeOptions } from './home.js'
import { MessageQueue } from './queue.js'
import { NodeGoneError, probeSocket } from './socket.js'
import type {
  CatchUpProgress, Client, InviteOptions, InviteResult, JoinResult, LinesOptions, LinesResult, MemberInfo, MembershipOptions,
  MembershipResult, MessageMeta, NodeCommand, OwnerCommand, PublishOptions, PublishResult, RoleName, RoomInfo,
  ShownMessage, StatusInfo, Subscription
} from './types.js'

/** The one-shot commands that serve the control socket while a node of their own runs. */
export type ServeCommand = Exclude<NodeCommand, OwnerCommand>

export interface ConnectOptions {
  /** What the command needs when it has to open the home itself. */
  need: 'read' | 'write' | 'network'
  /** Create the identity when the home has none (init-like commands: create, join, chat, daemon). */
  create?: boolean
  /** Rooms the command is about: unknown ones fail before a node starts (see OpenOptions.rooms). */
  rooms?: string[]
  /** A long-running command: owns the node (serving the control socket) when none runs. */
  owner?: OwnerCommand
  /**
   * A one-shot command that runs a node of its own (none ran): it serves the control socket while
   * it runs, so the home's other commands go through it instead of waiting for the store.
   */
  serve?: ServeCommand
  /** How long to wait for a store that another process holds without serving a socket (a one-shot command). */
  lockWaitMs?: number
  /** Told once when the command waits: for a busy store, or (daemon) for another owner to exit. */
  waiting?: (why: string) => void
}

const POLL_MS = 100
/** A subscription tries this many takeovers in a row before it gives up with the last error. */
const MAX_TAKEOVER_RETRIES = 50
const DEFAULT_LOCK_WAIT_MS = 30_000

export function socketPath (home: string): string {
  return join(home, SOCKET_FILE)
}

/**
 * The client a command works through: the home's running node when one answers on the control
 * socket, else the home opened in this process (and, for a long-running command, its node
 * started and the control socket served).
 */
export async function connectHome (home: HomeOptions, options: ConnectOptions): Promise<Client> {
  const path = socketPath(home.home)
  const deadline = Date.now() + (options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS)
  let told = false
  const wait = async (why: string): Promise<void> => {
    if (!told) options.waiting?.(why)
    told = true
    await new Promise(resolve => setTimeout(resolve, POLL_MS))
  }
  for (;;) {
    const remote = await probeSocket(path)
    if (remote !== undefined) {
      if (options.owner !== 'daemon') {
        home.log(`using the node at ${path}`)
        return remote
      }
      const status = await remote.status().catch(() => undefined)
      await remote.close()
      if (status?.owner?.command === 'daemon') {
        throw new ConclaveError(`a daemon is already running for ${home.home} (pid ${status.owner.pid})`, { hint: "stop it first, or use 'conclave status'" })
      }
      // A listen or chat owns the node: the daemon takes over once it exits.
      await wait(`a '${status?.owner?.command ?? 'conclave'}' process (pid ${status?.owner?.pid ?? '?'}) runs this home's node: the daemon takes over when it exits`)
      continue
    }
    // Loaded only here: a command that talks to a running node never loads libp2p or sql.js.
    const [{ openHome }, { LocalClient }] = await Promise.all([import('./home.js'), import('./local.js')])
    if (options.need === 'read' && options.owner === undefined) {
      const opened = await openHome(home, { network: false, readOnly: true, rooms: options.rooms })
      return new LocalClient({ home: opened })
    }
    let opened
    try {
      opened = await openHome(home, { network: options.need === 'network' || options.owner !== undefined, longRunning: options.owner !== undefined, create: options.create, rooms: options.rooms })
    } catch (err) {
      if (!(err instanceof StoreLockedError)) throw err
      // Held by a one-shot command (which serves no socket) or by an owner starting up or leaving.
      if (Date.now() > deadline && options.owner !== 'daemon') throw err
      await wait(`the store is in use by another conclave command: waiting for it (${err.message})`)
      continue
    }
    const serving = options.owner ?? options.serve
    const local = new LocalClient({ home: opened }, { owner: serving })
    try {
      await local.start()
      if (serving !== undefined && opened.service !== undefined && opened.transport !== undefined) {
        const [{ ControlApi }, { guard, UNIX_LISTENER }] = await Promise.all([import('./api.js'), import('./http-guard.js')])
        const api = new ControlApi({ client: local, warn: m => home.log(m) })
        await api.listen(path, req => guard(req, UNIX_LISTENER))
        local.beforeClose(async () => { await api.close() })
        local.api = api
      }
    } catch (err) {
      await local.close().catch(() => {})
      throw err
    }
    return local
  }
}

/** Ids already shown by a subscription (the newest ones; older are forgotten in order). */
class SeenIds {
  readonly #ids = new Set<string>()
  constructor (readonly max = 100_000) {}
  has (id: string): boolean { return this.#ids.has(id) }
  add (id: string): void {
    this.#ids.add(id)
    if (this.#ids.size > this.max) this.#ids.delete(this.#ids.values().next().value!)
  }
}

/**
 * How far back a subscription looks after a takeover: what the old owner stored in that time and
 * this subscriber had not yet been handed is shown then, once. Covers senders' clocks up to the
 * validator's skew window.
 */
const RESUME_MARGIN_MS = 10 * 60 * 1000

/**
 * The client of a long-running command that attached to another process's node: when that owner
 * exits, this one takes over (becomes the owner, or attaches to whichever process did) and its
 * subscriptions go on with what was stored meanwhile, none shown twice.
 */
export class FailoverClient implements Client {
  #inner: Client
  #switching: Promise<void> | undefined
  readonly #reconnect: () => Promise<Client>
  readonly #tell: (message: string) => void

  constructor (inner: Client, reconnect: () => Promise<Client>, tell: (message: string) => void) {
    this.#inner = inner
    this.#reconnect = reconnect
    this.#tell = tell
  }

  /**
   * One call; when the node went away before it took the request (a one-shot attached to an
   * owner that was just exiting), once more after taking over. A call that got any answer is
   * never repeated (it may have taken effect).
   */
  async #call<T> (fn: (client: Client) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.#client())
    } catch (err) {
      if (!(err instanceof NodeGoneError) || !err.unanswered) throw err
      await this.takeover()
      return await fn(this.#inner)
    }
  }

  get via (): 'local' | 'node' { return this.#inner.via }
  get current (): Client { return this.#inner }

  /** The current node's catch-up progress (see Client.onCatchUp); none after a switch. */
  onCatchUp (listener: (p: CatchUpProgress) => void): () => void {
    return this.#inner.onCatchUp?.(listener) ?? (() => {})
  }

  async #client (): Promise<Client> {
    if (this.#switching !== undefined) await this.#switching
    return this.#inner
  }

  /** The owner went away: become the owner or attach to the new one. */
  async takeover (): Promise<void> {
    this.#switching ??= (async () => {
      await this.#inner.close().catch(() => {})
      this.#inner = await this.#reconnect()
      this.#tell(this.#inner.via === 'local' ? "the home's node stopped: this process runs it now" : "the home's node moved to another process: attached to it")
    })().finally(() => { this.#switching = undefined })
    await this.#switching
  }

  async rooms (): Promise<RoomInfo[]> { return await this.#call(c => c.rooms()) }
  async members (room: string): Promise<MemberInfo[]> { return await this.#call(c => c.members(room)) }
  async history (room: string, o: { limit: number, sinceMs?: number }): Promise<ShownMessage[]> { return await this.#call(c => c.history(room, o)) }
  async createRoom (name: string): Promise<RoomInfo> { return await this.#call(c => c.createRoom(name)) }
  async invite (room: string, o: InviteOptions): Promise<InviteResult> { return await this.#call(c => c.invite(room, o)) }
  async join (ticket: string, o: { name?: string, timeoutMs: number }): Promise<JoinResult> { return await this.#call(c => c.join(ticket, o)) }
  async publish (room: string, text: string, meta: MessageMeta, o: PublishOptions): Promise<PublishResult> { return await this.#call(c => c.publish(room, text, meta, o)) }
  async publishLines (room: string, source: AsyncIterable<string[]>, o: LinesOptions): Promise<LinesResult> { return await (await this.#client()).publishLines(room, source, o) }
  async status (o: { waitMs: number }): Promise<StatusInfo> { return await this.#call(c => c.status(o)) }
  async kick (room: string, member: string, o: MembershipOptions & { reason?: string }): Promise<MembershipResult> { return await this.#call(c => c.kick(room, member, o)) }
  async leave (room: string, o: MembershipOptions): Promise<MembershipResult> { return await this.#call(c => c.leave(room, o)) }
  async setRole (room: string, member: string, role: RoleName, o: MembershipOptions): Promise<MembershipResult> { return await this.#call(c => c.setRole(room, member, role, o)) }
  async revoke (room: string, o: MembershipOptions & { ticket?: string, all?: boolean }): Promise<MembershipResult> { return await this.#call(c => c.revoke(room, o)) }
  async close (): Promise<void> {
    if (this.#switching !== undefined) await this.#switching.catch(() => {})
    await this.#inner.close()
  }

  async subscribe (rooms: string[], options: { sinceMs?: number }): Promise<Subscription> {
    const out = new MessageQueue()
    const seen = new SeenIds()
    let since = options.sinceMs
    const first = await (await this.#client()).subscribe(rooms, { sinceMs: since })
    if (since === undefined) {
      // What is stored already was not asked for: remember it so a takeover's look back skips it.
      const start = Date.now() - RESUME_MARGIN_MS
      for (const room of rooms) for (const m of await (await this.#client()).history(room, { limit: seen.max, sinceMs: start })) seen.add(m.id)
    }
    void (async () => {
      let sub: Subscription | undefined = first
      let failures = 0
      for (;;) {
        if (sub !== undefined) {
          out.onClose(() => sub?.close())
          try {
            for await (const batch of sub.batches()) {
              for (const m of batch) {
                if (seen.has(m.id)) continue
                seen.add(m.id)
                out.push(m)
              }
            }
            out.close()
            return
          } catch (err) {
            if (!(err instanceof NodeGoneError)) { out.close(err); return }
          }
          since = Date.now() - RESUME_MARGIN_MS
        }
        try {
          await this.takeover()
          sub = await this.#inner.subscribe(rooms, { sinceMs: since })
          failures = 0
        } catch (err) {
          // The node we found went away too (an owner that was dying still accepted a connection): again.
          if (!(err instanceof NodeGoneError) || ++failures > MAX_TAKEOVER_RETRIES) { out.close(err); return }
          sub = undefined
          await new Promise(resolve => setTimeout(resolve, POLL_MS))
        }
      }
    })()
    return out
  }
}

