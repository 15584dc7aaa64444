// `conclave status`: node state — peer id, addresses, peers, per room who is online, mesh peers,
// the last message, validator counters. Exit 1 when the node has no peers.
import { defineCommand } from '../command.js'
import { parseDuration } from '../format.js'

export const statusCommand = defineCommand({
  command: 'status',
  describe: 'show the node, its peers and per-room state; exits 1 when no peer is connected',
  builder: y => y
    .option('wait', { type: 'string', default: '3s', describe: 'how long to look for peers before reporting' })
    .example('$0 status', 'peer id, addresses, connected peers, rooms')
    .example('$0 status --json --bootstrap /ip4/10.0.0.5/tcp/4001/p2p/12D3KooW…', 'one JSON object; exit 1 if nobody is reachable'),
  async run (ctx, args: { wait: string }) {
    const waitMs = parseDuration(args.wait, 'wait')
    const { withSession } = await import('../node.js')
    return await withSession(ctx, { network: true }, async ({ service, transport }) => {
      const net = transport!
      await service.start()
      // No daemon yet (see the open issues): this is a node of our own, so give discovery a moment.
      const deadline = Date.now() + waitMs
      while (net.connections().length === 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50))
      if (net.connections().length > 0) {
        const settle = Math.min(deadline, Date.now() + 1000)
        for (const room of service.rooms()) await service.waitForReaders(room, Math.max(0, settle - Date.now()))
      }
      const rooms = service.rooms().map(room => {
        const last = service.history(room, { limit: 1 })[0]
        const online = service.connectedMembers(room)
        return {
          name: room.name,
          roomId: room.id,
          role: room.log.roleOf(service.identity.memberPublicKey) ?? null,
          members: room.log.members().length,
          membersOnline: service.members(room).filter(m => online.includes(m.peerId)).map(m => ({ name: m.name, memberId: m.memberId })),
          meshPeers: net.meshPeers(room.topic).length,
          lastMessage: last?.ts ?? null,
          validator: room.counters
        }
      })
      const status = { daemon: false, peerId: net.peerId, memberId: service.identity.memberId, listen: net.multiaddrs(), peers: net.connections(), rooms }
      if (ctx.out.json) {
        ctx.out.jsonLine(status)
      } else {
        ctx.out.data(`daemon:   not running (this status comes from a node started for it)`)
        ctx.out.data(`peer id:  ${status.peerId}`)
        for (const a of status.listen) ctx.out.data(`listen:   ${a}`)
        ctx.out.data(`peers:    ${status.peers.length}${status.peers.length > 0 ? ' (' + status.peers.join(', ') + ')' : ''}`)
        for (const r of rooms) {
          ctx.out.data(`room ${r.name}: ${r.role ?? 'removed'}, ${r.membersOnline.length}/${r.members} members online${r.membersOnline.length > 0 ? ' (' + r.membersOnline.map(m => m.name).join(', ') + ')' : ''}, ${r.meshPeers} mesh peer(s), last message ${r.lastMessage ?? 'never'}`)
        }
      }
      return status.peers.length === 0 ? 1 : 0
    })
  }
})
