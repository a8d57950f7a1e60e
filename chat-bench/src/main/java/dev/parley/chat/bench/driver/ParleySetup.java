package dev.parley.chat.bench.driver;

import dev.parley.chat.bench.Rest;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Prepares a fresh Parley server over its REST API (docs/openapi.yaml): registers a few users (each registration
 * and login costs an Argon2id hash, so few), logs them in, creates the room and has every user join it.
 */
public final class ParleySetup {
    private static final String PASSWORD = "bench-password-0123";

    private ParleySetup() {
    }

    /** The session tokens of {@code users} new users who are all members of {@code room}. */
    public static List<String> prepare(URI base, int users, String room) throws IOException, InterruptedException {
        Rest rest = new Rest(base);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            rest.register("bench" + i, PASSWORD);
            tokens.add(rest.login("bench" + i, PASSWORD));
        }
        rest.createRoom(room, tokens.get(0));
        for (int i = 1; i < users; i++) {
            rest.join(room, tokens.get(i));
        }
        return tokens;
    }
}
