package dev.parley.chat.examples.customstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.parley.chat.core.Message;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.memory.InMemoryChatStorage;
import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.core.spi.MembershipChange;
import dev.parley.chat.core.spi.MessageStore;
import dev.parley.chat.core.spi.NewMessage;
import dev.parley.chat.core.spi.NewRoom;
import dev.parley.chat.core.spi.RoomStore;
import dev.parley.chat.testkit.ChangeStreamContract;
import dev.parley.chat.testkit.ChatServiceContract;
import dev.parley.chat.testkit.MessageStoreContract;
import dev.parley.chat.testkit.RoomStoreContract;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** A custom store proves itself: the SPI contracts of both its stores, then the whole service on top of them. */
class ListMessageStoreTest {
    static ChatStorage withListMessageStore() {
        InMemoryChatStorage memory = InMemoryChatStorage.create();
        ListMessageStore messages = new ListMessageStore(memory.rooms());
        return ChatStorage.of(memory.users(), memory.sessions(), messages.rooms(), messages);
    }

    @Nested
    class MessagesContract extends MessageStoreContract {
        @Override
        protected ChatStorage createStorage() {
            return withListMessageStore();
        }

        /** The example predates replies, reactions and mentions: the SPI's defaults refuse or ignore them. */
        @Override
        protected boolean supportsRepliesReactionsAndMentions() {
            return false;
        }
    }

    @Nested
    class RoomsContract extends RoomStoreContract {
        @Override
        protected ChatStorage createStorage() {
            return withListMessageStore();
        }
    }

    @Nested
    class ChangeStream extends ChangeStreamContract {
        @Override
        protected ChatStorage createStorage() {
            return withListMessageStore();
        }

        /** The example predates replies, reactions and mentions. */
        @Override
        protected boolean supportsRepliesReactionsAndMentions() {
            return false;
        }
    }

    @Nested
    class ServiceContract extends ChatServiceContract {
        @Override
        protected ChatStorage createStorage() {
            return withListMessageStore();
        }

        /** The example predates replies, reactions and mentions. */
        @Override
        protected boolean supportsRepliesReactionsAndMentions() {
            return false;
        }
    }

    @Test
    void joinsLeavesAndMessageChangesTakeNumbersFromOneCounter() {
        ChatStorage storage = withListMessageStore();
        RoomStore rooms = storage.rooms();
        MessageStore messages = storage.messages();
        Instant t = Instant.parse("2026-01-02T03:04:05Z");
        long room = rooms.create(new NewRoom("general", RoomType.PUBLIC, 0, t)).id();

        assertThat(rooms.addMember(room, 7, t)).isEqualTo(1);
        assertThat(rooms.addMember(room, 7, t)).as("already a member: no change").isZero();
        Message posted = messages.append(new NewMessage(room, "general", 7, "alice", "hi", null, t)).message();
        assertThat(posted.change()).isEqualTo(2);
        assertThat(messages.edit(posted.id(), "hi!", t).orElseThrow().change()).isEqualTo(3);
        assertThat(rooms.removeMember(room, 7, t)).isEqualTo(4);
        assertThat(rooms.removeMember(room, 7, t)).as("not a member: no change").isZero();

        assertThat(messages.position(room)).isEqualTo(new RoomPosition(1, 4));
        assertThat(messages.findChanged(room, 0, 4, 10)).extracting(Message::change, Message::body)
                .containsExactly(tuple(3L, "hi!"));
        assertThat(rooms.findMembershipChanges(room, 0, 4, 10))
                .extracting(MembershipChange::change, MembershipChange::kind)
                .containsExactly(tuple(1L, MembershipChange.Kind.JOINED), tuple(4L, MembershipChange.Kind.LEFT));
        assertThat(rooms.findMembershipChanges(room, 1, 3, 10)).isEmpty();
    }
}
