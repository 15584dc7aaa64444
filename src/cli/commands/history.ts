// `conclave history ROOM`: stored messages of a room (the home's store, no network).
import { UsageError } from '../../errors.js'
import { defineCommand } from '../command.js'
import { parseDuration, printMessage } from '../format.js'

export const historyCommand = defineCommand({
  command: 'history <room>',
  describe: 'print stored messages of a room (local store only, no network)',
  builder: y => y
    .positional('room', { type: 'string', describe: 'room name or id' })
    .option('limit', { type: 'number', default: 100, describe: 'at most this many, the most recent' })
    .option('since', { type: 'string', describe: 'only messages newer than this (10m, 24h, 7d)' })
    .example('$0 history ops --since 1h --json', 'the last hour of ops as JSON lines'),
  async run (ctx, args: { room: string, limit: number, since?: string }) {
    if (!Number.isSafeInteger(args.limit) || args.limit < 0) throw new UsageError('--limit must be a whole number')
    const sinceMs = args.since === undefined ? undefined : Date.now() - parseDuration(args.since, 'since')
    const { withClient } = await import('../connect.js')
    await withClient(ctx, { need: 'read' }, async client => {
      for (const m of await client.history(args.room, { limit: args.limit, sinceMs })) printMessage(ctx.out, m, { color: ctx.out.color })
    })
  }
})
