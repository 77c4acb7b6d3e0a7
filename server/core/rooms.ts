// Rooms and their sequence numbers. A room's seq survives the room emptying (and, through the
// store, a restart), so seq is strictly increasing for the life of the data.
import type { Session } from './session.js';

export class Room {
  readonly members = new Set<Session>();
  constructor(
    readonly name: string,
    public seq: number,
  ) {}
}

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();

  constructor(private readonly initialSeq: (room: string) => number) {}

  get(name: string): Room {
    let room = this.rooms.get(name);
    if (!room) {
      room = new Room(name, this.initialSeq(name));
      this.rooms.set(name, room);
    }
    return room;
  }

  find(name: string): Room | undefined {
    return this.rooms.get(name);
  }

  get count(): number {
    return this.rooms.size;
  }

  /** Memberships over all rooms (for leak checks). */
  memberships(): number {
    let n = 0;
    for (const room of this.rooms.values()) n += room.members.size;
    return n;
  }
}
