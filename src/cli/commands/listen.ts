// `conclave listen ROOM...`: print messages as they arrive (human lines or JSON lines).
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
    const runner = args.exec === undefined ? undefined : new ExecRunner({ out: ctx.out, env: ctx.io.env, home: ctx.globals.home }, { command: args.exec, concurrency: args.jobs })
    const sinceMs = args.since === undefined ? undefined : Date.now() - parseDuration(args.since, 'since')
    const { daemonClient } = await import('../daemon-client.js')
    const daemon = await daemonClient(ctx)
    if (daemon !== undefined) {
      let printed = 0
      const multi = args.rooms.length > 1
      const { promise: done, resolve: finish, reject: fail } = Promise.withResolvers<void>()
      for (const room of args.rooms) {
        void (async () => {
          for await (const m of daemon.subscribe(room, { since: args.since })) {
            if (args.count !== undefined && printed >= args.count) break
            if (runner !== undefined) runner.push(m)
            else printMessage(ctx.out, m, { color: ctx.out.color, showRoom: multi })
            printed++
            if (args.count !== undefined && printed >= args.count) { finish(); break }
          }
          finish()
        })().catch(fail)
      }
      ctx.out.info(`conclave: listening to ${args.rooms.join(', ')} through the daemon`)
      await Promise.race([done, untilSignal()])
      await runner?.drain()
      return
    }
    const { withSession } = await import('../node.js')
    await withSession(ctx, { network: true, longRunning: true }, async ({ service }) => {
      const rooms = args.rooms.map(r => service.room(r))
      const wanted = new Set(rooms.map(r => r.id))
      const multi = rooms.length > 1
      let printed = 0
      const { promise: done, resolve: finish } = Promise.withResolvers<void>()
      const show = (m: Parameters<typeof printMessage>[1]): void => {
        if (!wanted.has(m.roomId) || (args.count !== undefined && printed >= args.count)) return
        if (runner !== undefined) runner.push(m)
        else printMessage(ctx.out, m, { color: ctx.out.color, showRoom: multi })
        printed++
        if (args.count !== undefined && printed >= args.count) finish()
      }
      if (sinceMs !== undefined) for (const room of rooms) for (const m of service.history(room, { limit: 10_000, sinceMs })) show(m)
      service.on('message', show)
      await service.start()
      ctx.out.info(`conclave: listening to ${rooms.map(r => r.name).join(', ')} as ${service.identity.name}`)
      await Promise.race([done, untilSignal()])
      await runner?.drain()
    })
  }
})
