// `conclave create ROOM`: create a room you own (admin) and print its id.
import { defineCommand } from '../command.js'

export const createCommand = defineCommand({
  command: 'create <room>',
  describe: 'create a room you own (admin); prints its id',
  builder: y => y
    .positional('room', { type: 'string', describe: 'a name for the room (shown to members; not secret, not unique)' })
    .example('$0 create ops', 'create room "ops"; then `conclave invite ops` for a ticket'),
  async run (ctx, args: { room: string }) {
    const { validateDisplayName } = await import('../../room/identity.js')
    const name = validateDisplayName(args.room) // before anything is created
    const { withClient } = await import('../connect.js')
    await withClient(ctx, { need: 'write', create: true }, async client => {
      const room = await client.createRoom(name)
      if (ctx.out.json) ctx.out.jsonLine({ room: room.name, roomId: room.roomId, topic: room.topic })
      else ctx.out.data(room.roomId)
      ctx.out.info(`conclave: created room '${room.name}'; invite others with 'conclave invite ${room.name}'`)
    })
  }
})
