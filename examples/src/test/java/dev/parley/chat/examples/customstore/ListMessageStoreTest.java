package dev.parley.chat.examples.customstore;

import dev.parley.chat.core.memory.InMemoryChatStorage;
import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.testkit.ChatServiceContract;
import dev.parley.chat.testkit.MessageStoreContract;
import org.junit.jupiter.api.Nested;

/** A custom message store proves itself: the SPI contract, then the whole service on top of it. */
class ListMessageStoreTest {
    static ChatStorage withListMessageStore() {
        InMemoryChatStorage memory = InMemoryChatStorage.create();
        return ChatStorage.of(memory.users(), memory.sessions(), memory.rooms(), new ListMessageStore());
    }

    @Nested
    class StoreContract extends MessageStoreContract {
        @Override
        protected ChatStorage createStorage() {
            return withListMessageStore();
        }
    }

    @Nested
    class ServiceContract extends ChatServiceContract {
        @Override
        protected ChatStorage createStorage() {
            return withListMessageStore();
        }
    }
}
