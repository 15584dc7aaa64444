// `conclave leave ROOM`: our own Remove entry, handed to a member, then the room is forgotten here.
import { defineCommand } from '../command.js'
import { parseDuration, printMembership, safeText } from '../format.js'

export const leaveCommand = defineCommand({
  command: 'leave <room>',
  describe: 'leave ROOM: the others move to a new epoch and the room is removed from `conclave rooms`',
  builder: y => y
    .positional('room', { type: 'string', describe: 'room name or id' })
    .option('timeout', { type: 'string', default: '10s', describe: 'how long to wait for a member to hand the change to' })
    .example('$0 leave ops', 'leave ops (a room made by a typo in `conclave chat` too)'),
  async run (ctx, args: { room: string, timeout: string }) {
    const timeoutMs = parseDuration(args.timeout, 'timeout')
    const { withClient } = await import('../connect.js')
    await withClient(ctx, { need: 'network', serve: 'leave', rooms: [args.room] }, async client => {
      const r = await client.leave(args.room, { timeoutMs })
      // No warning when nobody had it: a leave either reached a member or we were alone in the
      // room (nobody reachable is an error, exit 3), so there is no one left to tell.
      printMembership(ctx.out, r, `left '${safeText(r.room)}'`, { warnAlone: false })
    })
  }
})
