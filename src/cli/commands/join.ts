// `conclave join TICKET|-`: handshake with an admin of the room, receive its state and keys. The
// ticket holds a secret, so it can come from stdin (`-`), a file or CONCLAVE_TICKET instead of
// the command line (where other local users read it from /proc and it lands in shell history).
import { readFileSync } from 'node:fs'
import { UsageError } from '../../errors.js'
import { defineCommand, type CommandContext } from '../command.js'
import { parseDuration } from '../format.js'

/** A ticket is a few hundred characters; anything much longer is not one. */
const TICKET_SOURCE_MAX_BYTES = 16 * 1024

async function readStdin (ctx: CommandContext): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of ctx.io.stdin) {
    size += (chunk as Buffer).length
    if (size > TICKET_SOURCE_MAX_BYTES) throw new UsageError(`stdin holds more than ${TICKET_SOURCE_MAX_BYTES} bytes: that is not a ticket`)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function readTicketFile (path: string): string {
  let text: Buffer
  try {
    text = readFileSync(path)
  } catch (err) {
    throw new UsageError(`cannot read ticket file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`)
  }
  if (text.length > TICKET_SOURCE_MAX_BYTES) throw new UsageError(`ticket file ${path} is larger than ${TICKET_SOURCE_MAX_BYTES} bytes: that is not a ticket`)
  return text.toString('utf8')
}

/** The ticket from the first source given: TICKET, `-` (stdin), --ticket-file, CONCLAVE_TICKET. */
async function ticketText (ctx: CommandContext, args: { ticket?: string, ticketFile?: string }): Promise<string> {
  let text: string | undefined
  // yargs hands a lone `-` over as ''.
  if (args.ticket === '-' || args.ticket === '') text = await readStdin(ctx)
  else if (args.ticket !== undefined) text = args.ticket
  else if (args.ticketFile !== undefined) text = readTicketFile(args.ticketFile)
  else if (ctx.io.env.CONCLAVE_TICKET !== undefined && ctx.io.env.CONCLAVE_TICKET !== '') text = ctx.io.env.CONCLAVE_TICKET
  if (text === undefined) throw new UsageError('no ticket given', { hint: "pipe it in with 'conclave join -', or use --ticket-file FILE or CONCLAVE_TICKET" })
  const trimmed = text.trim()
  if (trimmed === '') throw new UsageError('the ticket is empty')
  return trimmed
}

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
    const ticket = await ticketText(ctx, args)
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
