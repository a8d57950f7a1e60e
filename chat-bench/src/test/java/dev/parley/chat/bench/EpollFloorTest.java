package dev.parley.chat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.bench.driver.Driver;
import dev.parley.chat.bench.driver.LoadStats;
import dev.parley.chat.bench.driver.WsProtocol;
import dev.parley.chat.bench.run.ServerProcess;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The C floor of {@code bench/peers/epoll-floor.c}, compiled with the system's gcc, behaves like the ws peer. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EpollFloorTest {
    private static final long MS = 1_000_000L;

    private ServerProcess floor;

    @BeforeAll
    void buildAndStart(@TempDir Path dir) throws Exception {
        boolean gcc = List.of(System.getenv("PATH").split(":")).stream()
                .anyMatch(d -> Files.isExecutable(Path.of(d, "gcc")));
        if (!"true".equalsIgnoreCase(System.getenv("CI"))) {
            Assumptions.assumeTrue(gcc, "gcc is not installed: the C floor cannot be built");
        }
        Path repo = Path.of("").toAbsolutePath().getParent();
        floor = Bench.startFloor(repo, dir, cmd -> cmd);
    }

    @AfterAll
    void stop() {
        if (floor != null) {
            floor.close();
        }
    }

    @Test
    void broadcastsEveryMessageToEveryConnectionOfTheRoom() throws Exception {
        try (Driver d = new Driver(new InetSocketAddress("127.0.0.1", floor.port()), new WsProtocol("floor"), 8)) {
            d.connect(20, 5000 * MS);
            LoadStats st = d.closedLoop(4, 300 * MS, 300 * MS, () -> -1);
            assertThat(st.problem()).isNull();
            assertThat(st.subscribers()).isEqualTo(20);
            assertThat(st.messages()).isPositive();
            assertThat(st.deliveries()).isBetween((st.messages() - 4) * 20, (st.messages() + 4) * 20);
        }
    }

    @Test
    void reassemblesAFragmentedMessageAndKeepsRoomsApart() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        LinkedBlockingQueue<String> inA = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> inB = new LinkedBlockingQueue<>();
        URI base = URI.create("ws://127.0.0.1:" + floor.port());
        WebSocket a = http.newWebSocketBuilder().buildAsync(base.resolve("/?room=x"), collect(inA)).join();
        WebSocket b = http.newWebSocketBuilder().buildAsync(base.resolve("/?room=y"), collect(inB)).join();
        a.sendText("hel", false).join();
        a.sendText("lo", true).join();
        b.sendText("other room", true).join();
        assertThat(inA.poll(5, TimeUnit.SECONDS)).isEqualTo("hello");
        assertThat(inB.poll(5, TimeUnit.SECONDS)).isEqualTo("other room");
        assertThat(inA.poll(200, TimeUnit.MILLISECONDS)).as("nothing from room y").isNull();
        String memory = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + floor.port() + "/__memory"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(memory).matches("\\{\"rss\":\\d+,\"heapUsed\":\\d+,\"connections\":\\d+}");
        a.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        b.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    private static WebSocket.Listener collect(LinkedBlockingQueue<String> into) {
        return new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    into.add(text.toString());
                    text.setLength(0);
                }
                ws.request(1);
                return null;
            }
        };
    }
}
