// `conclave members ROOM`: the room's members from its verified membership log (no network).
import { defineCommand } from '../command.js'

export const membersCommand = defineCommand({
  command: 'members <room>',
  describe: "list a room's members and their roles",
  builder: y => y
    .positional('room', { type: 'string', describe: 'room name or id' })
    .example('$0 members ops', 'name, role and member id of everyone in ops'),
  async run (ctx, args: { room: string }) {
    const { withClient } = await import('../connect.js')
    await withClient(ctx, { need: 'read' }, async client => {
      for (const m of await client.members(args.room)) {
        if (ctx.out.json) ctx.out.jsonLine(m)
        else ctx.out.data(`${m.name}${m.you ? ' (you)' : ''}\t${m.role}\t${m.memberId}`)
      }
    })
  }
})
