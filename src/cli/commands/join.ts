// `conclave join TICKET|-`: handshake with an admin of the room, receive its state and keys. The
// ticket holds a secret, so it can come from stdin (`-`), a file or CONCLAVE_TICKET instead of
// the command line (where other local users read it from /proc and it lands in shell history).
import { UsageError } from '../../errors.js'
import { defineCommand } from '../command.js'
import { parseDuration } from '../format.js'
import { readTicket } from '../ticket.js'

export const joinCommand = defineCommand({
  command: 'join [ticket]',
  describe: 'join a room with an invite ticket (- reads it from stdin); exits 0 once joined',
  builder: y => y
    .positional('ticket', { type: 'string', describe: "the conclave1:… line from `conclave invite`, or - to read it from stdin" })
    .option('ticket-file', { type: 'string', describe: 'read the ticket from FILE', normalize: true })
    .option('as', { type: 'string', describe: 'display name to use in this room (default: your name)' })
    .option('timeout', { type: 'string', default: '30s', describe: 'how long to try reaching an admin' })
    .example('$0 join - < ticket.txt', 'join the room of the ticket, kept off the command line')
    .example("pbpaste | $0 join - --as alice-laptop", 'the ticket from the clipboard')
    .example('CONCLAVE_TICKET=conclave1:… $0 join', 'the ticket from the environment'),
  async run (ctx, args: { ticket?: string, ticketFile?: string, as?: string, timeout: string }) {
    const timeoutMs = parseDuration(args.timeout, 'timeout')
    const ticket = await readTicket(ctx, args, { fromEnv: true })
    if (ticket === undefined) throw new UsageError('no ticket given', { hint: "pipe it in with 'conclave join -', or use --ticket-file FILE or CONCLAVE_TICKET" })
    // A bad ticket or name fails here (exit 2), before an identity or a node is created.
    const { parseTicket } = await import('../../room/invite.js')
    parseTicket(ticket, { nowMs: Date.now() })
    const { validateDisplayName } = await import('../../room/identity.js')
    const name = args.as === undefined ? undefined : validateDisplayName(args.as)
    const { withClient } = await import('../connect.js')
    await withClient(ctx, { need: 'network', serve: 'join', create: true }, async client => {
      const r = await client.join(ticket, { name, timeoutMs })
      if (ctx.out.json) ctx.out.jsonLine(r)
      else ctx.out.data(`${r.room} ${r.roomId}`)
      ctx.out.info(`conclave: joined room '${r.room}' as ${r.role ?? 'removed'}`)
    })
  }
})
