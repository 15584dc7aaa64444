// `conclave status`: node state — peer id, addresses, peers, per room who is online, mesh peers,
// the last message, validator counters. Exit 1 when the node has no peers.
import { defineCommand, type CommandContext } from '../command.js'
import type { StatusInfo } from '../../client/types.js'
import { parseDuration } from '../format.js'

export const statusCommand = defineCommand({
  command: 'status',
  describe: 'show the node, its peers and per-room state; exits 1 when no peer is connected',
  builder: y => y
    .option('wait', { type: 'string', default: '3s', describe: 'with no node running: how long to look for peers before reporting' })
    .example('$0 status', 'peer id, addresses, connected peers, rooms')
    .example('$0 status --json --bootstrap /ip4/10.0.0.5/tcp/4001/p2p/12D3KooW…', 'one JSON object; exit 1 if nobody is reachable'),
  async run (ctx, args: { wait: string }) {
    const waitMs = parseDuration(args.wait, 'wait')
    const { withClient } = await import('../connect.js')
    return await withClient(ctx, { need: 'network', serve: 'status', create: true }, async client => print(ctx, await client.status({ waitMs })))
  }
})

function print (ctx: CommandContext, status: StatusInfo): number {
  if (ctx.out.json) {
    ctx.out.jsonLine(status)
  } else {
    ctx.out.data(`node:     ${status.owner !== null ? `running (${status.owner.command}, pid ${status.owner.pid})` : 'not running (this status comes from a node started for it)'}`)
    ctx.out.data(`peer id:  ${status.peerId}`)
    for (const a of status.listen) ctx.out.data(`listen:   ${a}`)
    ctx.out.data(`peers:    ${status.peers.length}${status.peers.length > 0 ? ' (' + status.peers.join(', ') + ')' : ''}`)
    for (const r of status.rooms) {
      ctx.out.data(`room ${r.name}: ${r.role ?? 'removed'}, ${r.membersOnline.length}/${r.members} members online${r.membersOnline.length > 0 ? ' (' + r.membersOnline.map(m => m.name).join(', ') + ')' : ''}, ${r.meshPeers} mesh peer(s), last message ${r.lastMessage ?? 'never'}`)
    }
  }
  return status.peers.length === 0 ? 1 : 0
}
