package dev.parley.chat.testkit;

import dev.parley.chat.core.memory.InMemoryChatStorage;
import dev.parley.chat.core.spi.ChatStorage;

class InMemoryMessageSearchTest extends MessageSearchContract {
    @Override
    protected ChatStorage createStorage() {
        return InMemoryChatStorage.create();
    }
}
