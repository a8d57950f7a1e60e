package dev.parley.chat.core.internal;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.ChangedMessage;
import dev.parley.chat.core.spi.MembershipChange;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.RoomStore;
import dev.parley.chat.core.spi.UserStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a room's change stream from the stores: messages in their current state from the {@link MessageStore},
 * joins and departures from the {@link RoomStore}, merged by change number.
 *
 * <p>Why the two reads are consistent without one transaction: the upper bound is fixed first (a position read, or
 * a position the caller already holds), and stores make every change up to a visible position visible in both; a
 * message changed again after the bound has left the range and is read later, in its newer state.
 */
final class ChangeReader {
    /** What one read returned. */
    record Batch(List<ChatEvent.RoomChange> changes, long upTo, RoomPosition position) {
        /** Whether the room has changes after {@link #upTo}, as of {@link #position}. */
        boolean hasMore() {
            return upTo < position.lastChange();
        }
    }

    private final MessageStore messages;
    private final RoomStore rooms;
    private final UserStore users;

    ChangeReader(MessageStore messages, RoomStore rooms, UserStore users) {
        this.messages = messages;
        this.rooms = rooms;
        this.users = users;
    }

    RoomPosition position(long roomId) {
        return messages.position(roomId);
    }

    /**
     * Reads up to {@code limit} changes after {@code after}, up to the room's current position.
     *
     * @return the changes, and the position read up to: every change in {@code (after, upTo]} not superseded since
     *     is in the batch
     */
    Batch read(long roomId, String room, long after, int limit) {
        return read(roomId, room, after, messages.position(roomId), limit);
    }

    /** As {@link #read(long, String, long, int)}, bounded by a position the caller has already read. */
    Batch read(long roomId, String room, long after, RoomPosition bound, int limit) {
        long upTo = bound.lastChange();
        if (upTo <= after) {
            return new Batch(List.of(), Math.max(after, upTo), bound);
        }
        List<ChangedMessage> changed = messages.findChanges(roomId, after, upTo, limit);
        List<MembershipChange> membership = rooms.findMembershipChanges(roomId, after, upTo, limit);
        // A full page may have more beyond it: nothing past its last element is known yet.
        if (changed.size() == limit) {
            upTo = Math.min(upTo, changed.get(limit - 1).message().change());
        }
        if (membership.size() == limit) {
            upTo = Math.min(upTo, membership.get(limit - 1).change());
        }
        Map<Long, User> members = usersOf(membership);
        List<ChatEvent.RoomChange> merged = new ArrayList<>(Math.min(limit, changed.size() + membership.size()));
        int i = 0;
        int j = 0;
        while (merged.size() < limit) {
            ChangedMessage m = i < changed.size() && changed.get(i).message().change() <= upTo ? changed.get(i)
                    : null;
            MembershipChange c = j < membership.size() && membership.get(j).change() <= upTo ? membership.get(j) : null;
            if (m == null && c == null) {
                break;
            }
            if (c == null || (m != null && m.message().change() < c.change())) {
                merged.add(asEvent(m));
                i++;
            } else {
                User u = members.get(c.userId());
                if (u != null) { // users are never deleted; a store that lost one still streams the rest
                    merged.add(c.kind() == MembershipChange.Kind.JOINED
                            ? new ChatEvent.MemberJoined(roomId, room, u, c.change())
                            : new ChatEvent.MemberLeft(roomId, room, u, c.change()));
                }
                j++;
            }
        }
        if (merged.size() == limit) {
            upTo = merged.get(limit - 1).change();
        }
        return new Batch(merged, upTo, bound);
    }

    /** A message as the change that produced its current state; a reaction replays without who or what. */
    static ChatEvent.RoomChange asEvent(ChangedMessage c) {
        Message m = c.message();
        return switch (c.kind()) {
            case POSTED -> new ChatEvent.MessagePosted(m);
            case EDITED -> new ChatEvent.MessageEdited(m);
            case DELETED -> new ChatEvent.MessageDeleted(m);
            case REACTED -> new ChatEvent.MessageReacted(m);
        };
    }

    private Map<Long, User> usersOf(List<MembershipChange> changes) {
        if (changes.isEmpty()) {
            return Map.of();
        }
        Set<Long> ids = new HashSet<>();
        for (MembershipChange c : changes) {
            ids.add(c.userId());
        }
        Map<Long, User> byId = new HashMap<>();
        for (User u : users.findByIds(new ArrayList<>(ids))) {
            byId.put(u.id(), u);
        }
        return byId;
    }
}
