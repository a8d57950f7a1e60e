package dev.parley.chat.examples.ownserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.parley.chat.examples.support.Postgres;
import dev.parley.chat.examples.support.TestSocket;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The app with its own pool, routes and logins, and Parley mounted into it: chat over a real WebSocket. */
class OwnServerAppTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private Postgres postgres;
    private HikariDataSource pool;
    private OwnServerApp app;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        postgres = Postgres.freshSchema();
        pool = new HikariDataSource();
        pool.setJdbcUrl(postgres.url());
        pool.setMaximumPoolSize(4);
        app = OwnServerApp.start(pool, "127.0.0.1", 0);
        base = URI.create("http://127.0.0.1:" + app.port() + "/");
    }

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (pool != null) {
            pool.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private HttpResponse<String> request(String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).method(method,
                HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String login(String user) throws Exception {
        HttpResponse<String> r = request("POST", "login?user=" + user, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c)
                .startsWith("app_session=" + r.body()).containsIgnoringCase("HttpOnly"));
        return r.body();
    }

    private URI ws() {
        return URI.create("ws://127.0.0.1:" + app.port() + "/ws");
    }

    @Test
    void theAppsOwnRoutesAndLoginsWorkOnTheSamePortAsTheChat() throws Exception {
        assertThat(request("GET", "hello", null).statusCode()).isEqualTo(401);
        String token = login("alice");
        HttpResponse<String> hello = request("GET", "hello", token);
        assertThat(hello.statusCode()).isEqualTo(200);
        assertThat(hello.body()).startsWith("Hello, alice!");
        assertThat(request("GET", "no-such-route", token).statusCode()).isEqualTo(404);
    }

    @Test
    void usersOfTheAppChatWithTheirAppSessionTokens() throws Exception {
        String aliceToken = login("alice");
        String bobToken = login("bob");
        try (TestSocket alice = TestSocket.authenticated(ws(), aliceToken);
                TestSocket bob = TestSocket.authenticated(ws(), bobToken)) {
            alice.join("general");
            bob.join("general");

            JsonObject sent = alice.say("general", "hi bob, from inside the app");
            JsonObject got = bob.awaitMessage(m -> m.getInt("id") == sent.getInt("id"), "alice's message");
            assertThat(got.getString("sender")).isEqualTo("alice");
            assertThat(got.getString("body")).isEqualTo("hi bob, from inside the app");

            bob.say("general", "hello alice");
            assertThat(alice.awaitMessage(m -> m.getString("sender").equals("bob"), "bob's reply")
                    .getString("body")).isEqualTo("hello alice");
        }
    }

    @Test
    void aTokenTheAppDidNotIssueIsRefused() throws Exception {
        try (TestSocket stranger = TestSocket.connect(ws())) {
            stranger.send(Json.createObjectBuilder().add("type", "auth").add("token", "made-up").build());
            assertThat(stranger.awaitClose()).isEqualTo(1008);
        }
    }

    @Test
    void loggingOutOfTheAppClosesTheChatSocket() throws Exception {
        String token = login("carol");
        try (TestSocket carol = TestSocket.authenticated(ws(), token)) {
            assertThat(request("POST", "logout", token).statusCode()).isEqualTo(204);
            assertThat(carol.awaitClose()).isEqualTo(1008);
        }
        assertThat(request("GET", "hello", token).statusCode()).isEqualTo(401);
    }
}
