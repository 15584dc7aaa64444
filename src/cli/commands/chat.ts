// `conclave chat ROOM`: interactive chat on a terminal; with pipes, send each stdin line and print
// what others say, exiting once stdin ended and every line was sent. A ROOM you are not in is
// created on the spot and its invite ticket printed (zero set-up). A line shows as sent only once
// it is in the store: what you saw survives quitting right after.
import { createInterface, type Interface } from 'node:readline'
import { UsageError } from '../../errors.js'
import type { Client, ShownMessage } from '../../client/types.js'
import { defineCommand, type CommandContext } from '../command.js'
import { humanLine, printMessage } from '../format.js'
import { untilSignal } from '../signals.js'

const HELP = '/members  /invite [member|poster|admin]  /history [N]  /quit'
/**
 * Right after start a line waits this long for the members to connect; later, with nobody
 * online, a line is kept in the store at once (a script piping 100 lines into an empty room must
 * not wait for each).
 */
const INTERACTIVE_REACH_MS = 2_000
const PIPED_REACH_MS = 10_000

/** The wait for a reachable member that a line sent now gets: what is left of the start-up window. */
function reachWindow (startedAt: number, windowMs: number): number {
  return Math.max(0, startedAt + windowMs - Date.now())
}
const NOBODY_ONLINE = 'nobody else is online in this room: the message is stored here only'

async function ticketFor (client: Client, room: string, role: 'member' | 'poster' | 'admin'): Promise<string> {
  return (await client.invite(room, { role, ttlMs: 24 * 3_600_000, maxUses: 10 })).ticket
}

export const chatCommand = defineCommand({
  command: 'chat <room>',
  describe: 'chat in a room; a name you are not in is created and its ticket printed',
  builder: y => y
    .positional('room', { type: 'string', describe: 'room name or id (new name: the room is created)' })
    .example('$0 chat lobby', 'start chatting; prints an invite ticket the first time')
    .example('$0 chat ops --json < lines.txt', 'without a terminal: send each stdin line, print incoming messages, exit at the end of stdin'),
  async run (ctx, args: { room: string }) {
    const { validateDisplayName } = await import('../../room/identity.js')
    const ref = validateDisplayName(args.room) // a name that could never be a room fails before anything is created
    const { withClient } = await import('../connect.js')
    await withClient(ctx, { need: 'network', owner: 'chat', create: true }, async client => {
      const known = (await client.rooms()).filter(r => r.roomId === ref.toLowerCase() || r.name === ref)
      let room = known.length === 1 ? known[0]!.roomId : ref
      if (known.length === 0) {
        room = (await client.createRoom(ref)).roomId
        ctx.io.stderr.write(`conclave: created room '${ref}'. Others join with:\n  conclave join ${await ticketFor(client, room, 'member')}\n`)
      }
      if (ctx.io.stdinIsTTY) await interactive(ctx, client, room)
      else await piped(ctx, client, room)
    })
  }
})

async function piped (ctx: CommandContext, client: Client, room: string): Promise<void> {
  const { readLines } = await import('../../client/lines.js')
  const me = (await client.status({ waitMs: 0 })).memberId
  const sub = await client.subscribe([room], { sinceMs: Date.now() })
  void (async () => {
    for await (const m of sub) if (m.from !== me) printMessage(ctx.out, m, { color: ctx.out.color })
  })().catch(err => ctx.out.error(err))
  ctx.out.info(`conclave: chatting in '${await roomName(client, room)}' (stdin lines are sent)`)
  const startedAt = Date.now()
  const sending = (async () => {
    for await (const lines of readLines(ctx.io.stdin)) {
      for (const line of lines) {
        if (line.trim() === '') continue
        const r = await client.publish(room, line, {}, { timeoutMs: reachWindow(startedAt, PIPED_REACH_MS), alone: 'store' })
        if (r.recipients === 0) ctx.out.warn(NOBODY_ONLINE)
      }
    }
  })()
  // The end of stdin ends the chat once every line is sent; a signal ends it at once.
  try {
    await Promise.race([sending, untilSignal()])
  } finally {
    sub.close()
  }
}

async function roomName (client: Client, room: string): Promise<string> {
  return (await client.rooms()).find(r => r.roomId === room || r.name === room)?.name ?? room
}

async function interactive (ctx: CommandContext, client: Client, room: string): Promise<void> {
  const out = ctx.io.stdout as NodeJS.WriteStream
  const color = ctx.io.env.NO_COLOR === undefined || ctx.io.env.NO_COLOR === ''
  const name = await roomName(client, room)
  const rl: Interface = createInterface({ input: ctx.io.stdin, output: out, terminal: true, historySize: 200 })
  rl.setPrompt(`${name}> `)
  /** Prints above the prompt without tearing what the user is typing. */
  const above = (text: string): void => {
    out.write('\r\x1b[2K' + text + '\n')
    rl.prompt(true)
  }
  for (const m of await client.history(room, { limit: 20 })) out.write(humanLine(m, color, false) + '\n')
  // Everything stored from now on, ours included: a line we typed shows once it is durable.
  const sub = await client.subscribe([room], { sinceMs: Date.now() })
  void (async () => {
    for await (const m of sub) above(humanLine(m as ShownMessage, color, false))
  })().catch(err => above(`conclave: error: ${(err as Error).message}`))
  out.write(`-- ${name} · ${(await client.members(room)).length} member(s) · ${HELP}\n`)
  rl.prompt()
  const { promise: quit, resolve: done } = Promise.withResolvers<void>()
  const sending = new Set<Promise<void>>()
  const startedAt = Date.now()
  rl.on('close', () => done())
  rl.on('SIGINT', () => rl.close())
  rl.on('line', line => {
    const task = (async () => {
      const text = line.trim()
      try {
        if (text === '/quit' || text === '/exit') { rl.close(); return }
        if (text === '/members') {
          for (const m of await client.members(room)) above(`  ${m.name}${m.you ? ' (you)' : ''}  ${m.role}  ${m.memberId}`)
        } else if (text.startsWith('/invite')) {
          const role = text.split(/\s+/)[1] ?? 'member'
          if (role !== 'member' && role !== 'poster' && role !== 'admin') above('usage: /invite [member|poster|admin]')
          else above(`conclave join ${await ticketFor(client, room, role)}`)
        } else if (text.startsWith('/history')) {
          const n = Number(text.split(/\s+/)[1] ?? 20)
          for (const m of await client.history(room, { limit: Number.isInteger(n) && n > 0 ? n : 20 })) above(humanLine(m, color, false))
        } else if (text.startsWith('/')) {
          above(HELP)
        } else if (text !== '') {
          out.write('\x1b[1A\r\x1b[2K') // the echoed input goes; the line comes back from the store
          const r = await client.publish(room, text, {}, { timeoutMs: reachWindow(startedAt, INTERACTIVE_REACH_MS), alone: 'store' })
          if (r.recipients === 0) above(`-- ${NOBODY_ONLINE}`)
        } else {
          rl.prompt()
        }
      } catch (err) {
        above(`conclave: error: ${err instanceof UsageError || err instanceof Error ? err.message : String(err)}`)
      }
    })()
    sending.add(task)
    void task.finally(() => sending.delete(task))
  })
  await Promise.race([quit, untilSignal()])
  rl.close()
  // Lines typed just before quitting are sealed and stored before the node stops.
  await Promise.all([...sending])
  sub.close()
}
