// `conclave members ROOM`: the room's members from its verified membership log (no network).
import { defineCommand } from '../command.js'
import { safeText } from '../format.js'

export const membersCommand = defineCommand({
  command: 'members <room>',
  describe: "list a room's members, their roles and short fingerprints",
  builder: y => y
    .positional('room', { type: 'string', describe: 'room name or id' })
    .example('$0 members ops', 'name, role, short fingerprint and member id of everyone in ops (tab-separated)'),
  async run (ctx, args: { room: string }) {
    const { withClient } = await import('../connect.js')
    await withClient(ctx, { need: 'read' }, async client => {
      for (const m of await client.members(args.room)) {
        if (ctx.out.json) { ctx.out.jsonLine(m); continue }
        // Display names are chosen by their owners and need not be unique: the fingerprint (compare
        // it with `conclave id` out of band) and the member id tell two bobs apart.
        const marks = `${m.you ? ' (you)' : ''}${m.duplicateName ? ' (same name as another member)' : ''}`
        ctx.out.data(`${safeText(m.name)}${marks}\t${m.role}\t${m.fingerprint}\t${m.memberId}`)
      }
    })
  }
})
