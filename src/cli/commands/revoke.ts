// `conclave revoke ROOM TICKET|-` or `--all`: revoke invites with a signed RevokeInvite entry, so
// their tickets admit nobody any more. The ticket holds a secret: it can come from stdin (`-`) or
// --ticket-file rather than the command line.
import { UsageError } from '../../errors.js'
import { defineCommand } from '../command.js'
import { parseDuration, printMembership, safeText } from '../format.js'
import { readTicket } from '../ticket.js'

export const revokeCommand = defineCommand({
  command: 'revoke <room> [ticket]',
  describe: 'revoke the invite of TICKET (- reads it from stdin), or --all outstanding invites of ROOM',
  builder: y => y
    .positional('room', { type: 'string', describe: 'room name or id' })
    .positional('ticket', { type: 'string', describe: 'the conclave1:… line of the invite, or - to read it from stdin' })
    .option('ticket-file', { type: 'string', describe: 'read the ticket from FILE', normalize: true })
    .option('all', { type: 'boolean', default: false, describe: 'revoke every invite of ROOM that can still admit someone' })
    .option('timeout', { type: 'string', default: '10s', describe: 'how long to wait for a member to hand the change to' })
    .example('$0 revoke ops - < ticket.txt', 'that ticket admits nobody any more')
    .example('$0 revoke ops --all', 'no outstanding invite of ops admits anyone any more'),
  async run (ctx, args: { room: string, ticket?: string, ticketFile?: string, all: boolean, timeout: string }) {
    const timeoutMs = parseDuration(args.timeout, 'timeout')
    const hasTicket = args.ticket !== undefined || args.ticketFile !== undefined
    if (hasTicket && args.all) throw new UsageError('give either a ticket or --all, not both')
    if (!hasTicket && !args.all) throw new UsageError('say which invites to revoke: give a ticket or --all', { hint: "pipe the ticket in with 'conclave revoke ROOM -', or use --ticket-file FILE" })
    const ticket = args.all ? undefined : await readTicket(ctx, args)
    if (ticket !== undefined) {
      // A malformed ticket fails here (exit 2), before a node starts. An expired one may still be revoked.
      const { parseTicket } = await import('../../room/invite.js')
      parseTicket(ticket)
    }
    const { withClient } = await import('../connect.js')
    await withClient(ctx, { need: 'network', serve: 'revoke', rooms: [args.room] }, async client => {
      const r = await client.revoke(args.room, { ...(ticket !== undefined ? { ticket } : { all: true }), timeoutMs })
      printMembership(ctx.out, r, `revoked ${r.revoked ?? 0} invite(s) of '${safeText(r.room)}'`, { warnAlone: true })
    })
  }
})
