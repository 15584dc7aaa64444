// Where a command reads an invite ticket from. A ticket holds a secret, so besides the command
// line (where other local users read it from /proc and it lands in shell history) it can come
// from stdin (`-`), a file (--ticket-file) or, for join, CONCLAVE_TICKET.
import { readFileSync } from 'node:fs'
import { UsageError } from '../errors.js'
import type { CommandContext } from './command.js'

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

/**
 * The ticket from the first source given: TICKET (`-`: stdin), --ticket-file, then, with
 * FROMENV, CONCLAVE_TICKET; trimmed. Undefined when none is given; an empty one is a UsageError.
 */
export async function readTicket (ctx: CommandContext, args: { ticket?: string, ticketFile?: string }, options: { fromEnv?: boolean } = {}): Promise<string | undefined> {
  let text: string | undefined
  // yargs hands a lone `-` over as ''.
  if (args.ticket === '-' || args.ticket === '') text = await readStdin(ctx)
  else if (args.ticket !== undefined) text = args.ticket
  else if (args.ticketFile !== undefined) text = readTicketFile(args.ticketFile)
  else if (options.fromEnv === true && ctx.io.env.CONCLAVE_TICKET !== undefined && ctx.io.env.CONCLAVE_TICKET !== '') text = ctx.io.env.CONCLAVE_TICKET
  if (text === undefined) return undefined
  const trimmed = text.trim()
  if (trimmed === '') throw new UsageError('the ticket is empty')
  return trimmed
}
