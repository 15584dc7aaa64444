// `conclave chat ROOM`: interactive chat on a terminal; with pipes, listen + send each stdin line.
// A ROOM you are not in is created on the spot and its invite ticket printed (zero set-up).
import { createInterface, type Interface } from 'node:readline'
import { defineCommand } from '../command.js'
import { humanLine, printMessage } from '../format.js'
import { untilSignal } from '../signals.js'
import type { Room } from '../../room/room.js'
import type { RoomService, ShownMessage } from '../../room/service.js'
import type { Transport } from '../../transport/index.js'
import type { CommandContext } from '../command.js'

const HELP = '/members  /invite [member|poster|admin]  /history [N]  /quit'
const READY_TIMEOUT_MS = 10_000

const NOBODY_ONLINE = 'nobody else is online in this room: the message is stored here only'

/** Sends TEXT once someone can receive it (or the wait ends); returns how many peers it reached. */
async function deliver (service: RoomService, transport: Transport, room: Room, text: string): Promise<number> {
  if (await transport.waitForWritableSubscriber(room.topic, READY_TIMEOUT_MS)) await service.exchangeWithConnected(room)
  return (await service.send(room, { text })).recipients
}

async function ticketFor (service: RoomService, transport: Transport, room: Room, role: 'member' | 'poster' | 'admin'): Promise<string> {
  return service.invite(room, { role, expiresMs: Date.now() + 24 * 3_600_000, maxUses: 10, addrs: transport.multiaddrs() })
}

export const chatCommand = defineCommand({
  command: 'chat <room>',
  describe: 'chat in a room; a name you are not in is created and its ticket printed',
  builder: y => y
    .positional('room', { type: 'string', describe: 'room name or id (new name: the room is created)' })
    .example('$0 chat lobby', 'start chatting; prints an invite ticket the first time')
    .example('$0 chat ops --json < lines.txt', 'without a terminal: send each stdin line, print incoming messages'),
  async run (ctx, args: { room: string }) {
    const { withSession } = await import('../node.js')
    await withSession(ctx, { network: true, longRunning: true }, async ({ service, transport }) => {
      let room = service.findRoom(args.room)
      const created = room === undefined
      if (room === undefined) {
        const { validateDisplayName } = await import('../../room/identity.js')
        room = service.createRoom(validateDisplayName(args.room))
      }
      await service.start()
      if (created) {
        const ticket = await ticketFor(service, transport!, room, 'member')
        ctx.io.stderr.write(`conclave: created room '${room.name}'. Others join with:\n  conclave join ${ticket}\n`)
      }
      if (ctx.io.stdinIsTTY) await interactive(ctx, service, transport!, room)
      else await piped(ctx, service, transport!, room)
    })
  }
})

async function piped (ctx: CommandContext, service: RoomService, transport: Transport, room: Room): Promise<void> {
  service.on('message', m => { if (m.roomId === room.id) printMessage(ctx.out, m, { color: ctx.out.color }) })
  ctx.out.info(`conclave: chatting in '${room.name}' as ${service.identity.name} (stdin lines are sent)`)
  const lines = createInterface({ input: ctx.io.stdin, crlfDelay: Infinity })
  const sending = (async () => {
    for await (const line of lines) {
      if (line.trim() !== '' && await deliver(service, transport, room, line) === 0) ctx.out.warn(NOBODY_ONLINE)
    }
  })()
  sending.catch(err => ctx.out.error(err))
  await untilSignal()
}

async function interactive (ctx: CommandContext, service: RoomService, transport: Transport, room: Room): Promise<void> {
  const out = ctx.io.stdout as NodeJS.WriteStream
  const color = ctx.io.env.NO_COLOR === undefined || ctx.io.env.NO_COLOR === ''
  const rl: Interface = createInterface({ input: ctx.io.stdin, output: out, terminal: true, historySize: 200 })
  rl.setPrompt(`${room.name}> `)
  /** Prints above the prompt without tearing what the user is typing. */
  const above = (text: string): void => {
    out.write('\r\x1b[2K' + text + '\n')
    rl.prompt(true)
  }
  service.on('message', (m: ShownMessage) => { if (m.roomId === room.id) above(humanLine(m, color, false)) })
  for (const m of service.history(room, { limit: 20 })) out.write(humanLine(m, color, false) + '\n')
  out.write(`-- ${room.name} · ${service.members(room).length} member(s) · ${HELP}\n`)
  rl.prompt()
  const { promise: quit, resolve: done } = Promise.withResolvers<void>()
  rl.on('close', () => done())
  rl.on('SIGINT', () => rl.close())
  rl.on('line', line => {
    void (async () => {
      const text = line.trim()
      try {
        if (text === '/quit' || text === '/exit') { rl.close(); return }
        if (text === '/members') {
          for (const m of service.members(room)) above(`  ${m.name}${m.you ? ' (you)' : ''}  ${m.role}  ${m.memberId}`)
        } else if (text.startsWith('/invite')) {
          const role = (text.split(/\s+/)[1] ?? 'member') as 'member' | 'poster' | 'admin'
          if (!['member', 'poster', 'admin'].includes(role)) above('usage: /invite [member|poster|admin]')
          else above(`conclave join ${await ticketFor(service, transport, room, role)}`)
        } else if (text.startsWith('/history')) {
          const n = Number(text.split(/\s+/)[1] ?? 20)
          for (const m of service.history(room, { limit: Number.isInteger(n) && n > 0 ? n : 20 })) above(humanLine(m, color, false))
        } else if (text.startsWith('/')) {
          above(HELP)
        } else if (text !== '') {
          out.write('\x1b[1A\r\x1b[2K') // replace the echoed input with the formatted line
          const name = color ? `\x1b[1m${service.identity.name}\x1b[0m` : service.identity.name
          above(`${new Date().toISOString().slice(11, 19)} ${name}: ${text}`)
          if (await deliver(service, transport, room, text) === 0) above(`-- ${NOBODY_ONLINE}`)
        } else {
          rl.prompt()
        }
      } catch (err) {
        above(`conclave: error: ${(err as Error).message}`)
      }
    })()
  })
  await Promise.race([quit, untilSignal()])
  rl.close()
}
