package dev.parley.chat.examples.bot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.User;
import dev.parley.chat.examples.support.TestSocket;
import dev.parley.chat.store.jooq.JooqChatStorage;
import dev.parley.chat.testkit.FastTestPasswordHasher;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bot against a real server (SQLite, the REST calls it makes), including a server restart while it runs. */
class ParleyBotTest {
    private static final String BOT = "echobot";
    // HTTP/1.1: the JDK's default adds "Upgrade: h2c", and Grizzly without HTTP/2 then never reads a POST's body.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    private BotTestServer startServer(int port) throws Exception {
        return new BotTestServer(dir.resolve("parley.db"), port);
    }

    private JsonObject post(URI base, String path, String token, JsonObject body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return parse(http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private JsonObject get(URI base, String path, String token) throws Exception {
        return parse(http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private static JsonObject parse(String json) {
        try (JsonReader r = Json.createReader(new StringReader(json))) {
            return r.readObject();
        }
    }

    private String signUp(URI base, String user) throws Exception {
        JsonObject credentials = Json.createObjectBuilder().add("username", user)
                .add("password", "correct horse battery").build();
        post(base, "/api/register", null, credentials);
        return post(base, "/api/login", null, credentials).getString("token");
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static JsonObject replyFromBot(TestSocket socket, String body) throws InterruptedException {
        return socket.awaitMessage(m -> m.getString("sender").equals(BOT) && m.getString("body").equals(body),
                "the bot's reply \"" + body + "\"");
    }

    @Test
    void answersCommandsAndAfterAServerRestartAnswersWhatItMissedExactlyOnce() throws Exception {
        BotTestServer server = startServer(0);
        int port = server.port();
        URI base = server.uri();
        ParleyBot bot = null;
        try {
            String aliceToken = signUp(base, "alice");
            bot = new ParleyBot(new ParleyBot.Config(base, BOT, "echo bot password", "general",
                    Duration.ofMillis(500))).start();
            ParleyBot running = bot;
            await(running::isSubscribed, "the bot subscribed");

            long lastSeen;
            URI ws = URI.create("ws://127.0.0.1:" + port + "/ws");
            try (TestSocket alice = TestSocket.authenticated(ws, aliceToken)) {
                alice.join("general");
                alice.say("general", "/echo hi");
                replyFromBot(alice, "hi");
                alice.say("general", "not a command");
                alice.say("general", "/time");
                JsonObject time = alice.awaitMessage(m -> m.getString("sender").equals(BOT)
                        && m.getString("body").startsWith("The time is "), "the bot's time");
                Instant said = Instant.parse(time.getString("body").substring(12).replace(" (UTC)", ""));
                assertThat(Duration.between(said, Instant.now()).abs()).isLessThan(Duration.ofMinutes(1));
                lastSeen = time.getJsonNumber("seq").longValue();
            }
            assertThat(bot.answerCount()).isEqualTo(2);

            // The server goes away; while it is down, alice's message is stored through the library itself.
            server.close();
            await(() -> !running.isSubscribed(), "the bot noticed the shutdown");
            try (JooqChatStorage storage = JooqChatStorage.sqlite(dir.resolve("parley.db"));
                    ChatService chat = ChatService.builder().storage(storage)
                            .passwordHasher(new FastTestPasswordHasher()).build()) {
                User alice = chat.findUser("alice").orElseThrow();
                chat.send(alice, "general", "/echo sent while you were away", "alice-away-1");
            }

            server = startServer(port); // same port, same file: the bot reconnects and resumes
            try (TestSocket alice = TestSocket.authenticated(ws, aliceToken)) {
                alice.resume("general", lastSeen);
                replyFromBot(alice, "sent while you were away");
                alice.say("general", "/echo and now live");
                replyFromBot(alice, "and now live");
            }
            assertThat(bot.answerCount()).isEqualTo(4);
            List<String> botSaid = get(base, "/api/messages?room=general&limit=100", aliceToken)
                    .getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                    .filter(m -> m.getString("sender").equals(BOT)).map(m -> m.getString("body"))
                    .map(b -> b.startsWith("The time is ") ? "(the time)" : b).toList();
            assertThat(botSaid).containsExactly("hi", "(the time)", "sent while you were away", "and now live");
        } finally {
            if (bot != null) {
                bot.close();
            }
            server.close();
        }
    }

    @Test
    void answersOnlyItsCommands() {
        assertThat(ParleyBot.answer("/echo hello there")).isEqualTo("hello there");
        assertThat(ParleyBot.answer("/echo ")).isNull();
        assertThat(ParleyBot.answer("/time")).startsWith("The time is ");
        assertThat(ParleyBot.answer("what /time is it")).isNull();
        assertThat(ParleyBot.answer("hello")).isNull();
    }
}
