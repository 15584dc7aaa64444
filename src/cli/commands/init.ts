// `conclave init`: create the identity, or rename / encrypt an existing one.
import { UsageError } from '../../errors.js'
import { defineCommand } from '../command.js'

export const initCommand = defineCommand({
  command: 'init',
  describe: 'create your identity (commands that need one create it on first use)',
  builder: y => y
    .option('name', { type: 'string', describe: 'display name shown to others (default: your login name)' })
    .option('encrypt', { type: 'boolean', default: false, describe: 'encrypt the keys at rest with a passphrase (scrypt + ChaCha20-Poly1305)' })
    .example('$0 init --name alice', 'create an identity called alice')
    .example('CONCLAVE_PASSPHRASE=… $0 init --encrypt', 'create it, or encrypt an existing one, under a passphrase'),
  async run (ctx, args: { name?: string, encrypt: boolean }) {
    const { defaultDisplayName, identityVault, passphraseSource, printIdentity } = await import('../services.js')
    const vault = identityVault(ctx)
    const source = passphraseSource(ctx.io, ctx.globals.passphraseFile)
    if (!vault.exists()) {
      const passphrase = args.encrypt ? await source.get('create') : undefined
      const identity = await vault.create({ name: args.name ?? defaultDisplayName(ctx.io.env), passphrase })
      ctx.out.info(`conclave: created identity '${identity.name}' in ${ctx.globals.home}`)
      printIdentity(ctx, identity)
      return
    }
    if (args.name === undefined && !args.encrypt) {
      throw new UsageError(`an identity already exists at ${vault.path}`, { hint: "run 'conclave id' to show it, or 'conclave init --name NICK' / '--encrypt' to change it" })
    }
    const current = await vault.load(source)
    if (args.encrypt && current.encrypted && args.name === undefined) {
      throw new UsageError('the identity is already encrypted')
    }
    const passphrase = args.encrypt && !current.encrypted ? await source.get('create') : undefined
    const identity = await vault.update(source, { name: args.name, passphrase })
    ctx.out.info(`conclave: updated identity '${identity.name}'`)
    printIdentity(ctx, identity)
  }
})
