package dev.parley.chat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.parley.chat.server.ParleyServer;
import dev.parley.chat.server.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against the real reference server (in this JVM, on a SQLite file), one scenario per test. */
class ParleyClientTest {
    private static final String PASSWORD = "correct horse battery";

    @TempDir
    Path dir;

    private ParleyServer server;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private ParleyServer startServer(Path db, int port) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("PARLEY_PORT", Integer.toString(port));
        env.put("PARLEY_DB_URL", "jdbc:sqlite:" + db);
        env.put("PARLEY_WS_RATE_PER_SECOND", "1000");
        server = new ParleyServer(ServerConfig.fromEnvironment(env)).start();
        return server;
    }

    /** A {@link GateProxy} in front of the server, closed after the test. */
    private GateProxy proxyTo(ParleyServer s) throws IOException {
        GateProxy proxy = new GateProxy(s.port());
        closeAfter.add(proxy);
        return proxy;
    }

    private ParleyClient client(URI base, Recorder recorder) {
        ParleyClient c = ParleyClient.builder(base).backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .connectionListener(recorder).build();
        closeAfter.add(c);
        return c;
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    /** A client of user {@code name} (registered here), logged in, connected and following {@code room}. */
    private ParleyClient signedIn(URI base, String name, String room, Recorder recorder) throws Exception {
        ParleyClient c = client(base, recorder);
        c.register(name, PASSWORD);
        c.login(name, PASSWORD);
        await(c.connect());
        await(c.join(room, recorder));
        return c;
    }

    @Test
    void loginAndLiveDeliveryBetweenTwoClients() throws Exception {
        URI base = startServer(dir.resolve("parley.db"), 0).uri();
        Recorder ann = new Recorder();
        Recorder ben = new Recorder();
        ParleyClient a = signedIn(base, "ann", "general", ann);
        ParleyClient b = signedIn(base, "ben", "general", ben);
        assertThat(a.session().user().username()).isEqualTo("ann");

        Message sent = await(a.send("general", "hello ben", "live-1"));
        assertThat(sent.clientMsgId()).isEqualTo("live-1");
        assertThat(sent.sender()).isEqualTo("ann");
        ben.await("message " + sent.id() + " hello ben");
        Message generated = await(a.send("general", "no id given"));
        assertThat(generated.clientMsgId()).matches("[A-Za-z0-9._:-]{1,64}");
        ben.await("message " + generated.id() + " no id given");

        Message edited = await(a.edit(sent.id(), "hello, ben"));
        ben.await("edited " + sent.id() + " hello, ben");
        assertThat(edited.editedAt()).isNotNull();
        assertThat(await(b.markRead("general", generated.seq()))).isZero();
        assertThat(b.history("general", HistoryQuery.latest(10)).messages()).extracting(Message::body)
                .containsExactly("hello, ben", "no id given");
        assertThat(b.rooms()).extracting(RoomSummary::name).contains("general");
        assertThat(ben.matching("message ")).hasSize(2);
    }

    @Test
    void repliesReactionsAndMentionsReachTheOtherClientAndAMissedReactionIsReplayedOnce() throws Exception {
        ParleyServer s = startServer(dir.resolve("parley.db"), 0);
        GateProxy proxy = proxyTo(s);
        Recorder gil = new Recorder();
        Recorder hal = new Recorder();
        ParleyClient g = signedIn(s.uri(), "gil", "general", gil);
        ParleyClient h = signedIn(proxy.uri(), "hal", "general", hal);

        Message original = await(g.send("general", "lunch, @hal?\nat noon", "m-1"));
        assertThat(original.mentions()).containsExactly("hal");
        hal.await("mentioned general " + original.id());
        Message reply = await(h.send("general", "yes", "r-1", original.id()));
        assertThat(reply.replyTo()).isEqualTo(new ReplyPreview(original.id(), original.seq(), "gil", "lunch, @hal?",
                false));
        assertThat(catchThrowable(() -> await(h.send("general", "no", "r-2", 999_999))))
                .hasCauseInstanceOf(ParleyClientException.class).cause()
                .extracting(e -> ((ParleyClientException) e).code()).isEqualTo("invalid_reply");

        Message reacted = await(h.react(original.id(), "🍕"));
        assertThat(reacted.reactions()).containsExactly(new Reaction("🍕", List.of("hal")));
        gil.await("reaction " + original.id() + " " + reacted.change() + " hal +🍕 [🍕[hal]]");
        assertThat(await(h.react(original.id(), "🍕")).change()).as("idempotent").isEqualTo(reacted.change());

        proxy.cut(true); // hal misses gil's reaction and resumes after it
        hal.await("state DISCONNECTED");
        Message thumbs = await(g.react(original.id(), "👍"));
        proxy.accept(true);
        hal.await("reaction " + original.id() + " " + thumbs.change() + " (replayed) [🍕[hal], 👍[gil]]");
        Message removed = await(h.unreact(original.id(), "🍕"));
        assertThat(removed.reactions()).containsExactly(new Reaction("👍", List.of("gil")));
        gil.await("reaction " + original.id() + " " + removed.change() + " hal -🍕 [👍[gil]]");
        assertThat(hal.matching("reaction " + original.id() + " " + thumbs.change())).hasSize(1);
        assertThat(h.rooms()).filteredOn(r -> r.name().equals("general")).singleElement()
                .satisfies(r -> assertThat(r.unreadMentions()).isEqualTo(1));
    }

    @Test
    void sendWhoseAckIsLostIsRetriedAndStoredExactlyOnce() throws Exception {
        ParleyServer s = startServer(dir.resolve("parley.db"), 0);
        GateProxy proxy = proxyTo(s);
        URI throughProxy = proxy.uri();
        Recorder cat = new Recorder();
        ParleyClient c = signedIn(throughProxy, "cat", "general", cat);
        ParleyClient observer = client(s.uri(), new Recorder());
        observer.register("dan", PASSWORD);
        observer.login("dan", PASSWORD);

        proxy.holdDownstream(); // the send reaches the server; its ack does not reach the client
        CompletableFuture<Message> sent = c.send("general", "exactly once", "ack-lost-1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (storedWith(observer, "ack-lost-1") == 0) {
            assertThat(System.nanoTime()).as("stored within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(sent).isNotDone();
        proxy.cut(false); // the connection goes, the ack with it; the client reconnects and sends again

        Message acked = await(sent);
        assertThat(acked.clientMsgId()).isEqualTo("ack-lost-1");
        assertThat(storedWith(observer, "ack-lost-1")).isEqualTo(1);
        assertThat(cat.matching("state CONNECTED")).hasSizeGreaterThanOrEqualTo(2);
    }

    private static long storedWith(ParleyClient reader, String clientMsgId) {
        return reader.history("general", HistoryQuery.latest(200)).messages().stream()
                .filter(m -> clientMsgId.equals(m.clientMsgId())).count();
    }

    @Test
    void resumeDeliversAMissedEditAndDeleteEachOnce() throws Exception {
        ParleyServer s = startServer(dir.resolve("parley.db"), 0);
        GateProxy proxy = proxyTo(s);
        Recorder eve = new Recorder();
        Recorder fay = new Recorder();
        ParleyClient e = client(s.uri(), eve);
        e.register("eve", PASSWORD);
        e.login("eve", PASSWORD);
        e.createRoom("resumed", false);
        await(e.connect());
        await(e.join("resumed", eve));
        ParleyClient f = signedIn(proxy.uri(), "fay", "resumed", fay);
        Message one = await(e.send("resumed", "one"));
        Message two = await(e.send("resumed", "two"));
        fay.await("message " + two.id() + " two");

        proxy.cut(true); // fay is offline and stays so
        fay.await("state DISCONNECTED");
        Message three = await(e.send("resumed", "three"));
        await(e.edit(one.id(), "one, edited"));
        await(e.edit(one.id(), "one, edited twice"));
        await(e.delete(two.id()));

        proxy.accept(true); // fay reconnects and resumes from her last change
        fay.await("edited " + one.id() + " one, edited twice");
        fay.await("deleted " + two.id());
        Message four = await(e.send("resumed", "four"));
        fay.await("message " + four.id() + " four");

        assertThat(fay.matching("message ")).containsExactly("message " + one.id() + " one",
                "message " + two.id() + " two", "message " + three.id() + " three (replayed)",
                "message " + four.id() + " four");
        assertThat(fay.matching("edited ")).containsExactly("edited " + one.id() + " one, edited twice");
        assertThat(fay.matching("deleted ")).containsExactly("deleted " + two.id());
        assertThat(f.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void aLiveMessageLostInTransitIsReadFromTheChangesFeedInOrderAndOnce() throws Exception {
        ParleyServer s = startServer(dir.resolve("parley.db"), 0);
        GateProxy proxy = proxyTo(s);
        Recorder kim = new Recorder();
        Recorder lee = new Recorder();
        ParleyClient k = signedIn(s.uri(), "kim", "general", kim);
        ParleyClient l = signedIn(proxy.uri(), "lee", "general", lee);

        proxy.dropOnce("\"type\":\"message\"", "\"body\":\"two\"");
        Message one = await(k.send("general", "one"));
        Message two = await(k.send("general", "two"));
        Message three = await(k.send("general", "three"));
        Message four = await(k.send("general", "four"));
        lee.await("message " + four.id() + " four");
        kim.await("message " + four.id() + " four");

        assertThat(proxy.dropped()).as("the frame of two was lost").isEqualTo(1);
        // two comes from the REST changes feed when three shows the gap, so it counts as replayed.
        assertThat(lee.matching("message ")).containsExactly("message " + one.id() + " one",
                "message " + two.id() + " two (replayed)", "message " + three.id() + " three",
                "message " + four.id() + " four");
        assertThat(lee.matching("resync ")).isEmpty();
        long newest = await(k.lastChange("general")); // kim's stream lost nothing: the room's newest change
        assertThat(newest).isPositive();
        assertThat(await(l.lastChange("general"))).isEqualTo(newest);
    }

    @Test
    void resyncRequiredWhenTheServerWasRestoredToAnEarlierStateRejoinsAndKeepsReceiving() throws Exception {
        Path db = dir.resolve("parley.db");
        ParleyServer s = startServer(db, 0);
        int port = s.port();
        URI base = s.uri();
        Recorder gus = new Recorder();
        ParleyClient g = client(base, gus);
        g.register("gus", PASSWORD);
        g.login("gus", PASSWORD);
        s.close(); // a backup of the database with gus's session in it
        Path backup = Files.createDirectories(dir.resolve("backup"));
        copyDatabase(dir, backup);

        startServer(db, port);
        await(g.connect());
        await(g.join("general", gus));
        for (int i = 0; i < 3; i++) {
            await(g.send("general", "lost " + i));
        }
        gus.await("message " + await(g.send("general", "lost 3")).id());

        server.close(); // the operator restores the backup: the room's end is before gus's position
        copyDatabase(backup, dir);
        startServer(db, port);

        gus.await("resync general");
        Message after = await(g.send("general", "after the restore"));
        gus.await("message " + after.id() + " after the restore");
        assertThat(g.history("general", HistoryQuery.latest(10)).messages()).extracting(Message::body)
                .containsExactly("after the restore");
    }

    private static void copyDatabase(Path from, Path to) throws IOException {
        for (String name : List.of("parley.db", "parley.db-wal", "parley.db-shm")) {
            Path source = from.resolve(name);
            if (Files.exists(source)) {
                Files.copy(source, to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(to.resolve(name));
            }
        }
    }

    @Test
    void searchFindsOwnRoomsNewestFirstWithHighlightsAndPages() throws Exception {
        URI base = startServer(dir.resolve("parley.db"), 0).uri();
        ParleyClient a = signedIn(base, "ivy", "general", new Recorder());
        a.createRoom("ivy-secret", true);
        await(a.join("ivy-secret", new Recorder()));
        Message older = await(a.send("ivy-secret", "walnut cake"));
        Message newer = await(a.send("ivy-secret", "🌰 Walnuts again"));
        ParleyClient b = signedIn(base, "jay", "general", new Recorder());

        SearchPage page = a.search("WALN", null, null, 20);
        assertThat(page.results()).extracting(r -> r.message().id()).containsExactly(newer.id(), older.id());
        assertThat(page.results().get(0).highlights()).containsExactly(new SearchPage.Highlight(3, 10));
        assertThat(page.nextBefore()).isNull();
        SearchPage first = a.search("walnut", "ivy-secret", null, 1);
        assertThat(first.results()).extracting(r -> r.message().id()).containsExactly(newer.id());
        assertThat(a.search("walnut", "ivy-secret", first.nextBefore(), 1).results())
                .extracting(r -> r.message().id()).containsExactly(older.id());

        assertThat(b.search("walnut", null, null, 20).results()).isEmpty();
        assertThatThrownBy(() -> b.search("walnut", "ivy-secret", null, 20))
                .isInstanceOfSatisfying(ParleyClientException.class, e -> {
                    assertThat(e.code()).isEqualTo("room_not_found");
                    assertThat(e.status()).isEqualTo(404);
                });
    }

    @Test
    void sendRejectedWithTheServersCode() throws Exception {
        URI base = startServer(dir.resolve("parley.db"), 0).uri();
        Recorder hal = new Recorder();
        ParleyClient h = signedIn(base, "hal", "general", hal);

        CompletableFuture<Message> tooLong = h.send("general", "x".repeat(4001));
        assertThatThrownBy(() -> await(tooLong)).hasCauseInstanceOf(ParleyClientException.class)
                .cause().satisfies(e -> assertThat(((ParleyClientException) e).code()).isEqualTo("message_too_long"));
        CompletableFuture<Message> notThere = h.send("nowhere", "hello");
        assertThatThrownBy(() -> await(notThere)).cause()
                .satisfies(e -> assertThat(((ParleyClientException) e).code()).isIn("room_not_found", "not_a_member"));
        assertThatThrownBy(() -> h.login("hal", "wrong password!"))
                .isInstanceOfSatisfying(ParleyClientException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_credentials");
                    assertThat(e.status()).isEqualTo(401);
                });
        assertThat(await(h.send("general", "still fine")).body()).isEqualTo("still fine"); // the outbox moved on
    }

    @Test
    void logoutElsewhereEndsTheSessionWithoutReconnecting() throws Exception {
        URI base = startServer(dir.resolve("parley.db"), 0).uri();
        Recorder ivy = new Recorder();
        ParleyClient i = signedIn(base, "ivy", "general", ivy);
        String token = i.session().token();

        try (ParleyClient elsewhere = ParleyClient.builder(base).token(token).build()) {
            elsewhere.logout();
        }
        ivy.await("session ended logged_out");
        assertThat(i.state()).isEqualTo(ConnectionState.SESSION_ENDED);
        int eventsAtEnd = ivy.events().size();
        // With a 20-200 ms backoff a reconnect loop would show within half a second.
        Thread.sleep(500);
        assertThat(ivy.events().subList(eventsAtEnd, ivy.events().size()))
                .noneMatch(e -> e.equals("state CONNECTING"));
        assertThatThrownBy(i::rooms).isInstanceOfSatisfying(ParleyClientException.class,
                e -> assertThat(e.code()).isEqualTo("invalid_token"));
    }

    @Test
    void closeReleasesThreads() throws Exception {
        URI base = startServer(dir.resolve("parley.db"), 0).uri();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Recorder jon = new Recorder();
        ParleyClient j = signedIn(base, "jon", "general", jon);
        await(j.send("general", "bye soon"));
        CompletableFuture<Message> pending = j.send("nowhere-yet", "x");

        long start = System.nanoTime();
        j.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("close() returns promptly")
                .isLessThan(Duration.ofSeconds(3));
        jon.await("state CLOSED");
        assertThat(pending).isCompletedExceptionally();
        Set<String> clientThreads = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(Thread::getName).filter(n -> n.startsWith("parley-client")).collect(Collectors.toSet());
        assertThat(clientThreads).isEmpty();
        List<String> newNonDaemon = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon() && !before.contains(t)).map(Thread::getName).toList();
        assertThat(newNonDaemon).isEmpty();
        assertThatThrownBy(() -> await(j.connect())).cause().isInstanceOfSatisfying(ParleyClientException.class,
                e -> assertThat(e.code()).isEqualTo(ParleyClientException.CLIENT_CLOSED));
        j.close(); // idempotent
    }

    @Test
    void generatedClientMessageIdsAreUniqueAndValid() {
        try (ParleyClient c = ParleyClient.builder(URI.create("http://127.0.0.1:1")).build()) {
            assertThatThrownBy(() -> c.send("general", "x", "has space"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> c.rooms()).isInstanceOfSatisfying(ParleyClientException.class,
                    e -> assertThat(e.code()).isEqualTo(ParleyClientException.NOT_LOGGED_IN));
            CompletableFuture<User> connect = c.connect();
            assertThatThrownBy(connect::join).isInstanceOf(CompletionException.class)
                    .cause().isInstanceOfSatisfying(ParleyClientException.class,
                            e -> assertThat(e.code()).isEqualTo(ParleyClientException.NOT_LOGGED_IN));
        }
    }
}
