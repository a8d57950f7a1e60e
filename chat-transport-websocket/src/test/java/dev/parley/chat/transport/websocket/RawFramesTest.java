package dev.parley.chat.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.transport.websocket.LoopbackServer;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.reflect.Proxy;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.ssl.SSLFilter;
import org.glassfish.grizzly.utils.DelayedExecutor;
import org.glassfish.grizzly.utils.IdleTimeoutFilter;
import org.junit.jupiter.api.Test;

/** Pre-built frames written straight to a real Tyrus connection arrive as ordinary text messages. */
class RawFramesTest {
    private static final BlockingQueue<Session> OPENED = new LinkedBlockingQueue<>();

    /** Captures the server side of each socket. */
    public static final class Capture extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            OPENED.add(session);
        }
    }

    @Test
    void aTyrusSessionTakesRawFramesAndSeveralFramesInOneWriteArriveAsSeparateMessages() throws Exception {
        OPENED.clear();
        ServerEndpointConfig config = ServerEndpointConfig.Builder.create(Capture.class, "/raw").build();
        try (LoopbackServer server = LoopbackServer.start(config)) {
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            WebSocket client = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(server.uri("/raw"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                            received.add(data.toString());
                            ws.request(1);
                            return null;
                        }
                    }).get(5, TimeUnit.SECONDS);
            Session session = OPENED.poll(5, TimeUnit.SECONDS);
            assertThat(session).isNotNull();

            RawFrames.Writer writer = new RawFrames().writer(session);
            assertThat(writer).as("Tyrus on Grizzly: frames go straight into the connection's write queue")
                    .isInstanceOf(GrizzlyFrames.class);

            write(writer, ByteBuffer.wrap(new OutFrame("{\"one\":1}").wire()));
            byte[] two = new OutFrame("two").wire();
            byte[] big = new OutFrame("é".repeat(40_000)).wire(); // 80 kB: a 64-bit length header
            ByteBuffer both = ByteBuffer.allocate(two.length + big.length).put(two).put(big).flip();
            write(writer, both);

            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("{\"one\":1}");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("two");
            StringBuilder whole = new StringBuilder(); // the JDK client may deliver a large message in parts
            while (whole.length() < 40_000) {
                String part = received.poll(5, TimeUnit.SECONDS);
                assertThat(part).isNotNull();
                whole.append(part);
            }
            assertThat(whole.toString()).isEqualTo("é".repeat(40_000));
            client.abort();
        }
    }

    private static void write(RawFrames.Writer writer, ByteBuffer frames) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        writer.write(frames, failure -> {
            if (failure == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(failure);
            }
        });
        done.get(5, TimeUnit.SECONDS);
    }

    @Test
    void framesAreWrittenDirectlyOnlyThroughFiltersKnownToPassThemUnchanged() {
        assertThat(GrizzlyFrames.passesThrough(new TransportFilter())).isTrue();
        assertThat(GrizzlyFrames.passesThrough(new IdleTimeoutFilter(new DelayedExecutor(
                java.util.concurrent.Executors.newSingleThreadExecutor()), 1, TimeUnit.SECONDS))).isTrue();
        assertThat(GrizzlyFrames.passesThrough(new SSLFilter())).as("TLS encrypts what is written").isFalse();
        assertThat(GrizzlyFrames.passesThrough(new BaseFilter())).as("an unknown filter").isFalse();
    }

    @Test
    void aSessionFromAnotherContainerFallsBackToSendText() {
        Session foreign = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getNegotiatedExtensions" -> List.of();
                    case "getAsyncRemote" -> Proxy.newProxyInstance(getClass().getClassLoader(),
                            new Class<?>[] {jakarta.websocket.RemoteEndpoint.Async.class}, (p, m, a) -> null);
                    default -> null;
                });
        RawFrames raw = new RawFrames();
        assertThat(raw.writer(foreign)).isNull();
        assertThat(raw.writer(foreign)).isNull();
    }
}
