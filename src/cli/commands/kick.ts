// `conclave kick ROOM MEMBER`: remove a member with a signed Remove entry (a new epoch begins).
import { defineCommand } from '../command.js'
import { parseDuration, printMembership, safeText } from '../format.js'

export const kickCommand = defineCommand({
  command: 'kick <room> <member>',
  describe: 'remove MEMBER from ROOM (admins only); the room moves to a new epoch',
  builder: y => y
    .positional('room', { type: 'string', describe: 'room name or id' })
    .positional('member', { type: 'string', describe: 'member id, unique display name or fingerprint prefix (see `conclave members`)' })
    .option('reason', { type: 'string', describe: 'why, recorded in the signed log entry' })
    .option('timeout', { type: 'string', default: '10s', describe: 'how long to wait for a member to hand the change to' })
    .example('$0 kick ops bob --reason "left the team"', 'remove bob; messages from now on are sealed with keys bob never gets'),
  async run (ctx, args: { room: string, member: string, reason?: string, timeout: string }) {
    const timeoutMs = parseDuration(args.timeout, 'timeout')
    const { withClient } = await import('../connect.js')
    await withClient(ctx, { need: 'network', serve: 'kick', rooms: [args.room] }, async client => {
      const r = await client.kick(args.room, args.member, { ...(args.reason !== undefined ? { reason: args.reason } : {}), timeoutMs })
      printMembership(ctx.out, r, `removed ${safeText(r.member?.name ?? args.member)} from '${safeText(r.room)}' (epoch ${r.epoch})`, { warnAlone: true })
    })
  }
})
