// `conclave rooms`: the rooms you are in (local state, no network).
import { defineCommand } from '../command.js'

export const roomsCommand = defineCommand({
  command: 'rooms',
  describe: 'list the rooms you are in',
  builder: y => y.example('$0 rooms --json', '{"name":…,"roomId":…,"role":…,"members":…} per room'),
  async run (ctx) {
    const { withClient } = await import('../connect.js')
    await withClient(ctx, { need: 'read' }, async client => {
      for (const s of await client.rooms()) {
        if (ctx.out.json) ctx.out.jsonLine(s)
        else ctx.out.data(`${s.name}\t${s.roomId}\t${s.role ?? 'removed'}\t${s.members} member${s.members === 1 ? '' : 's'}`)
      }
    })
  }
})
