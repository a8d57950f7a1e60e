package dev.parley.chat.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.memory.InMemoryChatStorage;
import dev.parley.chat.testkit.FastTestPasswordHasher;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BuilderTest {

    @Test
    void optionsAreValidatedAndNamedInTheError() {
        try (ChatService service = ChatService.builder().storage(InMemoryChatStorage.create())
                .passwordHasher(new FastTestPasswordHasher()).build()) {
            ChatWebSocket.Builder b = ChatWebSocket.builder(service);
            assertThatThrownBy(() -> b.path("ws")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("path");
            assertThatThrownBy(() -> b.maxFrameBytes(10)).hasMessageContaining("maxFrameBytes");
            assertThatThrownBy(() -> b.outboundQueueLimit(0)).hasMessageContaining("outboundQueueLimit");
            assertThatThrownBy(() -> b.rateLimit(0, 1)).hasMessageContaining("rateLimit");
            assertThatThrownBy(() -> b.maxConnectionsPerAddress(0)).hasMessageContaining("maxConnectionsPerAddress");
            assertThatThrownBy(() -> b.authTimeout(Duration.ZERO)).hasMessageContaining("authTimeout");
            assertThatThrownBy(() -> b.pingInterval(Duration.ofHours(1))).hasMessageContaining("pingInterval");
            assertThatThrownBy(() -> b.allowedOrigins(Set.of("https://chat.example/app")))
                    .hasMessageContaining("allowedOrigins");
            try (ChatWebSocket ws = b.path("/chat").build()) {
                assertThat(ws.endpointConfig().getPath()).isEqualTo("/chat");
                assertThat(ws.connectionCount()).isZero();
                ChatWebSocketMetrics m = ws.metrics();
                assertThat(m.connections()).isZero();
                assertThat(m.framesIn()).isZero();
                assertThat(m.errorsByCode()).isEmpty();
            }
        }
    }
}
