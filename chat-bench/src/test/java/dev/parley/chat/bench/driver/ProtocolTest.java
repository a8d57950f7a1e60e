package dev.parley.chat.bench.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolTest {
    private static final String P = Payload.of(5, 77);

    private static int delivery(Protocol p, Conn c, String frame) throws Exception {
        byte[] b = ("__" + frame).getBytes(StandardCharsets.UTF_8);
        int at = p.delivery(c, b, 2, b.length - 2);
        return at < 0 ? at : at - 2;
    }

    @Test
    void parleyCountsMessageEventsButNotTheSendersAck() throws Exception {
        ParleyProtocol p = new ParleyProtocol(List.of("t"), "bench");
        try (Driver d = new Driver(new InetSocketAddress("127.0.0.1", 9), p, 1)) {
            Conn c = new Conn(d, 0, 0, null, new byte[4]);
            String message = "{\"type\":\"message\",\"message\":{\"id\":1,\"room\":\"bench\",\"seq\":1,\"sender\":\"b\","
                    + "\"body\":\"" + P + "\",\"createdAt\":\"2030-01-01T00:00:00Z\"}}";
            assertThat(delivery(p, c, message)).isEqualTo(message.indexOf("PBM"));
            String reordered = "{\"message\":{\"body\":\"" + P + "\"},\"type\":\"message\"}";
            assertThat(delivery(p, c, reordered)).isEqualTo(reordered.indexOf("PBM"));
            assertThat(delivery(p, c, "{\"type\":\"ack\",\"message\":{\"body\":\"" + P + "\"}}")).isEqualTo(-1);
            assertThat(delivery(p, c, "{\"type\":\"presence\",\"room\":\"bench\",\"state\":\"online\"}")).isEqualTo(-1);
            assertThat(delivery(p, c, "{\"type\":\"error\",\"code\":\"rate_limited\",\"message\":\"slow down\"}"))
                    .isEqualTo(-1);
            assertThat(d.drainEvents()).containsEntry("error rate_limited", 1);
        }
    }

    @Test
    void parleySendFrameIsJsonAroundThePayload() {
        ParleyProtocol p = new ParleyProtocol(List.of("t"), "bench");
        String frame = new String(p.sendPrefix(), StandardCharsets.UTF_8) + P
                + new String(p.sendSuffix(), StandardCharsets.UTF_8);
        assertThat(frame).isEqualTo("{\"type\":\"send\",\"room\":\"bench\",\"body\":\"" + P + "\"}");
    }

    @Test
    void socketIoCountsMessageEventsOnly() throws Exception {
        SocketIoProtocol p = new SocketIoProtocol("bench");
        try (Driver d = new Driver(new InetSocketAddress("127.0.0.1", 9), p, 1)) {
            Conn c = new Conn(d, 0, 0, null, new byte[4]);
            assertThat(delivery(p, c, "42[\"message\",\"" + P + "\"]")).isEqualTo(14);
            assertThat(delivery(p, c, "42[\"joined\",\"bench\"]")).isEqualTo(-1);
            assertThat(delivery(p, c, "40{\"sid\":\"x\"}")).isEqualTo(-1);
            assertThat(new String(p.sendPrefix(), StandardCharsets.UTF_8) + P
                    + new String(p.sendSuffix(), StandardCharsets.UTF_8)).isEqualTo("42[\"message\",\"" + P + "\"]");
        }
    }

    @Test
    void wsCountsEveryTextMessageCarryingAPayload() throws Exception {
        WsProtocol p = new WsProtocol("bench");
        try (Driver d = new Driver(new InetSocketAddress("127.0.0.1", 9), p, 1)) {
            Conn c = new Conn(d, 0, 0, null, new byte[4]);
            assertThat(delivery(p, c, P)).isZero();
            assertThat(delivery(p, c, "hello")).isEqualTo(-1);
            assertThat(p.target()).isEqualTo("/?room=bench");
        }
    }
}
