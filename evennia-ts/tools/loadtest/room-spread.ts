/**
 * Spreading the load-test clients over rooms (`loadtest --rooms N`), so a run is
 * not one crowded room. Before the ramp, one extra client, the architect (account
 * `<prefix>0`), digs N rooms for the run, `<prefix>-room1` .. `<prefix>-roomN`, each
 * with a one-way exit of the same name from the room new characters start in, and
 * links them in a ring: each room has an exit `east` to the next and `west` to the
 * one before, so walkers always have somewhere to go (and no way back to the
 * start). Each client, once logged in, walks through the exit of its room, room
 * (i mod N); the room's name in the game's answer says it got there. Once every
 * client is in, the architect destroys the exits from the start room (they would
 * pile up there run after run) and logs out before the measured part.
 *
 * Walking, not `tel`: a character's `teleport` lock lets only Admins move it that
 * way, as in Evennia. Digging needs the Builder permission (a test game's
 * `permissionAccountDefault: "Builder"`); without it, building fails before any
 * client connects, with an error that says so.
 */
import { EvenniaError } from "../../utils/errors.ts";
import { classifyAnswer } from "./run-stats.ts";
import type { VirtualPlayer } from "./virtual-player.ts";

/** One room of the run, and the clients placed in it. */
export interface SpreadRoom {
  name: string;
  /** `#12`. */
  dbref: string;
  /** Clients the game showed this room after they walked in. */
  clients: number;
}

/** Where the clients were at the start of the measured part. */
export interface RoomPlacement {
  rooms: SpreadRoom[];
  /** Logged-in clients that did not get to their room (see the run's notes). */
  unplaced: number;
}

/** The exits of the ring: the way to the next room and the way back. */
export const RING_EXITS = { onward: "east;e", back: "west;w" } as const;

/** The name of room `k` (1-based) of a run whose accounts are `<prefix><n>`; its exit from the start room has the same name. */
export function spreadRoomName(prefix: string, k: number): string {
  return `${prefix}-room${k}`;
}

/** The room (0-based) client `index` (0-based) goes to: round robin. */
export function roomIndexOf(index: number, roomCount: number): number {
  return index % roomCount;
}

/** The rooms of one run: built by an architect, then filled by {@link RoomSpread.place}. */
export class RoomSpread {
  private unplaced = 0;

  private constructor(
    private readonly architect: VirtualPlayer,
    private readonly rooms: SpreadRoom[],
    /** The exits from the start room, to destroy once everyone is in. */
    private readonly hubExits: string[],
  ) {}

  /**
   * Have `architect` (logged in, in the start room) dig `count` (>= 2) rooms with
   * exits from the start room, and link them in a ring. Throws EV_ERR_LOCK_DENIED
   * when the game refuses the builder commands, EV_ERR_BAD_INPUT when it answers
   * something else than expected.
   */
  static async build(architect: VirtualPlayer, prefix: string, count: number): Promise<RoomSpread> {
    if (!Number.isInteger(count) || count < 2) throw new EvenniaError("EV_ERR_BAD_INPUT", `a room spread needs at least 2 rooms, got ${count}`);
    const rooms: SpreadRoom[] = [];
    const hubExits: string[] = [];
    for (let k = 1; k <= count; k++) {
      const name = spreadRoomName(prefix, k);
      const line = `dig ${name} = ${name}`;
      const answer = await ask(architect, line);
      const room = new RegExp(`Created room ${escapeRegExp(name)}\\((#\\d+)\\)`).exec(answer);
      const exit = new RegExp(`Created Exit from .* to ${escapeRegExp(name)}: ${escapeRegExp(name)}\\((#\\d+)\\)`).exec(answer);
      if (!room || !exit) throw unexpected(line, answer);
      rooms.push({ name, dbref: room[1]!, clients: 0 });
      hubExits.push(exit[1]!);
    }
    // the ring: in each room, an exit on to the next and, in that one, back; then on
    await expectRoom(architect, rooms[0]!.name, rooms[0]!.name);
    for (let k = 0; k < count; k++) {
      const next = rooms[(k + 1) % count]!;
      const line = `open ${RING_EXITS.onward}, ${RING_EXITS.back} = ${next.dbref}`;
      const answer = await ask(architect, line);
      if ((answer.match(/Created new Exit/g) ?? []).length !== 2) throw unexpected(line, answer);
      if (k + 1 < count) await expectRoom(architect, "east", next.name);
    }
    return new RoomSpread(architect, rooms, hubExits);
  }

  /**
   * Walk `player` (logged in, in the start room) to its room, round robin by `index`.
   * Null when the game showed it the room, else what went wrong (and the client
   * counts as unplaced).
   */
  async place(player: VirtualPlayer, index: number): Promise<string | null> {
    const room = this.rooms[roomIndexOf(index, this.rooms.length)]!;
    const answer = await player.request(room.name);
    if (answer !== null && showsRoom(answer, room.name)) {
      room.clients++;
      return null;
    }
    this.unplaced++;
    // the exits it saw in the start room lead to the run's rooms: they go once everyone is in
    player.memory.exits = [];
    return answer === null ? `no answer to "${room.name}"` : `"${room.name}" answered: ${firstLine(answer) || "(nothing)"}`;
  }

  /** How many clients each room got. */
  placement(): RoomPlacement {
    return { rooms: this.rooms.map((r) => ({ ...r })), unplaced: this.unplaced };
  }

  /**
   * Everyone is in: the architect destroys the exits from the start room (by
   * #dbref, from where it is). Resolves to what went wrong, or null.
   */
  async tidyUp(): Promise<string | null> {
    const line = `destroy/force ${this.hubExits.join(", ")}`;
    const answer = await this.architect.request(line);
    if (answer === null) return `no answer to "${line}"`;
    const destroyed = (answer.match(/ was destroyed\./g) ?? []).length;
    return destroyed === this.hubExits.length ? null : `"${line}" answered: ${firstLine(answer) || "(nothing)"}`;
  }
}

/** True when `answer` shows the room `name` (its name alone on a line, with a #dbref for builders). */
function showsRoom(answer: string, name: string): boolean {
  return new RegExp(`^\\s*${escapeRegExp(name)}(?:\\(#\\d+\\))?\\s*$`, "m").test(answer);
}

/** Have the architect walk through `exit`, and check it arrived in `room`. */
async function expectRoom(architect: VirtualPlayer, exit: string, room: string): Promise<void> {
  const answer = await ask(architect, exit);
  if (!showsRoom(answer, room)) throw unexpected(exit, answer);
}

/** Send a setting-up command and wait for its answer; throws when there is none or it was refused. */
async function ask(architect: VirtualPlayer, line: string): Promise<string> {
  const answer = await architect.request(line);
  if (answer === null) throw new EvenniaError("EV_ERR_BAD_INPUT", `--rooms: the game did not answer "${line}" in time (or closed the connection)`);
  if (classifyAnswer(answer) === "refused") {
    throw new EvenniaError(
      "EV_ERR_LOCK_DENIED",
      `--rooms needs the Builder permission (to dig the rooms), but the game refused "${line}": ` +
        `${firstLine(answer).replace(/\.+$/, "")}. Set permissionAccountDefault: "Builder" in a test game's server/conf/settings.ts, or leave out --rooms.`,
    );
  }
  return answer;
}

function unexpected(line: string, answer: string): EvenniaError {
  return new EvenniaError("EV_ERR_BAD_INPUT", `--rooms: unexpected answer to "${line}": ${firstLine(answer) || "(nothing)"}`);
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0]?.trim() ?? "";
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
