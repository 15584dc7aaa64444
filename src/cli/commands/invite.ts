// `conclave invite ROOM`: print ONE line on stdout, an invite ticket (it holds a secret).
import { UsageError } from '../../errors.js'
import { defineCommand } from '../command.js'
import { parseDuration } from '../format.js'

const ROLES = ['member', 'poster', 'admin'] as const

export const inviteCommand = defineCommand({
  command: 'invite <room>',
  describe: 'print one line on stdout: an invite ticket for ROOM',
  builder: y => y
    .positional('room', { type: 'string', describe: 'room name or id' })
    .option('expires', { type: 'string', default: '24h', describe: 'how long the ticket is valid (30m, 24h, 7d)' })
    .option('uses', { type: 'number', default: 1, describe: 'how many people can join with it' })
    .option('role', { choices: ROLES, default: 'member' as const, describe: 'role of who joins: member (read+write), poster (write only), admin' })
    .example('$0 invite ops --expires 1h', 'a ticket for one person, valid for an hour')
    .example('$0 invite ops --role poster --uses 20', 'a ticket for 20 log-shipping hosts that may write but not read'),
  async run (ctx, args: { room: string, expires: string, uses: number, role: typeof ROLES[number] }) {
    const ttlMs = parseDuration(args.expires, 'expires')
    if (ttlMs <= 0) throw new UsageError('--expires must be positive')
    if (!Number.isSafeInteger(args.uses) || args.uses < 1) throw new UsageError('--uses must be a whole number of at least 1')
    const { withClient } = await import('../connect.js')
    await withClient(ctx, { need: 'write', rooms: [args.room] }, async client => {
      const r = await client.invite(args.room, { role: args.role, ttlMs, maxUses: args.uses })
      if (r.addrs === 0) ctx.out.warn('no known address to put in the ticket: joiners will have to find you by mDNS or --bootstrap (run `conclave chat`, `listen` or `daemon` once to record one)')
      if (ctx.out.json) ctx.out.jsonLine({ room: r.room, roomId: r.roomId, ticket: r.ticket, role: r.role, uses: r.uses, expires: r.expires })
      else ctx.out.data(r.ticket)
    })
  }
})
