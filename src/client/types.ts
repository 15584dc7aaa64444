// The client seam between the CLI and a home's node: one interface, implemented over the local
// room service (client/local.ts) and over the home's control socket (client/socket.ts).
import type { RoleName } from '../wire/membership.js'
import type { ShownMessage } from '../room/shown.js'
import type { CatchUpProgress } from '../room/sync.js'
export type { CatchUpProgress } from '../room/sync.js'

export type { ShownMessage }

/** `history` / `?since=` answers at most this many messages per room. */
export const HISTORY_MAX = 10_000
export type { RoleName }

/** The long-running commands: the first of them to open a home owns its node for as long as it runs. */
export type OwnerCommand = 'daemon' | 'listen' | 'chat'
/** Any command that runs the home's node and serves the control socket meanwhile (one-shots with a node of their own too). */
export type NodeCommand = OwnerCommand | 'send' | 'join' | 'status' | 'kick' | 'leave' | 'role' | 'revoke'

export interface MessageMeta {
  title?: string
  priority?: number
  tags?: string[]
}

export interface PublishOptions {
  /** Wait for this many signed receipts (`send --wait N`); fewer in time → NotConfirmedError (exit 3). */
  wait?: number
  /** How long to wait for a reachable member, and then for receipts. */
  timeoutMs: number
  /**
   * Nobody reachable: 'fail' (NobodyReachableError, exit 3), 'store' (the message is sealed and
   * kept in this home's store: interactive chat, where the user already saw the line) or 'queue'
   * (the same, at once, without waiting for a reader: a running node keeps it and members that
   * come back get it by catch-up; `send` through a running node without --wait).
   */
  alone?: 'fail' | 'store' | 'queue'
}

export interface PublishResult {
  room: string
  roomId: string
  id: string
  /** Members (not just subscribers) the message was handed to; 0 only when stored alone. */
  recipients: number
  /** With `wait`: how many members confirmed. */
  receipts?: number
  /** Set when nobody was reachable: the message is in this home's store, for catch-up to deliver. */
  queued?: true
}

export interface LinesOptions extends MessageMeta {
  /** How long to wait for a reachable member (at the start, and whenever nobody is left). */
  timeoutMs: number
}

/** LINES messages sent in ENVELOPES batches; SPLIT input lines were longer than one message and cut. */
export interface LinesResult { room: string, roomId: string, lines: number, envelopes: number, split: number }

export interface InviteOptions {
  role: RoleName
  /** Validity from now. */
  ttlMs: number
  maxUses: number
}

export interface InviteResult { room: string, roomId: string, ticket: string, role: RoleName, uses: number, expires: string, addrs: number }

export interface JoinResult { room: string, roomId: string, role: RoleName | null, members: number }

export interface MemberInfo {
  memberId: string
  name: string
  role: RoleName
  peerId: string
  you: boolean
  /** The first group of the member's safety fingerprint (`conclave id` prints all six). */
  fingerprint: string
  /** Another member of the room has the same display name (name them by id or fingerprint). */
  duplicateName: boolean
}

/** What a membership command (kick, leave, role, revoke) appended, and how far it got. */
export interface MembershipResult {
  room: string
  roomId: string
  /** The kind of log entry appended. */
  entry: 'remove' | 'set-role' | 'revoke-invite'
  /** The member it concerns (kick, leave, role). */
  member?: { memberId: string, name: string }
  role?: RoleName
  /** Invites revoked (revoke). */
  revoked?: number
  /** The room's epoch after the entry (a removal, leave or demotion to poster starts a new one). */
  epoch: number
  /** Readers the entry was handed to now; 0: stored, and members get it at their next keys exchange with this home. */
  recipients: number
}

export interface MembershipOptions {
  /** How long to wait for a reachable member to hand the entry to. */
  timeoutMs: number
}

export interface RoomInfo { name: string, roomId: string, role: RoleName | null, members: number, epoch: number, topic: string }

export interface StatusInfo {
  /** True when a `conclave daemon` owns the node (kept for scripts that read it). */
  daemon: boolean
  /** The process that runs the home's node, or null when this status comes from a node started for it. */
  owner: { command: NodeCommand, pid: number } | null
  peerId: string
  memberId: string
  listen: string[]
  peers: string[]
  rooms: Array<{
    name: string
    roomId: string
    role: string | null
    members: number
    membersOnline: Array<{ name: string, memberId: string }>
    meshPeers: number
    lastMessage: string | null
    validator: Record<string, number>
    /** Catch-up in this node's run: catch-ups run and running, envelopes received and new, envelopes served to others. */
    catchUp: { runs: number, running: number, received: number, accepted: number, served: number }
  }>
}

/** Messages of one or more rooms as they are stored; `close()` ends the iteration. */
export interface Subscription extends AsyncIterable<ShownMessage> {
  /** The same messages, all that is queued at a time (for consumers that pay per await). */
  batches: () => AsyncIterable<ShownMessage[]>
  close: () => void
}

export interface Client {
  /** 'local': this process runs the node or reads the store; 'node': through the home's running node. */
  readonly via: 'local' | 'node'
  rooms: () => Promise<RoomInfo[]>
  members: (room: string) => Promise<MemberInfo[]>
  history: (room: string, options: { limit: number, sinceMs?: number }) => Promise<ShownMessage[]>
  createRoom: (name: string) => Promise<RoomInfo>
  invite: (room: string, options: InviteOptions) => Promise<InviteResult>
  join: (ticket: string, options: { name?: string, timeoutMs: number }) => Promise<JoinResult>
  /** One message: wait for a reachable member, seal, publish (retrying once), receipts. */
  publish: (room: string, text: string, meta: MessageMeta, options: PublishOptions) => Promise<PublishResult>
  /** Each line of SOURCE (which hands them over in batches) a message, with backpressure, until SOURCE ends. */
  publishLines: (room: string, source: AsyncIterable<string[]>, options: LinesOptions) => Promise<LinesResult>
  /** New messages of ROOMS as they are stored (those since SINCEMS first); includes ours. */
  subscribe: (rooms: string[], options: { sinceMs?: number }) => Promise<Subscription>
  status: (options: { waitMs: number }) => Promise<StatusInfo>
  /**
   * Progress of catch-ups this process's node receives (only when it runs the node: through the
   * socket there is none). Returns the function that stops listening.
   */
  onCatchUp?: (listener: (p: CatchUpProgress) => void) => () => void
  /**
   * Removes MEMBER (member id, unique display name or fingerprint prefix; an ambiguous name is a
   * UsageError listing the candidates) with a signed Remove entry; starts a new epoch.
   */
  kick: (room: string, member: string, options: MembershipOptions & { reason?: string }) => Promise<MembershipResult>
  /**
   * Our own Remove entry, handed to a reader, then the room is forgotten locally. Alone in the
   * room: forgotten at once. Nobody reachable: NobodyReachableError (nothing changes).
   */
  leave: (room: string, options: MembershipOptions) => Promise<MembershipResult>
  /** Sets MEMBER's role (SetRole entry); a demotion to poster starts a new epoch. */
  setRole: (room: string, member: string, role: RoleName, options: MembershipOptions) => Promise<MembershipResult>
  /** Revokes the invite of TICKET, or with `all` every invite that can still admit someone. */
  revoke: (room: string, options: MembershipOptions & { ticket?: string, all?: boolean }) => Promise<MembershipResult>
  /** Delivers what is still in flight (drain, hand-off), then releases the node / store. */
  close: () => Promise<void>
}
