// `conclave join TICKET`: handshake with an admin of the room, receive its state and keys.
import { defineCommand } from '../command.js'
import { parseDuration } from '../format.js'

export const joinCommand = defineCommand({
  command: 'join <ticket>',
  describe: 'join a room with an invite ticket; exits 0 once joined',
  builder: y => y
    .positional('ticket', { type: 'string', describe: 'the conclave1:… line from `conclave invite`' })
    .option('as', { type: 'string', describe: 'display name to use in this room (default: your name)' })
    .option('timeout', { type: 'string', default: '30s', describe: 'how long to try reaching an admin' })
    .example('$0 join conclave1:… --as alice-laptop', 'join the room of the ticket'),
  async run (ctx, args: { ticket: string, as?: string, timeout: string }) {
    const timeoutMs = parseDuration(args.timeout, 'timeout')
    const { parseTicket } = await import('../../room/invite.js')
    parseTicket(args.ticket.trim(), { nowMs: Date.now() }) // fail fast (exit 2) before starting a node
    const { validateDisplayName } = await import('../../room/identity.js')
    const name = args.as === undefined ? undefined : validateDisplayName(args.as)
    const { withSession } = await import('../node.js')
    await withSession(ctx, { network: true }, async ({ service }) => {
      await service.start()
      const room = await service.join(args.ticket.trim(), { name, timeoutMs })
      // Hand our sender key to the members we can reach now; others get it when we meet them.
      await service.exchangeWithConnected(room)
      const role = room.log.roleOf(service.identity.memberPublicKey)
      if (ctx.out.json) ctx.out.jsonLine({ room: room.name, roomId: room.id, role, members: room.log.members().length })
      else ctx.out.data(`${room.name} ${room.id}`)
      ctx.out.info(`conclave: joined room '${room.name}' as ${role}`)
    })
  }
})
