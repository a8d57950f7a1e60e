package dev.parley.chat.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EmbeddedChatTest {
    @Test
    void bothUsersReceiveTheWholeConversationInOrder() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EmbeddedChat.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        var lines = Arrays.asList(bytes.toString(StandardCharsets.UTF_8).split("\\R"));

        assertThat(lines).hasSize(4);
        assertThat(lines).filteredOn(l -> l.startsWith("alice ")).containsExactly(
                "alice got #1 from alice: hi bob, this is Parley in-process",
                "alice got #2 from bob: hello alice!");
        assertThat(lines).filteredOn(l -> l.startsWith("bob ")).containsExactly(
                "bob got #1 from alice: hi bob, this is Parley in-process",
                "bob got #2 from bob: hello alice!");
    }
}
