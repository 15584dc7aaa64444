// Opens what a home's node is made of, in order — identity → store (the single-writer lock) →
// optional libp2p node → room service — and closes it all again, whatever happened.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { HOME_FILES } from '../config.js'
import { Identity, IdentityVault, type PassphraseSource } from '../room/identity.js'
import { RoomService } from '../room/service.js'
import { ensurePrivateDir } from '../store/files.js'
import { History, MIGRATIONS, RoomTables, Store, loadSqlJs } from '../store/index.js'
import { createTransport, type Transport } from '../transport/index.js'

/** Where a home is and how its node joins the network (the CLI's global options). */
export interface HomeOptions {
  home: string
  listen: string[]
  bootstrap: string[]
  mdns: boolean
  passphrase: PassphraseSource
  /** Display name of an identity created on first use. */
  defaultName: string
  /** Diagnostics (never secrets); level 2 is per-envelope detail. */
  log: (message: string, level?: number) => void
  /** Log every envelope's verdict (-vv). */
  logEnvelopes?: boolean
  /** Rotation limits of our sender chains (RoomServiceOptions; defaults in docs/PROTOCOL.md). */
  rotateAfterMessages?: number
  rotateAfterMs?: number
  /** History kept per room (RoomServiceOptions.retain). */
  retain?: { messages?: number, ageMs?: number }
  /** An identity was created on first use (the CLI says so). */
  onIdentityCreated?: (identity: Identity) => void
}

export interface OpenOptions {
  network: boolean
  /** Read what is on disk without the writer lock (history, rooms, members when no node runs). */
  readOnly?: boolean
  /** A process that runs for long (daemon, listen, chat): sqlite's wasm gets the optimizing compiler. */
  longRunning?: boolean
  /** Create the identity (and the home) when there is none; otherwise such a home opens empty. */
  create?: boolean
  /**
   * Rooms the command is about: an unknown one fails here, after the store is read and before a
   * node starts or anything is written (bad input changes nothing on disk).
   */
  rooms?: string[]
}

/** An open home; `service` is undefined for a home that has no identity yet (and was not to create one). */
export interface Home {
  options: HomeOptions
  identity?: Identity
  service?: RoomService
  tables?: RoomTables
  transport?: Transport
  close: () => Promise<void>
}

const PORT_META = 'tcp_port'
/** The multiaddrs our node listened on last time (for tickets printed while no node runs). */
export const ADDRS_META = 'listen_addrs'

/**
 * With the default `/tcp/0` listen address a node reuses the port it had last time, so invite
 * tickets printed earlier keep working after a restart; an explicit port is used as given.
 */
function listenAddrs (requested: string[], lastPort: string | undefined): string[] {
  if (lastPort === undefined) return requested
  return requested.map(a => a.replace(/\/tcp\/0$/, `/tcp/${lastPort}`))
}

/** True when the home has an identity (a command that only reads or sends need not create one). */
export function homeExists (home: string): boolean {
  return existsSync(join(home, HOME_FILES.identity))
}

export async function openHome (o: HomeOptions, options: OpenOptions): Promise<Home> {
  if (options.create !== true && !homeExists(o.home)) return { options: o, close: async () => {} }
  const vault = new IdentityVault({}, { path: join(o.home, HOME_FILES.identity) })
  const { identity, created } = await vault.loadOrCreate(o.passphrase, o.defaultName)
  if (created) o.onIdentityCreated?.(identity)
  ensurePrivateDir(o.home)
  const sqlJs = await loadSqlJs({ optimize: options.longRunning === true })
  const store = await Store.open({ sqlJs, log: m => o.log(m) }, { path: join(o.home, HOME_FILES.store), migrations: MIGRATIONS, readOnly: options.readOnly === true })
  const tables = new RoomTables({ store })
  const history = new History({ store })
  let transport: Transport | undefined
  try {
    if (options.rooms !== undefined && options.rooms.length > 0) {
      const offline = new RoomService({ identity, tables, history })
      for (const ref of options.rooms) offline.room(ref)
    }
    if (options.network) {
      const privateKey = await identity.peerPrivateKey()
      const net = { bootstrap: o.bootstrap, mdns: o.mdns }
      try {
        transport = await createTransport({ privateKey }, { ...net, listen: listenAddrs(o.listen, tables.meta(PORT_META)) })
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' && !/EADDRINUSE|address already in use/i.test(String((err as Error).message))) throw err
        transport = await createTransport({ privateKey }, { ...net, listen: o.listen })
      }
      const addrs = transport.multiaddrs()
      const port = addrs.map(a => /\/tcp\/(\d+)/.exec(a)?.[1]).find(p => p !== undefined)
      if (port !== undefined && options.readOnly !== true) {
        if (tables.meta(PORT_META) !== port) tables.setMeta(PORT_META, port)
        const json = JSON.stringify(addrs)
        if (tables.meta(ADDRS_META) !== json) tables.setMeta(ADDRS_META, json)
      }
      o.log(`node ${transport.peerId} listening on ${addrs.join(' ')}`)
    }
  } catch (err) {
    store.close()
    throw err
  }
  const service = new RoomService({ identity, tables, history, transport, log: o.log }, {
    logEnvelopes: o.logEnvelopes === true,
    ...(o.rotateAfterMessages !== undefined ? { rotateAfterMessages: o.rotateAfterMessages } : {}),
    ...(o.rotateAfterMs !== undefined ? { rotateAfterMs: o.rotateAfterMs } : {}),
    ...(o.retain !== undefined ? { retain: o.retain } : {})
  })
  let closed = false
  return {
    options: o,
    identity,
    service,
    tables,
    transport,
    close: async () => {
      if (closed) return
      closed = true
      for (const [name, counts] of Object.entries(service.counters())) {
        const text = Object.entries(counts).sort().map(([k, n]) => `${k}=${n}`).join(' ')
        if (text !== '') o.log(`validator ${name}: ${text}`)
      }
      try {
        await service.stop()
        if (transport !== undefined) await transport.stop()
      } finally {
        store.close()
      }
    }
  }
}
