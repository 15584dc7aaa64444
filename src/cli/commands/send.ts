// `conclave send ROOM [TEXT...]`: send one message, or each stdin line as a message.
import { ExitCode, UsageError } from '../../errors.js'
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
    .option('timeout', { type: 'string', default: '10s', describe: 'how long to wait for a member to be reachable (and for receipts)' })
    .example('$0 send ops "disk full on db1" --priority high --tag disk', 'one message')
    .example('tail -f app.log | $0 send ops', 'each line becomes a message (fast streams are batched, never dropped; Ctrl-C sends what was read, exit 130)')
    .example('df -h | $0 send ops --whole --title "disk report"', 'all of stdin as one message')
    .example('$0 send ops "deploy done" --wait 2 --timeout 30s', 'exit 0 only once two members have it'),
  async run (ctx, args: { room: string, text?: string[], title?: string, priority?: string, tag: string[], whole: boolean, wait?: number, timeout: string }) {
    // Every check of the input comes before anything is opened: bad input changes nothing on disk.
    const priority = parsePriority(args.priority)
    const timeoutMs = parseDuration(args.timeout, 'timeout')
    const meta = { title: args.title, priority, tags: args.tag }
    const hasText = args.text !== undefined && args.text.length > 0
    if (hasText && args.whole) throw new UsageError('--whole reads stdin: give either TEXT or --whole')
    if (args.wait !== undefined && (!Number.isSafeInteger(args.wait) || args.wait < 1)) throw new UsageError('--wait must be a whole number of at least 1')
    if (args.wait !== undefined && !hasText && !args.whole) throw new UsageError('--wait works with one message: give TEXT or --whole', { hint: 'receipts for a stream of lines are not supported' })
    const { readLines, readText, untilStopped } = await import('../../client/lines.js')
    const { TEXT_MAX_BYTES } = await import('../../config.js')
    // --whole: read stdin before reaching the node (a too-large or binary input fails fast, exit 2).
    const whole = args.whole ? await readText(ctx.io.stdin, TEXT_MAX_BYTES) : undefined
    const { withClient } = await import('../connect.js')
    return await withClient(ctx, { need: 'network', serve: 'send', rooms: [args.room] }, async client => {
      if (hasText || whole !== undefined) {
        // Through a running node, a message nobody can take now is kept and delivered by catch-up
        // when a member comes back; a one-shot that runs its own node cannot keep it (exit 3).
        const alone = client.via === 'node' && args.wait === undefined ? 'queue' : 'fail'
        const r = await client.publish(args.room, whole ?? args.text!.join(' '), meta, { wait: args.wait, timeoutMs, alone })
        if (r.queued === true) ctx.out.warn(`nobody in '${r.room}' is reachable now: the message is stored by this home's node and delivered when a member comes back`)
        ctx.out.debug(`sent ${r.id} to ${r.recipients} member(s)${client.via === 'node' ? " through the home's node" : ''}${r.receipts !== undefined ? `; ${r.receipts} member(s) confirmed receipt` : ''}`)
        return ExitCode.OK
      }
      // Ctrl-C: stop reading, deliver what was read, say how much, exit 130.
      const { promise: interrupted, resolve: interrupt } = Promise.withResolvers<void>()
      let stopped = false
      const onSignal = (): void => { stopped = true; interrupt() }
      process.once('SIGINT', onSignal)
      try {
        const source = untilStopped(readLines(ctx.io.stdin), interrupted)
        const r = await client.publishLines(args.room, source, {
          ...meta,
          timeoutMs
        })
        if (r.split > 0) ctx.out.warn(`${r.split} line(s) longer than one message (~59 KB) were sent as several lines each`)
        ctx.out.debug(`sent ${r.lines} line(s) in ${r.envelopes} envelope(s)${client.via === 'node' ? " through the home's node" : ''}`)
        if (!stopped) return ExitCode.OK
        ctx.out.info(`conclave: interrupted: ${r.lines} line(s) sent to '${r.room}'`)
        return ExitCode.INTERRUPTED
      } finally {
        process.off('SIGINT', onSignal)
      }
    })
  }
})
