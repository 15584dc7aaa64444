// `conclave send ROOM [TEXT...]`: send one message, or each stdin line as a message.
import { createInterface } from 'node:readline'
import { NobodyReachableError, UsageError } from '../../errors.js'
import { defineCommand } from '../command.js'
import { parseDuration, parsePriority } from '../format.js'

export const sendCommand = defineCommand({
  command: 'send <room> [text..]',
  describe: 'send TEXT as one message; without TEXT, send each stdin line',
  builder: y => y
    .positional('room', { type: 'string', describe: 'room name or id' })
    .positional('text', { type: 'string', array: true, describe: 'the message (words are joined with spaces)' })
    .option('title', { type: 'string', describe: 'message title' })
    .option('priority', { type: 'string', describe: '1-5 or min, low, default, high, urgent' })
    .option('tag', { type: 'string', array: true, default: [], describe: 'a tag (repeatable)' })
    .option('whole', { type: 'boolean', default: false, describe: 'send all of stdin as one message instead of one per line' })
    .option('wait', { type: 'number', describe: 'exit 0 once N members confirmed receipt (signed receipts), else exit 3 after --timeout' })
    .option('timeout', { type: 'string', default: '10s', describe: 'how long to wait for a member to be reachable' })
    .example('$0 send ops "disk full on db1" --priority high --tag disk', 'one message')
    .example('tail -f app.log | $0 send ops', 'each line becomes a message (fast streams are batched, never dropped)')
    .example('df -h | $0 send ops --whole --title "disk report"', 'all of stdin as one message')
    .example('$0 send ops "deploy done" --wait 2 --timeout 30s', 'exit 0 only once two members have it'),
  async run (ctx, args: { room: string, text?: string[], title?: string, priority?: string, tag: string[], whole: boolean, wait?: number, timeout: string }) {
    const priority = parsePriority(args.priority)
    const timeoutMs = parseDuration(args.timeout, 'timeout')
    const meta = { title: args.title, priority, tags: args.tag }
    const hasText = args.text !== undefined && args.text.length > 0
    if (hasText && args.whole) throw new UsageError('--whole reads stdin: give either TEXT or --whole')
    if (args.wait !== undefined && (!Number.isSafeInteger(args.wait) || args.wait < 1)) throw new UsageError('--wait must be a whole number of at least 1')
    if (args.wait !== undefined && !hasText && !args.whole) throw new UsageError('--wait works with one message: give TEXT or --whole', { hint: 'receipts for a stream of lines are not supported' })
    const notEnough = (got: number): NobodyReachableError => new NobodyReachableError(`only ${got} of ${args.wait!} member(s) confirmed receipt within ${args.timeout}`, {
      hint: 'the others may be offline; raise --timeout or lower --wait'
    })
    // --whole: read stdin before starting a node (a too-large input fails fast, exit 2).
    let whole: string | undefined
    if (args.whole) {
      const { TEXT_MAX_BYTES } = await import('../../wire/payload.js')
      const chunks: Buffer[] = []
      let size = 0
      for await (const chunk of ctx.io.stdin) {
        size += (chunk as Buffer).length
        if (size > TEXT_MAX_BYTES) throw new UsageError(`stdin is more than ${TEXT_MAX_BYTES} bytes, the largest message`, { hint: 'send it without --whole: each line becomes a message' })
        chunks.push(chunk as Buffer)
      }
      whole = Buffer.concat(chunks).toString('utf8').replace(/\n$/, '')
    }
    const { daemonClient } = await import('../daemon-client.js')
    const daemon = await daemonClient(ctx)
    if (daemon !== undefined) {
      if (hasText || whole !== undefined) {
        const r = await daemon.publish(args.room, whole ?? args.text!.join(' '), meta, args.wait)
        ctx.out.debug(`sent ${r.id} to ${r.recipients} peer(s) through the daemon`)
        if (args.wait !== undefined && (r.receipts ?? 0) < args.wait) throw notEnough(r.receipts ?? 0)
      } else {
        const r = await daemon.publishLines(args.room, ctx.io.stdin, meta)
        ctx.out.debug(`sent ${r.lines} line(s) in ${r.envelopes} envelope(s) through the daemon`)
      }
      return
    }
    const { withSession } = await import('../node.js')
    await withSession(ctx, { network: true }, async ({ service }) => {
      let lastId: string | undefined
      const room = service.room(args.room)
      await service.start()
      if (!await service.waitForReaders(room, timeoutMs)) {
        throw new NobodyReachableError(`nobody in room '${room.name}' was reachable within ${args.timeout}`, {
          hint: 'another member must be online (conclave chat/listen/daemon) and reachable: on the LAN by mDNS, or give --bootstrap MULTIADDR'
        })
      }
      if (hasText || whole !== undefined) {
        const r = await service.send(room, { text: whole ?? args.text!.join(' '), ...meta, wantReceipts: args.wait !== undefined })
        if (r.recipients === 0 && await service.republish(room, r.envelope) === 0) throw new NobodyReachableError(`the message to '${room.name}' reached nobody`)
        lastId = r.id
        ctx.out.debug(`sent ${r.id}`)
        if (args.wait !== undefined) {
          const got = await service.receipts(r.id, args.wait, timeoutMs)
          ctx.out.debug(`${got} member(s) confirmed receipt`)
          if (got < args.wait) throw notEnough(got)
        }
      } else {
        const { streamLines } = await import('../../room/line-stream.js')
        const lines = createInterface({ input: ctx.io.stdin, crlfDelay: Infinity })
        const sent = await streamLines(service, room, lines, {
          ...meta,
          timeoutMs,
          onSplit: (bytes, parts) => ctx.out.warn(`a line of ${bytes} bytes is longer than one message: sent as ${parts} lines`),
          onSlowReader: () => ctx.out.debug(`a reader of '${room.name}' is backed up for ${args.timeout}: going on without waiting for it`)
        })
        lastId = sent.lastId
        ctx.out.debug(`sent ${sent.lines} line(s) in ${sent.envelopes} envelope(s)`)
      }
      // Wait for the message(s) to leave: gossipsub queues on its streams and drops what is still
      // queued when we stop; then until each neighbour we published to has accepted the last
      // envelope (the hand-off), so closing does not cut off what it had not read yet.
      if (!await service.waitForDrain(room, 0, timeoutMs)) ctx.out.warn(`a reader of '${room.name}' did not take everything within ${args.timeout}`)
      if (lastId !== undefined && !await service.handedOff(room, lastId, timeoutMs)) ctx.out.debug('a neighbour did not confirm the hand-off in time')
    })
  }
})
