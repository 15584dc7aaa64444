// `conclave rooms`: the rooms you are in (local state, no network).
import { defineCommand } from '../command.js'

export const roomsCommand = defineCommand({
  command: 'rooms',
  describe: 'list the rooms you are in',
  builder: y => y.example('$0 rooms --json', '{"name":…,"roomId":…,"role":…,"members":…} per room'),
  async run (ctx) {
    const { withSession } = await import('../node.js')
    await withSession(ctx, { network: false, readOnly: true }, async ({ service }) => {
      for (const room of service.rooms()) {
        const s = service.summary(room)
        if (ctx.out.json) ctx.out.jsonLine(s)
        else ctx.out.data(`${s.name}\t${s.roomId}\t${s.role ?? 'removed'}\t${s.members} member${s.members === 1 ? '' : 's'}`)
      }
    })
  }
})
