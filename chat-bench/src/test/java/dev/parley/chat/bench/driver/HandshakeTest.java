package dev.parley.chat.bench.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class HandshakeTest {
    // RFC 6455 section 1.3's example nonce
    private static final byte[] NONCE = Base64.getDecoder().decode("dGhlIHNhbXBsZSBub25jZQ==");

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void computesTheRfc6455SampleAccept() {
        assertThat(Handshake.accept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(new Handshake("h:1", "/", NONCE).expectedAccept()).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void sendsAnUpgradeRequestWithoutOrigin() {
        String req = new String(new Handshake("127.0.0.1:8080", "/socket.io/?EIO=4&transport=websocket", NONCE)
                .request(), StandardCharsets.US_ASCII);
        assertThat(req).startsWith("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n")
                .contains("\r\nHost: 127.0.0.1:8080\r\n", "\r\nUpgrade: websocket\r\n", "\r\nConnection: Upgrade\r\n",
                        "\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "\r\nSec-WebSocket-Version: 13\r\n")
                .doesNotContain("Origin").endsWith("\r\n\r\n");
    }

    @Test
    void acceptsA101WithTheRightAcceptInAnyHeaderCase() {
        byte[] head = ascii("HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nCONNECTION: keep-alive, Upgrade"
                + "\r\nsec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
        assertThatCode(() -> new Handshake("h", "/", NONCE).verify(head, 0, head.length)).doesNotThrowAnyException();
    }

    @Test
    void refusesAWrongAcceptOrARefusal() {
        byte[] wrong = ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: AAAA\r\n\r\n");
        assertThatThrownBy(() -> new Handshake("h", "/", NONCE).verify(wrong, 0, wrong.length))
                .isInstanceOf(IOException.class).hasMessageContaining("Sec-WebSocket-Accept");
        byte[] refused = ascii("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
        assertThatThrownBy(() -> new Handshake("h", "/", NONCE).verify(refused, 0, refused.length))
                .isInstanceOf(IOException.class).hasMessage("handshake refused: HTTP/1.1 403 Forbidden");
    }

    @Test
    void findsTheEndOfTheHeadOnlyWhenComplete() {
        byte[] wire = ascii("HTTP/1.1 101 OK\r\nA: b\r\n\r\n\u0081\u0001x");
        int end = wire.length - 3;
        assertThat(Handshake.headEnd(wire, 0, end - 1)).isEqualTo(-1);
        assertThat(Handshake.headEnd(wire, 0, end)).isEqualTo(end);
        assertThat(Handshake.headEnd(wire, 0, wire.length)).isEqualTo(end);
    }
}
