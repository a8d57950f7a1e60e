package dev.parley.chat.bus.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.core.spi.PresenceRegistry.Entry;
import dev.parley.chat.testkit.TcpProxy;
import io.lettuce.core.RedisException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisPresenceRegistryTest {
    private static final Duration LONG = Duration.ofMinutes(1);

    @RegisterExtension
    final RedisTestSupport redis = new RedisTestSupport();

    private RedisPresenceRegistry registry;

    @BeforeEach
    void open() {
        registry = RedisPresenceRegistry.builder(RedisTestSupport.URI_STRING).prefix(redis.prefix()).build();
    }

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void enterLeaveAndOnlineAcrossNodes() {
        registry.heartbeat("n1", LONG);
        registry.heartbeat("n2", LONG);
        registry.enter("n1", 7, 1, "ann");
        registry.enter("n1", 7, 2, "bob");
        registry.enter("n2", 7, 1, "ann");
        registry.enter("n2", 8, 3, "cid");

        assertThat(registry.online(7)).containsExactlyInAnyOrder(
                new Entry("n1", 1, "ann"), new Entry("n1", 2, "bob"), new Entry("n2", 1, "ann"));
        assertThat(registry.online(8)).containsExactly(new Entry("n2", 3, "cid"));
        assertThat(registry.online(9)).isEmpty();

        registry.leave("n1", 7, 1);
        registry.leave("n1", 7, 1); // idempotent
        assertThat(registry.online(7)).containsExactlyInAnyOrder(new Entry("n1", 2, "bob"), new Entry("n2", 1, "ann"));
    }

    @Test
    void enterIsIdempotentAndKeepsTheLatestUsername() {
        registry.heartbeat("n1", LONG);
        registry.enter("n1", 7, 1, "ann");
        registry.enter("n1", 7, 1, "ann");
        registry.enter("n1", 7, 1, "anna");
        assertThat(registry.online(7)).containsExactly(new Entry("n1", 1, "anna"));
    }

    @Test
    void aNodeWhoseHeartbeatLapsedDisappearsFromOnlineAndItsRowsAreRemoved() throws Exception {
        registry.heartbeat("alive", LONG);
        registry.heartbeat("crashed", Duration.ofMillis(300));
        registry.enter("alive", 7, 1, "ann");
        registry.enter("crashed", 7, 2, "bob");
        registry.enter("crashed", 8, 2, "bob");
        assertThat(registry.online(7)).hasSize(2);

        Thread.sleep(600);
        assertThat(registry.online(7)).containsExactly(new Entry("alive", 1, "ann"));
        // online(7) removed the crashed node's row there (room 8 keeps its row until read): a heartbeat under the
        // same id does not bring it back.
        assertThat(RedisTestSupport.command("HLEN", redis.prefix() + ":presence:7")).isEqualTo(1L);
        assertThat(RedisTestSupport.command("SMEMBERS", redis.prefix() + ":entries:crashed")).isEqualTo(List.of("8:2"));
        registry.heartbeat("crashed", LONG);
        assertThat(registry.online(7)).containsExactly(new Entry("alive", 1, "ann"));
    }

    @Test
    void rowsOfANodeWithoutHeartbeatAreNotOnline() {
        registry.enter("silent", 7, 1, "ann");
        assertThat(registry.online(7)).isEmpty();
    }

    @Test
    void forgetRemovesAllOfANodesRowsAndIsIdempotent() {
        registry.heartbeat("n1", LONG);
        registry.heartbeat("n2", LONG);
        registry.enter("n1", 7, 1, "ann");
        registry.enter("n1", 8, 1, "ann");
        registry.enter("n1", -9, 2, "bob");
        registry.enter("n2", 7, 3, "cid");

        registry.forget("n1");
        registry.forget("n1");

        assertThat(registry.online(7)).containsExactly(new Entry("n2", 3, "cid"));
        assertThat(registry.online(8)).isEmpty();
        assertThat(registry.online(-9)).isEmpty();
        registry.forget("n2");
        assertThat(RedisTestSupport.command("KEYS", redis.prefix() + ":*")).isEqualTo(List.of());
    }

    @Test
    void leavingEverywhereLeavesOnlyTheNodeKey() {
        registry.heartbeat("n1", LONG);
        registry.enter("n1", 7, 1, "ann");
        registry.leave("n1", 7, 1);
        assertThat(RedisTestSupport.command("KEYS", redis.prefix() + ":*")).isEqualTo(List.of(redis.prefix() + ":node:n1"));
    }

    @Test
    void nodeIdsWithColonsAndUsernamesWithAnythingRoundTrip() {
        registry.heartbeat("host:8080", LONG);
        registry.enter("host:8080", 7, 42, "名前: with spaces\nand a line");
        assertThat(registry.online(7)).containsExactly(new Entry("host:8080", 42, "名前: with spaces\nand a line"));
        registry.forget("host:8080");
        assertThat(registry.online(7)).isEmpty();
    }

    @Test
    void failuresSurfaceAsUncheckedExceptionsAndTheNextCallRecovers() {
        try (TcpProxy proxy = RedisTestSupport.proxy();
                RedisPresenceRegistry viaProxy = RedisPresenceRegistry.builder(RedisTestSupport.throughProxy(proxy))
                        .prefix(redis.prefix()).timeout(Duration.ofMillis(500)).build()) {
            proxy.cut();
            assertThatThrownBy(() -> viaProxy.heartbeat("n1", LONG)).isInstanceOf(RedisException.class);
            proxy.restore();
            viaProxy.heartbeat("n1", LONG);
            viaProxy.enter("n1", 7, 1, "ann");
            assertThat(viaProxy.online(7)).containsExactly(new Entry("n1", 1, "ann"));
        }
    }

    @Test
    void scriptsAreLoadedAgainAfterScriptFlush() {
        registry.heartbeat("n1", LONG);
        registry.enter("n1", 7, 1, "ann");
        RedisTestSupport.command("SCRIPT", "FLUSH");
        registry.enter("n1", 7, 2, "bob");
        assertThat(registry.online(7)).hasSize(2);
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> registry.heartbeat("n1", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ttl: ");
        assertThatThrownBy(() -> registry.heartbeat("", LONG))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("node: ");
        assertThatThrownBy(() -> registry.enter(null, 1, 1, "a"))
                .isInstanceOf(NullPointerException.class).hasMessage("node == null");
        assertThatThrownBy(() -> registry.enter("n1", 1, 1, null))
                .isInstanceOf(NullPointerException.class).hasMessage("username == null");
        assertThatThrownBy(() -> RedisPresenceRegistry.builder("redis://127.0.0.1:6379").prefix("a b").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("prefix: ");
        assertThatThrownBy(() -> RedisPresenceRegistry.builder("tcp://127.0.0.1:6379").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("uri: ");
        assertThatThrownBy(() -> RedisPresenceRegistry.builder("redis://127.0.0.1:6379")
                .timeout(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("timeout: ");
    }

    @Test
    void closeIsIdempotentAndLeavesNoThreadsBehind() throws Exception {
        registry.heartbeat("n1", LONG);
        assertThat(RedisTestSupport.threadsNow(registry.threadPrefix())).isNotEmpty();
        registry.close();
        registry.close();
        assertThat(RedisTestSupport.threadsLeft(registry.threadPrefix())).isEmpty();
        assertThatThrownBy(() -> registry.online(7))
                .isInstanceOf(IllegalStateException.class).hasMessage("presence registry is closed");
    }
}
