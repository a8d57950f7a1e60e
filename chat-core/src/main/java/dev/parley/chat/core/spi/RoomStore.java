package dev.parley.chat.core.spi;

import dev.parley.chat.core.Room;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Stores rooms and memberships. Thread-safe; see the package description.
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
     * Adds a member. Idempotent: adding an existing member changes nothing and keeps its read position.
     *
     * @param roomId the room's id; the room must exist
     * @param userId the user's id; the user must exist
     * @param joinedAt the join time
     * @return {@code true} if the user was not a member before
     */
    boolean addMember(long roomId, long userId, Instant joinedAt);

    /**
     * Removes a member. Idempotent.
     *
     * @param roomId the room's id
     * @param userId the user's id
     * @return {@code true} if the user was a member
     */
    boolean removeMember(long roomId, long userId);

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
