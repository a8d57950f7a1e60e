package dev.parley.chat.transport.websocket;

import static dev.parley.chat.transport.websocket.WsClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.Message;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.User;
import dev.parley.chat.testkit.RawWebSocket;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One client that stops reading must not slow down the publisher or anyone else. */
class SlowConsumerTest {

    @Test
    void aClientThatStopsReadingIsClosedAsSlowConsumerWhileOthersKeepReceivingPromptly() throws Exception {
        try (Fixture f = new Fixture(b -> b.outboundQueueLimit(16))) {
            User sender = f.service.register("sender", Fixture.PASSWORD);
            f.service.createRoom(sender, "busy", RoomType.PUBLIC);
            String slowToken = f.token("slowpoke");
            f.service.join(f.service.findUser("slowpoke").orElseThrow(), "busy");
            try (WsClient fast = f.joined(f.token("speedy"), "busy");
                    RawWebSocket slow = RawWebSocket.connect(f.server.port(), "/ws", 4096)) {
                slow.sendText(obj("type", "auth", "token", slowToken));
                slow.sendText(obj("type", "join", "room", "busy"));
                assertThat(slow.readFrame().text()).contains("\"ready\"");
                assertThat(slow.readFrame().text()).contains("\"subscribed\"");
                // From here on the slow client reads nothing: its socket buffers fill, then its queue.

                String body = "z".repeat(3000);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                long worstSendMillis = 0;
                long worstDeliveryMillis = 0;
                int sent = 0;
                while (f.ws.metrics().slowConsumerCloses() == 0 && System.nanoTime() < deadline && sent < 5000) {
                    long t0 = System.nanoTime();
                    Message m = f.service.send(sender, "busy", body, null); // the publisher's thread
                    worstSendMillis = Math.max(worstSendMillis, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                    fast.await(fr -> "message".equals(fr.getString("type"))
                            && fr.getJsonObject("message").getJsonNumber("seq").longValue() == m.seq());
                    worstDeliveryMillis = Math.max(worstDeliveryMillis,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                    sent++;
                }
                assertThat(f.ws.metrics().slowConsumerCloses()).as("closed after %d messages", sent).isEqualTo(1);
                assertThat(f.ws.metrics().errorsByCode()).containsEntry("slow_consumer", 1L);
                assertThat(worstSendMillis).as("a send never waits for a slow socket").isLessThan(1000);
                assertThat(worstDeliveryMillis).as("others are served promptly").isLessThan(2000);

                // The fast client is unaffected afterwards too.
                Message after = f.service.send(sender, "busy", "still flowing", null);
                JsonObject got = fast.await(fr -> "message".equals(fr.getString("type"))
                        && fr.getJsonObject("message").getJsonNumber("seq").longValue() == after.seq());
                assertThat(got.getJsonObject("message").getString("body")).isEqualTo("still flowing");

                // When the slow client finally reads, what was in flight arrives, then the close frame.
                RawWebSocket.Frame close = slow.readUntilClose(100_000);
                assertThat(close.closeCode()).isEqualTo(1008);
                assertThat(close.closeReason()).isEqualTo("slow_consumer");
            }
        }
    }

    @Test
    void aWriteThatStaysStalledLongerThanTheSendTimeoutClosesTheSocketBeforeItsQueueFills() throws Exception {
        // The queue limit is far above what is sent, so only the stall check can close the socket; pings every
        // second leave the ping timeout (3 s) well behind the send timeout.
        try (Fixture f = new Fixture(b -> b.outboundQueueLimit(1_000_000).sendTimeout(Duration.ofMillis(200))
                .pingInterval(Duration.ofSeconds(1)))) {
            User sender = f.service.register("sender", Fixture.PASSWORD);
            f.service.createRoom(sender, "busy", RoomType.PUBLIC);
            String stalledToken = f.token("stalled");
            f.service.join(f.service.findUser("stalled").orElseThrow(), "busy");
            try (RawWebSocket stalled = RawWebSocket.connect(f.server.port(), "/ws", 4096)) {
                stalled.sendText(obj("type", "auth", "token", stalledToken));
                stalled.sendText(obj("type", "join", "room", "busy"));
                assertThat(stalled.readFrame().text()).contains("\"ready\"");
                assertThat(stalled.readFrame().text()).contains("\"subscribed\"");

                String body = "s".repeat(3900);
                for (int i = 0; i < 3000; i++) { // about 12 MB: more than the socket buffers hold
                    f.service.send(sender, "busy", body, null);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (f.ws.metrics().slowConsumerCloses() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(f.ws.metrics().slowConsumerCloses()).isEqualTo(1);
                RawWebSocket.Frame close = stalled.readUntilClose(100_000);
                assertThat(close.closeCode()).isEqualTo(1008);
                assertThat(close.closeReason()).isEqualTo("slow_consumer");
            }
        }
    }
}
