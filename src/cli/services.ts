// Builds the services a command needs from the global options (home dir, passphrase source).
import { join } from 'node:path'
import { HOME_FILES } from '../config.js'
import { Identity, IdentityVault } from '../room/identity.js'
import type { CommandContext } from './command.js'
import { passphraseSource } from './passphrase.js'
import { defaultDisplayName } from './connect.js'

export { passphraseSource, defaultDisplayName }

export function identityVault (ctx: CommandContext): IdentityVault {
  return new IdentityVault({}, { path: join(ctx.globals.home, HOME_FILES.identity) })
}

/** Unlocks the identity, creating an unencrypted one on first use (SPEC.md: created on first need). */
export async function unlockIdentity (ctx: CommandContext): Promise<Identity> {
  const vault = identityVault(ctx)
  const { identity, created } = await vault.loadOrCreate(passphraseSource(ctx.io, ctx.globals.passphraseFile), defaultDisplayName(ctx.io.env))
  if (created) ctx.out.info(`conclave: created a new identity for '${identity.name}' in ${ctx.globals.home} (run 'conclave init --name NICK --encrypt' to name and protect it)`)
  return identity
}

/** The lines `id` and `init` print for an identity. */
export function printIdentity (ctx: CommandContext, identity: Identity): void {
  if (ctx.out.json) {
    ctx.out.jsonLine(identity.toJSON())
    return
  }
  ctx.out.data(`name:        ${identity.name}`)
  ctx.out.data(`member id:   ${identity.memberId}`)
  ctx.out.data(`peer id:     ${identity.peerId}`)
  ctx.out.data(`fingerprint: ${identity.fingerprint}`)
  ctx.out.data(`encrypted:   ${identity.encrypted ? 'yes' : 'no'}`)
}
