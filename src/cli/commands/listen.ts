// `conclave listen ROOM...`: print messages as they arrive (human lines or JSON lines), or run a
// command per message. The first long-running command of a home runs its node; others attach.
import { UsageError } from '../../errors.js'
import { defineCommand } from '../command.js'
import { parseDuration, printMessage } from '../format.js'
import { ExecRunner } from '../exec.js'
import { untilSignal } from '../signals.js'

export const listenCommand = defineCommand({
  command: 'listen <rooms..>',
  describe: 'print messages of one or more rooms as they arrive',
  builder: y => y
    .positional('rooms', { type: 'string', array: true, describe: 'room names or ids' })
    .option('count', { type: 'number', describe: 'exit after N messages' })
    .option('since', { type: 'string', describe: 'first print stored messages newer than this (10m, 24h)' })
    .option('exec', { type: 'string', describe: 'run CMD (with /bin/sh) per message: text on stdin, metadata in CONCLAVE_MSG_* variables' })
    .option('jobs', { type: 'number', default: 4, describe: 'with --exec: how many commands may run at once' })
    .example('$0 listen ops --json', 'one JSON object per message')
    .example("$0 listen ops --exec 'notify-send \"$CONCLAVE_MSG_FROM_NAME\" \"$(cat)\"'", 'a desktop notification per message (CONCLAVE_MSG_ROOM, _ROOM_ID, _ID, _FROM, _FROM_NAME, _TS, _TITLE, _PRIORITY, _TAGS)')
    .example('$0 listen ops alerts --count 1', 'wait for the next message in either room, print it, exit'),
  async run (ctx, args: { rooms: string[], count?: number, since?: string, exec?: string, jobs: number }) {
    if (args.count !== undefined && (!Number.isSafeInteger(args.count) || args.count < 1)) throw new UsageError('--count must be a whole number of at least 1')
    if (!Number.isSafeInteger(args.jobs) || args.jobs < 1) throw new UsageError('--jobs must be a whole number of at least 1')
    if (args.exec !== undefined && args.exec.trim() === '') throw new UsageError('--exec needs a command')
    // Stored messages since --since, else since now: a message stored while we attach is not missed.
    const sinceMs = args.since === undefined ? Date.now() : Date.now() - parseDuration(args.since, 'since')
    const runner = args.exec === undefined ? undefined : new ExecRunner({ out: ctx.out, env: ctx.io.env, home: ctx.globals.home }, { command: args.exec, concurrency: args.jobs })
    const { withClient } = await import('../connect.js')
    await withClient(ctx, { need: 'network', owner: 'listen', rooms: args.rooms }, async client => {
      const sub = await client.subscribe(args.rooms, { sinceMs })
      const { showCatchUpProgress } = await import('../progress.js')
      const stopProgress = showCatchUpProgress(ctx, client)
      const multi = args.rooms.length > 1
      ctx.out.info(`conclave: listening to ${args.rooms.join(', ')}${client.via === 'node' ? " through the home's node" : ''}`)
      let printed = 0
      const printing = (async () => {
        for await (const batch of sub.batches()) {
          for (const m of batch) {
            if (runner !== undefined) runner.push(m)
            else printMessage(ctx.out, m, { color: ctx.out.color, showRoom: multi })
            if (args.count !== undefined && ++printed >= args.count) return
          }
        }
      })()
      await Promise.race([printing, untilSignal()])
      stopProgress()
      sub.close()
      await runner?.drain()
    })
  }
})
