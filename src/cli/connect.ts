// How a command reaches its home's node: the global options as the client layer's HomeOptions,
// and the client to work through (a long-running command's client takes over when its owner exits).
import { userInfo } from 'node:os'
import type { Client, ConnectOptions, HomeOptions } from '../client/index.js'
import type { CommandContext } from './command.js'
import { UsageError } from '../errors.js'
import { parseDuration } from './format.js'
import { passphraseSource } from './passphrase.js'

function positive (ms: number, name: string): number {
  if (ms <= 0) throw new UsageError(`${name} must be positive`)
  return ms
}

/** A display name to start with: the login name, else "anon". */
export function defaultDisplayName (env: NodeJS.ProcessEnv): string {
  try {
    const name = userInfo().username
    if (name !== '') return name
  } catch {}
  return env.USER ?? 'anon'
}

/** `--retain 5000`, `--retain 7d`, `--retain 5000,7d`: a count of messages and/or an age. */
export function parseRetain (spec: string): { messages?: number, ageMs?: number } {
  const out: { messages?: number, ageMs?: number } = {}
  for (const part of spec.split(',').map(p => p.trim())) {
    if (/^\d+$/.test(part)) {
      const n = Number(part)
      if (!Number.isSafeInteger(n) || n < 1 || out.messages !== undefined) throw new UsageError(`--retain: '${part}' is not a count of at least 1 (or a second one)`, { hint: 'write --retain 5000, --retain 7d or --retain 5000,7d' })
      out.messages = n
    } else {
      if (out.ageMs !== undefined) throw new UsageError(`--retain: a second age '${part}'`, { hint: 'write --retain 5000, --retain 7d or --retain 5000,7d' })
      out.ageMs = positive(parseDuration(part, 'retain'), '--retain')
    }
  }
  return out
}

export function homeOptions (ctx: CommandContext): HomeOptions {
  const { rotateMessages, rotateAfter, retain } = ctx.globals
  if (rotateMessages !== undefined && (!Number.isSafeInteger(rotateMessages) || rotateMessages < 1)) throw new UsageError('--rotate-messages must be a whole number of at least 1')
  return {
    ...(rotateMessages !== undefined ? { rotateAfterMessages: rotateMessages } : {}),
    ...(rotateAfter !== undefined ? { rotateAfterMs: positive(parseDuration(rotateAfter, 'rotate-after'), '--rotate-after') } : {}),
    ...(retain !== undefined ? { retain: parseRetain(retain) } : {}),
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
  if (client.via === 'local') return client
  // Attached to another process's node: when it exits, take over (or attach to whoever did). A
  // one-shot whose request the exiting node never took sends it again, quietly.
  const tell = options.owner === undefined ? (m: string) => ctx.out.debug(m) : (m: string) => ctx.out.info(`conclave: ${m}`)
  return new FailoverClient(client, async () => await connectHome(home, opts), tell)
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
