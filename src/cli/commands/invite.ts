// `conclave invite ROOM`: print ONE line on stdout, an invite ticket (it holds a secret).
import { UsageError } from '../../errors.js'
import { defineCommand } from '../command.js'
import { parseDuration } from '../format.js'

const ROLES = ['member', 'poster', 'admin'] as const

/** Addresses a joiner can dial: explicit listen addresses, else the ones our node had last time. */
export function inviteAddrs (listen: string[], known: string | undefined, peerId: string): string[] {
  const explicit = listen.filter(a => !/\/tcp\/0$/.test(a) && !/^\/ip[46]\/(0\.0\.0\.0|::)\//.test(a))
  if (explicit.length > 0) return explicit.map(a => a.includes('/p2p/') ? a : `${a}/p2p/${peerId}`)
  if (known === undefined) return []
  try {
    return (JSON.parse(known) as string[]).filter(a => typeof a === 'string')
  } catch {
    return []
  }
}

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
    const ttl = parseDuration(args.expires, 'expires')
    if (ttl <= 0) throw new UsageError('--expires must be positive')
    if (!Number.isSafeInteger(args.uses) || args.uses < 1) throw new UsageError('--uses must be a whole number of at least 1')
    const { withSession, ADDRS_META } = await import('../node.js')
    const { RoomTables } = await import('../../store/index.js')
    await withSession(ctx, { network: false }, async ({ service, store }) => {
      const room = service.room(args.room)
      const addrs = inviteAddrs(ctx.globals.listen, new RoomTables({ store }).meta(ADDRS_META), service.identity.peerId)
      if (addrs.length === 0) ctx.out.warn('no known address to put in the ticket: joiners will have to find you by mDNS or --bootstrap (run `conclave chat`, `listen` or `daemon` once to record one)')
      const ticket = await service.invite(room, { role: args.role, expiresMs: Date.now() + ttl, maxUses: args.uses, addrs })
      if (ctx.out.json) ctx.out.jsonLine({ room: room.name, roomId: room.id, ticket, role: args.role, uses: args.uses, expires: new Date(Date.now() + ttl).toISOString() })
      else ctx.out.data(ticket)
    })
  }
})
