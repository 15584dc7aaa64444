// Opens what a command needs, in order: identity → store (single writer) → optional network
// node → room service; and closes it all again, whatever happened.
import { join } from 'node:path'
import { HOME_FILES } from '../config.js'
import { ensurePrivateDir } from '../store/files.js'
import { History, MIGRATIONS, RoomTables, Store, loadSqlJs } from '../store/index.js'
import { RoomService } from '../room/service.js'
import { createTransport, type Transport } from '../transport/index.js'
import type { CommandContext } from './command.js'
import { unlockIdentity } from './services.js'

export interface Session {
  service: RoomService
  store: Store
  transport?: Transport
  close: () => Promise<void>
}

const PORT_META = 'tcp_port'
export const ADDRS_META = 'listen_addrs'

/**
 * With the default `/tcp/0` listen address a node reuses the port it had last time, so invite
 * tickets printed earlier keep working after a restart; an explicit port is used as given.
 */
function listenAddrs (requested: string[], lastPort: string | undefined): string[] {
  if (lastPort === undefined) return requested
  return requested.map(a => a.replace(/\/tcp\/0$/, `/tcp/${lastPort}`))
}

export interface SessionOptions {
  network: boolean
  readOnly?: boolean
  /** A process that runs for long (daemon, listen, chat): sqlite's wasm gets the optimizing compiler. */
  longRunning?: boolean
}

export async function openSession (ctx: CommandContext, options: SessionOptions): Promise<Session> {
  const identity = await unlockIdentity(ctx)
  ensurePrivateDir(ctx.globals.home)
  const sqlJs = await loadSqlJs({ optimize: options.longRunning === true })
  const store = await Store.open({ sqlJs, log: m => ctx.out.debug(m) }, { path: join(ctx.globals.home, HOME_FILES.store), migrations: MIGRATIONS, readOnly: options.readOnly === true })
  const tables = new RoomTables({ store })
  const history = new History({ store })
  let transport: Transport | undefined
  try {
    if (options.network) {
      const privateKey = await identity.peerPrivateKey()
      const opts = { bootstrap: ctx.globals.bootstrap, mdns: ctx.globals.mdns }
      try {
        transport = await createTransport({ privateKey }, { ...opts, listen: listenAddrs(ctx.globals.listen, tables.meta(PORT_META)) })
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' && !/EADDRINUSE|address already in use/i.test(String((err as Error).message))) throw err
        transport = await createTransport({ privateKey }, { ...opts, listen: ctx.globals.listen })
      }
      const addrs = transport.multiaddrs()
      const port = addrs.map(a => /\/tcp\/(\d+)/.exec(a)?.[1]).find(p => p !== undefined)
      if (port !== undefined && !options.readOnly) {
        if (tables.meta(PORT_META) !== port) tables.setMeta(PORT_META, port)
        const json = JSON.stringify(addrs)
        if (tables.meta(ADDRS_META) !== json) tables.setMeta(ADDRS_META, json)
      }
      ctx.out.debug(`node ${transport.peerId} listening on ${addrs.join(' ')}`)
    }
  } catch (err) {
    store.close()
    throw err
  }
  const service = new RoomService({ identity, tables, history, transport, log: (m, level) => ctx.out.debug(m, level) }, { logEnvelopes: ctx.out.verbosity >= 2 })
  let closed = false
  return {
    service,
    store,
    transport,
    close: async () => {
      if (closed) return
      closed = true
      for (const [name, counts] of Object.entries(service.counters())) {
        const text = Object.entries(counts).sort().map(([k, n]) => `${k}=${n}`).join(' ')
        if (text !== '') ctx.out.debug(`validator ${name}: ${text}`)
      }
      await service.stop()
      if (transport !== undefined) await transport.stop()
      store.close()
    }
  }
}

/** Runs FN with a session and always closes it (flushing the store) afterwards. */
export async function withSession<T> (ctx: CommandContext, options: SessionOptions, fn: (s: Session) => Promise<T>): Promise<T> {
  const session = await openSession(ctx, options)
  try {
    return await fn(session)
  } finally {
    await session.close()
  }
}
