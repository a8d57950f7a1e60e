package dev.parley.chat.examples.embedded;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.StreamStart;
import dev.parley.chat.core.User;
import dev.parley.chat.core.memory.InMemoryChatStorage;
import dev.parley.chat.password4j.Argon2idPasswordHasher;
import java.io.PrintStream;
import java.util.List;

/**
 * Parley embedded in a plain Java program: an in-memory {@code ChatService}, two users, one conversation.
 *
 * <pre>mvn -q -pl examples exec:java -Dexec.mainClass=dev.parley.chat.examples.embedded.EmbeddedChat</pre>
 */
public final class EmbeddedChat {
    public static void main(String[] args) {
        run(System.out);
    }

    /** Registers alice and bob, subscribes both to {@code general}, and prints what each of them receives. */
    public static void run(PrintStream out) {
        try (ChatService chat = ChatService.builder()
                .storage(InMemoryChatStorage.create())
                .passwordHasher(Argon2idPasswordHasher.owasp())
                .build()) {
            User alice = chat.register("alice", "correct horse battery");
            User bob = chat.register("bob", "tr0ub4dor&3 but longer");
            for (User user : List.of(alice, bob)) { // new users are members of "general"
                chat.subscribe(user, "general", StreamStart.live(), event -> {
                    if (event instanceof ChatEvent.MessagePosted posted) {
                        out.println(user.username() + " got #" + posted.message().seq() + " from "
                                + posted.message().sender() + ": " + posted.message().body());
                    }
                });
            }
            chat.send(alice, "general", "hi bob, this is Parley in-process", null);
            chat.send(bob, "general", "hello alice!", null);
        }
    }

    private EmbeddedChat() {
    }
}
