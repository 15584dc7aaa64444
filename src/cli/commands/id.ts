// `conclave id`: show this installation's member id, peer id, display name and fingerprint.
import { defineCommand } from '../command.js'

export const idCommand = defineCommand({
  command: 'id',
  describe: 'show your member id, peer id, display name and fingerprint',
  builder: y => y
    .example('$0 id', 'show who you are; read the fingerprint to a friend to verify each other')
    .example('$0 id --json', '{"name":…,"memberId":…,"peerId":…,"fingerprint":…,"encrypted":…}'),
  async run (ctx) {
    // services load lazily: `--version`/`--help` must not pay for crypto and libp2p modules
    const { printIdentity, unlockIdentity } = await import('../services.js')
    printIdentity(ctx, await unlockIdentity(ctx))
  }
})
