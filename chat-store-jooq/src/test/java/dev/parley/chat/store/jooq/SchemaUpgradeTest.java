package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.parley.chat.core.Message;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.AppendResult;
import dev.parley.chat.core.spi.ChangedMessage;
import dev.parley.chat.core.spi.Membership;
import dev.parley.chat.core.spi.MembershipChange;
import dev.parley.chat.core.spi.MessageStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Opening a database that the first release wrote (its change sets applied by Liquibase, its rows written by its
 * statements) upgrades it in place: messages keep their content, each message's change is its sequence number, and
 * the change stream goes on from there with no gap. Subclasses supply the database.
 */
abstract class SchemaUpgradeTest {
    static final Instant T = TestData.T0;

    /** A fresh, empty database. */
    abstract String newDatabaseUrl();

    /** Opens the current storage on it, which applies the whole current changelog. */
    abstract JooqChatStorage open(String url);

    /** The ids of what {@link #writeAsTheFirstRelease} stored. */
    record Written(long alice, long bob, long carol, long general, long random, long empty, List<Long> generalIds) {
    }

    /**
     * Rows as the first release's stores left them: three users, a room with four messages (one edited, one deleted,
     * one with a client message id) and two members, a room with two messages, a room with none.
     */
    static Written writeAsTheFirstRelease(Connection connection) throws SQLException {
        FirstReleaseWriter old = new FirstReleaseWriter(connection);
        long alice = old.user("alice", T);
        long bob = old.user("bob", T);
        long carol = old.user("carol", T);
        long general = old.room("general", T);
        long random = old.room("random", T);
        long empty = old.room("empty", T);
        old.join(general, alice, T, 3);
        old.join(general, bob, T.plusSeconds(1), 0);
        long hello = old.post(general, alice, "hello", null, T.plusSeconds(2));
        long edited = old.post(general, bob, "tpyo", "k-2", T.plusSeconds(3));
        long deleted = old.post(general, alice, "oops", null, T.plusSeconds(4));
        long keyed = old.post(general, alice, "with key", "k-4", T.plusSeconds(5));
        old.edit(edited, "typo", T.plusSeconds(6));
        old.delete(deleted, T.plusSeconds(7));
        old.post(random, bob, "one", null, T.plusSeconds(8));
        old.post(random, bob, "two", null, T.plusSeconds(9));
        return new Written(alice, bob, carol, general, random, empty, List.of(hello, edited, deleted, keyed));
    }

    @Test
    void upgradesADatabaseWrittenByTheFirstRelease() throws Exception {
        String url = newDatabaseUrl();
        Written old;
        try (Connection connection = DriverManager.getConnection(url)) {
            FirstRelease.createSchema(connection);
            old = writeAsTheFirstRelease(connection);
        }
        try (JooqChatStorage storage = open(url)) {
            MessageStore messages = storage.messages();
            List<Message> before = messages.findAfter(old.general(), 0, 100);
            assertThat(before).extracting(Message::id).containsExactlyElementsOf(old.generalIds());
            assertThat(before).extracting(Message::seq, Message::change, Message::body, Message::deleted,
                    m -> m.editedAt() != null).containsExactly(
                            tuple(1L, 1L, "hello", false, false),
                            tuple(2L, 2L, "typo", false, true),
                            tuple(3L, 3L, "", true, true),
                            tuple(4L, 4L, "with key", false, false));
            assertThat(messages.findChanged(old.general(), 0, 4, 100)).containsExactlyElementsOf(before);
            // Each message's newest change kind is backfilled from its state; old rows are no replies and carry no
            // reactions or mentions.
            assertThat(messages.findChanges(old.general(), 0, 4, 100)).extracting(ChangedMessage::kind)
                    .containsExactly(ChangedMessage.Kind.POSTED, ChangedMessage.Kind.EDITED,
                            ChangedMessage.Kind.DELETED, ChangedMessage.Kind.POSTED);
            assertThat(before).allSatisfy(m -> {
                assertThat(m.replyTo()).isNull();
                assertThat(m.reactions()).isEmpty();
                assertThat(m.mentions()).isEmpty();
            });
            assertThat(messages.position(old.general())).isEqualTo(new RoomPosition(4, 4));
            assertThat(messages.position(old.random())).isEqualTo(new RoomPosition(2, 2));
            assertThat(messages.findChanged(old.random(), 0, 2, 100)).extracting(Message::seq, Message::change)
                    .containsExactly(tuple(1L, 1L), tuple(2L, 2L));
            assertThat(messages.position(old.empty())).isEqualTo(RoomPosition.EMPTY);
            // Memberships survive; they predate the stream, so no join is on record.
            assertThat(storage.rooms().listMembers(old.general())).extracting(Membership::userId,
                    Membership::lastReadSeq).containsExactlyInAnyOrder(tuple(old.alice(), 3L), tuple(old.bob(), 0L));
            assertThat(storage.rooms().findMembershipChanges(old.general(), 0, Long.MAX_VALUE, 100)).isEmpty();

            Room general = storage.rooms().findById(old.general()).orElseThrow();
            User alice = storage.users().findById(old.alice()).orElseThrow();
            AppendResult retry = messages.append(TestData.message(general, alice, "with key", "k-4"));
            assertThat(retry.created()).isFalse();
            assertThat(retry.message()).isEqualTo(before.get(3));

            Message posted = messages.append(TestData.message(general, alice, "after the upgrade", null)).message();
            Message reworded = messages.edit(before.get(0).id(), "hello again", T.plusSeconds(20)).orElseThrow();
            long carolJoined = storage.rooms().addMember(old.general(), old.carol(), T.plusSeconds(21));
            long bobLeft = storage.rooms().removeMember(old.general(), old.bob(), T.plusSeconds(22));
            Message gone = messages.delete(before.get(1).id(), T.plusSeconds(23)).orElseThrow();

            assertThat(List.of(posted.seq(), posted.change(), reworded.change(), carolJoined, bobLeft, gone.change()))
                    .containsExactly(5L, 5L, 6L, 7L, 8L, 9L);
            assertThat(messages.position(old.general())).isEqualTo(new RoomPosition(5, 9));
            assertThat(messages.findChanged(old.general(), 4, 9, 100)).containsExactly(posted, reworded, gone);
            assertThat(storage.rooms().findMembershipChanges(old.general(), 4, 9, 100)).containsExactly(
                    new MembershipChange(old.general(), 7, old.carol(), MembershipChange.Kind.JOINED,
                            T.plusSeconds(21)),
                    new MembershipChange(old.general(), 8, old.bob(), MembershipChange.Kind.LEFT, T.plusSeconds(22)));
            // Each room has its own counter, continued from its own last_seq.
            assertThat(messages.position(old.random())).isEqualTo(new RoomPosition(2, 2));
            Room random = storage.rooms().findById(old.random()).orElseThrow();
            Message third = messages.append(TestData.message(random, alice, "three", null)).message();
            assertThat(List.of(third.seq(), third.change())).containsExactly(3L, 3L);
        }
    }
}
