// `conclave send ROOM [TEXT...]`: send one message, or each stdin line as a message.
import { createInterface } from 'node:readline'
import { NobodyReachableError, UsageError } from '../../errors.js'
import { defineCommand } from '../command.js'
import { parseDuration } from '../format.js'

const PRIORITY_NAMES: Record<string, number> = { min: 1, low: 2, default: 3, high: 4, urgent: 5, max: 5 }

export function parsePriority (value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = typeof value === 'number' ? value : PRIORITY_NAMES[value.toLowerCase()] ?? Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 5) throw new UsageError(`--priority must be 1-5 or min/low/default/high/urgent, got '${value}'`)
  return n
}

export const sendCommand = defineCommand({
  command: 'send <room> [text..]',
  describe: 'send TEXT as one message; without TEXT, send each stdin line',
  builder: y => y
    .positional('room', { type: 'string', describe: 'room name or id' })
    .positional('text', { type: 'string', array: true, describe: 'the message (words are joined with spaces)' })
    .option('title', { type: 'string', describe: 'message title' })
    .option('priority', { type: 'string', describe: '1-5 or min, low, default, high, urgent' })
    .option('tag', { type: 'string', array: true, default: [], describe: 'a tag (repeatable)' })
    .option('timeout', { type: 'string', default: '10s', describe: 'how long to wait for a member to be reachable' })
    .example('$0 send ops "disk full on db1" --priority high --tag disk', 'one message')
    .example('tail -f app.log | $0 send ops', 'each line becomes a message'),
  async run (ctx, args: { room: string, text?: string[], title?: string, priority?: string, tag: string[], timeout: string }) {
    const priority = parsePriority(args.priority)
    const timeoutMs = parseDuration(args.timeout, 'timeout')
    const meta = { title: args.title, priority, tags: args.tag }
    const { withSession } = await import('../node.js')
    await withSession(ctx, { network: true }, async ({ service, transport }) => {
      const room = service.room(args.room)
      await service.start()
      if (!await transport!.waitForWritableSubscriber(room.topic, timeoutMs)) {
        throw new NobodyReachableError(`nobody in room '${room.name}' was reachable within ${args.timeout}`, {
          hint: 'another member must be online (conclave chat/listen/daemon) and reachable: on the LAN by mDNS, or give --bootstrap MULTIADDR'
        })
      }
      await service.exchangeWithConnected(room)
      const send = async (text: string): Promise<void> => {
        const r = await service.send(room, { text, ...meta })
        if (r.recipients === 0) throw new NobodyReachableError(`the message to '${room.name}' reached nobody`)
        ctx.out.debug(`sent ${r.id} to ${r.recipients} peer(s)`)
      }
      if (args.text !== undefined && args.text.length > 0) {
        await send(args.text.join(' '))
      } else {
        const lines = createInterface({ input: ctx.io.stdin, crlfDelay: Infinity })
        for await (const line of lines) if (line !== '') await send(line)
      }
      // Give gossipsub a moment to flush what it queued on the outbound streams before we stop.
      await new Promise(resolve => setTimeout(resolve, 50))
    })
  }
})
