// `conclave role ROOM MEMBER ROLE`: set a member's role with a signed SetRole entry.
import { defineCommand } from '../command.js'
import { parseDuration, printMembership, safeText } from '../format.js'

const ROLES = ['admin', 'member', 'poster'] as const

export const roleCommand = defineCommand({
  command: 'role <room> <member> <role>',
  describe: "set MEMBER's role in ROOM (admins only); a demotion to poster moves the room to a new epoch",
  builder: y => y
    .positional('room', { type: 'string', describe: 'room name or id' })
    .positional('member', { type: 'string', describe: 'member id, unique display name or fingerprint prefix (see `conclave members`)' })
    .positional('role', { choices: ROLES, describe: 'admin (can invite, kick, set roles), member (read+write), poster (write only)' })
    .option('timeout', { type: 'string', default: '10s', describe: 'how long to wait for a member to hand the change to' })
    .example('$0 role ops bob admin', 'bob can now invite and remove members')
    .example('$0 role ops ci-runner poster', 'ci-runner may still post but reads nothing sent from now on'),
  async run (ctx, args: { room: string, member: string, role: typeof ROLES[number], timeout: string }) {
    const timeoutMs = parseDuration(args.timeout, 'timeout')
    const { withClient } = await import('../connect.js')
    await withClient(ctx, { need: 'network', serve: 'role', rooms: [args.room] }, async client => {
      const r = await client.setRole(args.room, args.member, args.role, { timeoutMs })
      printMembership(ctx.out, r, `${safeText(r.member?.name ?? args.member)} is now ${r.role ?? args.role} in '${safeText(r.room)}' (epoch ${r.epoch})`, { warnAlone: true })
    })
  }
})
