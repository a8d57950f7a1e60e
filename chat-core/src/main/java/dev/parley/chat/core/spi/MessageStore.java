package dev.parley.chat.core.spi;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.User;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Stores messages and assigns their per-room sequence numbers. This store is the source of truth for delivery:
 * live fan-out is only a hint, and subscribers fill any gap they see by reading from here. Thread-safe; see the
 * package description.
 *
 * <h2>Sequence numbers</h2>
 * {@link #append} assigns each room's messages the sequence numbers 1, 2, 3, … atomically with storing them: no
 * gaps, no duplicates, under any number of concurrent callers in one or many processes. A failed append consumes no
 * number. Visibility follows sequence: once a reader can see sequence {@code n}, it can see every sequence below
 * {@code n} of that room. Deleting or editing a message never changes or frees its number.
 *
 * <h2>Change numbers</h2>
 * Every change to a room takes the room's next change number, 1, 2, 3, … with no gaps and no duplicates, assigned
 * atomically with the change: posting ({@link #append}), editing ({@link #edit}) and deleting ({@link #delete}) a
 * message here, a member joining or leaving in the {@link RoomStore}. The two stores of one {@link ChatStorage}
 * share each room's counter (a {@code last_change} column on the room row, or one lock and counter in memory), so
 * joins and messages interleave in one dense stream. An operation that changes nothing (an idempotent retry, a
 * second delete, a failed call) takes no number. A message's {@link Message#change()} is the change of its current
 * state. Visibility follows change order: once a reader can see change {@code n} (in either store or through
 * {@link #position}), it can see every lower change of that room in both stores.
 */
public interface MessageStore {
    /**
     * Stores a message, assigning it the room's next sequence number.
     *
     * <p>Idempotency: if {@code clientMsgId} is not {@code null} and the same sender already stored a message with
     * that id, nothing is stored and the original message is returned, as it is now, with {@code created ==
     * false}, provided the room is the same and the body equals the stored body. Once the original has been edited
     * or deleted (its {@code editedAt} is set) the body is no longer compared: the sender has evidently seen the
     * acknowledgement, and the retry gets the message as it is now. Concurrent appends with the same sender and id
     * store exactly one message.
     *
     * <p>Replies: if {@code replyTo} is not {@code 0}, the store checks, atomically with storing, that it names a
     * message of the same room that is not deleted, and otherwise stores nothing and throws {@code INVALID_REPLY}.
     * The check comes after the idempotency lookup, so a retry of a reply whose original was deleted meanwhile still
     * gets its message back; a retry compares {@code replyTo} like the body. A stored reply's
     * {@link Message#replyTo()} is read from the original whenever the reply is read.
     *
     * @param message the message to store
     * @return the stored message and whether this call created it; a created message's {@code change} is the room's
     *     next change number
     * @throws dev.parley.chat.core.ConflictException with {@code IDEMPOTENCY_CONFLICT} if the sender already used
     *     {@code clientMsgId} for a different room or {@code replyTo}, or for a different body on a message not
     *     edited or deleted since
     * @throws dev.parley.chat.core.InvalidRequestException with {@code INVALID_REPLY} if {@code replyTo} names no
     *     message of the room, or a deleted one
     * @throws dev.parley.chat.core.UnavailableException with {@code STORAGE_UNAVAILABLE} if the store could not
     *     commit; then nothing was stored
     */
    AppendResult append(NewMessage message);

    /**
     * Stores a message like {@link #append}, without making the caller wait for the commit, so that one caller can
     * keep many appends in flight and a store that commits in groups can fill its groups.
     *
     * <p>Outcome: the stage completes with what {@link #append} would have returned, or exceptionally with the
     * {@link ChatException} it would have thrown (a dependent sees it wrapped in a
     * {@link java.util.concurrent.CompletionException}); on failure nothing was stored. Idempotency, replies,
     * sequence and change numbers are exactly as for {@link #append}.
     *
     * <p>Ordering: appends that one thread submits are stored, and numbered within each room, in submission order
     * by the stores of this project (a custom store that overrides this method must say whether it keeps that
     * order). Completion may run on a thread of the store: dependents should be quick and must not block on the
     * store; hand longer work to an executor of your own.
     *
     * <p>The default calls {@link #append} on the calling thread and returns a completed stage, so stores written
     * before this method keep working unchanged; a store that can pipeline writes should override it. The SQLite
     * store queues the append for its writer and returns at once (completion runs on a store thread that is not the
     * writer); the PostgreSQL store runs it on the calling thread.
     *
     * @param message the message to store
     * @return the stored message and whether this call created it, once committed
     * @throws NullPointerException if {@code message} is null (thrown, not through the stage)
     */
    default CompletionStage<AppendResult> appendAsync(NewMessage message) {
        Objects.requireNonNull(message, "message == null");
        try {
            return CompletableFuture.completedFuture(append(message));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Finds a message by id, deleted or not.
     *
     * @param id the id
     * @return the message, or empty
     */
    Optional<Message> findById(long id);

    /**
     * Reads forward: the messages with {@code seq > afterSeq}, oldest first.
     *
     * @param roomId the room's id
     * @param afterSeq the exclusive lower bound, {@code >= 0}
     * @param limit the most messages to return, {@code >= 1}
     * @return up to {@code limit} messages in ascending sequence order, deleted ones included
     */
    List<Message> findAfter(long roomId, long afterSeq, int limit);

    /**
     * Reads backward: the newest messages with {@code seq < beforeSeq}.
     *
     * @param roomId the room's id
     * @param beforeSeq the exclusive upper bound; {@link Long#MAX_VALUE} for the newest messages
     * @param limit the most messages to return, {@code >= 1}
     * @return up to {@code limit} messages, returned in ascending sequence order, deleted ones included
     */
    List<Message> findBefore(long roomId, long beforeSeq, int limit);

    /**
     * The sequence number of the room's newest message. The default reads {@link #position}.
     *
     * @param roomId the room's id
     * @return the highest assigned sequence, {@code 0} if the room has no messages
     */
    default long lastSeq(long roomId) {
        return position(roomId).lastSeq();
    }

    /**
     * The room's newest message sequence and newest change number, read atomically together (one snapshot).
     *
     * @param roomId the room's id
     * @return the position; {@link RoomPosition#EMPTY} for a room without changes or an unknown room
     */
    RoomPosition position(long roomId);

    /**
     * Reads the change stream's messages: those whose current state was produced by a change in
     * {@code (afterChange, upToChange]}, in ascending {@link Message#change()} order. A message edited after
     * {@code upToChange} is not returned (its current change is higher), so a reader that first reads
     * {@link #position} and passes its {@code lastChange} as {@code upToChange} misses nothing and sees each message
     * once.
     *
     * @param roomId the room's id
     * @param afterChange the exclusive lower bound, {@code >= 0}
     * @param upToChange the inclusive upper bound
     * @param limit the most messages to return, {@code >= 1}
     * @return up to {@code limit} messages, deleted ones included, ascending by change
     */
    List<Message> findChanged(long roomId, long afterChange, long upToChange, int limit);

    /**
     * Counts the messages after a read position that are not deleted and were not sent by a given user: the
     * unread count.
     *
     * @param roomId the room's id
     * @param afterSeq the read position
     * @param excludeSenderId the reader, whose own messages do not count
     * @return the count
     */
    long countUnread(long roomId, long afterSeq, long excludeSenderId);

    /**
     * Replaces a message's body and sets its {@code editedAt}, taking the room's next change number. Its sequence
     * number does not change.
     *
     * @param id the message's id
     * @param body the new, validated body
     * @param editedAt the edit time
     * @return the updated message, or empty if there is no such message or it is deleted
     */
    Optional<Message> edit(long id, String body, Instant editedAt);

    /**
     * Marks a message deleted and clears its body, taking the room's next change number. Its sequence number stays
     * taken. Idempotent: deleting a deleted message changes nothing and takes no number.
     *
     * @param id the message's id
     * @param deletedAt the deletion time (recorded as {@code editedAt})
     * @return the message as it is now, or empty if there is no such message
     */
    Optional<Message> delete(long id, Instant deletedAt);
    /**
     * As {@link #findChanged}, with the kind of each message's newest change, so that a replay delivers a reaction
     * as a reaction. The default infers the kind from the message ({@link ChangedMessage.Kind#inferredFrom}): a store
     * that records reactions overrides it.
     *
     * @param roomId the room's id
     * @param afterChange the exclusive lower bound, {@code >= 0}
     * @param upToChange the inclusive upper bound
     * @param limit the most messages to return, {@code >= 1}
     * @return as {@link #findChanged}, each with its kind
     */
    default List<ChangedMessage> findChanges(long roomId, long afterChange, long upToChange, int limit) {
        List<Message> changed = findChanged(roomId, afterChange, upToChange, limit);
        List<ChangedMessage> result = new ArrayList<>(changed.size());
        for (Message m : changed) {
            result.add(new ChangedMessage(m, ChangedMessage.Kind.inferredFrom(m)));
        }
        return result;
    }

    /**
     * As {@link #edit(long, String, Instant)}, replacing the message's mentions too. The default ignores the
     * mentions, for stores written before them.
     *
     * @param id the message's id
     * @param body the new, validated body
     * @param editedAt the edit time
     * @param mentions the members the new body mentions, without duplicates, in order of first mention
     * @return the updated message, or empty if there is no such message or it is deleted
     */
    default Optional<Message> edit(long id, String body, Instant editedAt, List<User> mentions) {
        return edit(id, body, editedAt);
    }

    /**
     * Adds or removes one user's reaction to a message. Idempotent: adding a reaction the user already has, or
     * removing one they do not have, changes nothing and takes no change number. An effective change takes the
     * room's next change number atomically with it, which becomes the message's {@link Message#change()}, and
     * {@link #findChanges} then reports the message as {@link ChangedMessage.Kind#REACTED}.
     *
     * <p>The default refuses: a store written before reactions does not support them.
     *
     * @param messageId the message's id
     * @param userId the reacting user
     * @param emoji the validated emoji
     * @param add {@code true} to add the reaction, {@code false} to remove it
     * @param maxEmoji the most distinct emoji a message may carry; adding a new one beyond fails
     * @param at the time of the reaction, recorded with an added one
     * @return the message as it is now and whether it changed, or empty if there is no such message
     * @throws dev.parley.chat.core.ConflictException with {@code MESSAGE_DELETED} if the message is deleted
     * @throws dev.parley.chat.core.InvalidRequestException with {@code TOO_MANY_REACTIONS} if adding a new emoji
     *     would exceed {@code maxEmoji}
     * @throws dev.parley.chat.core.UnavailableException with {@code STORAGE_UNAVAILABLE} if the store could not
     *     commit; then nothing changed
     */
    default Optional<ReactionResult> react(long messageId, long userId, String emoji, boolean add, int maxEmoji,
            Instant at) {
        throw new ChatException(ErrorCode.INTERNAL_ERROR, "this message store does not support reactions");
    }

    /**
     * Counts the messages after a read position that mention a user, are not deleted and were not sent by that
     * user: the unread mentions. The default counts none, for stores written before mentions.
     *
     * @param roomId the room's id
     * @param afterSeq the read position
     * @param userId the reader
     * @return the count
     */
    default long countUnreadMentions(long roomId, long afterSeq, long userId) {
        return 0;
    }
}
