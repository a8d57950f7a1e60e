package dev.parley.chat.core.spi;

import dev.parley.chat.core.Room;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Stores rooms and memberships. Thread-safe; see the package description.
 *
 * <p>Joining and leaving are room changes: each takes the room's next change number from the counter this store
 * shares with the {@link MessageStore} of the same {@link ChatStorage}, atomically with the membership change, and is
 * kept as a {@link MembershipChange} for {@link #findMembershipChanges}. See {@link MessageStore} for the rules.
 */
public interface RoomStore {
    /**
     * Creates a room atomically, assigning a new unique positive id. The creator is not made a member here.
     *
     * @param room the room
     * @return the created room
     * @throws dev.parley.chat.core.ConflictException with {@code ROOM_EXISTS} if the name is taken; under concurrent
     *     creation of one name exactly one call succeeds
     */
    Room create(NewRoom room);

    /**
     * Finds a room by id.
     *
     * @param id the id
     * @return the room, or empty
     */
    Optional<Room> findById(long id);

    /**
     * Finds a room by its normalised name.
     *
     * @param name the name
     * @return the room, or empty
     */
    Optional<Room> findByName(String name);

    /**
     * Lists the rooms a user may see: every public room, and every room the user is a member of.
     *
     * @param userId the user's id
     * @return the rooms, ordered by name
     */
    List<Room> listVisibleTo(long userId);

    /**
     * Adds a member and records the join as the room's next change. Idempotent: adding an existing member changes
     * nothing, takes no change number and keeps its read position.
     *
     * @param roomId the room's id; the room must exist
     * @param userId the user's id; the user must exist
     * @param joinedAt the join time
     * @return the change number of the join, or {@code 0} if the user was already a member
     */
    long addMember(long roomId, long userId, Instant joinedAt);

    /**
     * Removes a member and records the departure as the room's next change. Idempotent: removing a non-member
     * changes nothing and takes no change number.
     *
     * @param roomId the room's id
     * @param userId the user's id
     * @param leftAt the departure time
     * @return the change number of the departure, or {@code 0} if the user was not a member
     */
    long removeMember(long roomId, long userId, Instant leftAt);

    /**
     * Reads the joins and departures with a change number in {@code (afterChange, upToChange]}, ascending. Every
     * one is kept: a user who joined, left and joined again has three.
     *
     * @param roomId the room's id
     * @param afterChange the exclusive lower bound, {@code >= 0}
     * @param upToChange the inclusive upper bound
     * @param limit the most changes to return, {@code >= 1}
     * @return up to {@code limit} changes, ascending by change
     */
    List<MembershipChange> findMembershipChanges(long roomId, long afterChange, long upToChange, int limit);

    /**
     * Finds one membership.
     *
     * @param roomId the room's id
     * @param userId the user's id
     * @return the membership, or empty if the user is not a member
     */
    Optional<Membership> findMembership(long roomId, long userId);

    /**
     * Lists a room's members.
     *
     * @param roomId the room's id
     * @return the memberships, ordered by join time, then user id
     */
    List<Membership> listMembers(long roomId);

    /**
     * Lists a user's memberships.
     *
     * @param userId the user's id
     * @return the memberships, in no particular order
     */
    List<Membership> listMemberships(long userId);

    /**
     * Moves a member's read position forward, atomically: the stored value becomes
     * {@code max(lastReadSeq, seq)}, so concurrent or late calls never move it back.
     *
     * @param roomId the room's id
     * @param userId the user's id
     * @param seq the sequence read up to
     * @return {@code true} if the user is a member (whether or not the position moved)
     */
    boolean markRead(long roomId, long userId, long seq);
}
