// How a command reaches its home's node: the global options as the client layer's HomeOptions,
// and the client to work through (a long-running command's client takes over when its owner exits).
import { userInfo } from 'node:os'
import type { Client, ConnectOptions, HomeOptions } from '../client/index.js'
import type { CommandContext } from './command.js'
import { passphraseSource } from './passphrase.js'

/** A display name to start with: the login name, else "anon". */
export function defaultDisplayName (env: NodeJS.ProcessEnv): string {
  try {
    const name = userInfo().username
    if (name !== '') return name
  } catch {}
  return env.USER ?? 'anon'
}

export function homeOptions (ctx: CommandContext): HomeOptions {
  return {
    home: ctx.globals.home,
    listen: ctx.globals.listen,
    bootstrap: ctx.globals.bootstrap,
    mdns: ctx.globals.mdns,
    passphrase: passphraseSource(ctx.io, ctx.globals.passphraseFile),
    defaultName: defaultDisplayName(ctx.io.env),
    log: (m, level) => ctx.out.debug(m, level),
    logEnvelopes: ctx.out.verbosity >= 2,
    onIdentityCreated: identity => ctx.out.info(`conclave: created a new identity for '${identity.name}' in ${ctx.globals.home} (run 'conclave init --name NICK --encrypt' to name and protect it)`)
  }
}

export async function connect (ctx: CommandContext, options: ConnectOptions): Promise<Client> {
  if (ctx.connect !== undefined) return await ctx.connect(options)
  const { connectHome, FailoverClient } = await import('../client/connect.js')
  const home = homeOptions(ctx)
  const opts: ConnectOptions = { waiting: why => ctx.out.info(`conclave: ${why}`), ...options }
  const client = await connectHome(home, opts)
  if (options.owner === undefined || client.via === 'local') return client
  // Attached to another process's node: when it exits, take over (or attach to whoever did).
  return new FailoverClient(client, async () => await connectHome(home, opts), m => ctx.out.info(`conclave: ${m}`))
}

/** Runs FN with a client and always closes it (delivering what is in flight, flushing the store). */
export async function withClient<T> (ctx: CommandContext, options: ConnectOptions, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await connect(ctx, options)
  try {
    return await fn(client)
  } finally {
    await client.close()
  }
}
