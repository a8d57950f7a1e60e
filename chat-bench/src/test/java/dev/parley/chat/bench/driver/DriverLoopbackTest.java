package dev.parley.chat.bench.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DriverLoopbackTest {
    private static final long MS = 1_000_000L;

    @Test
    void fansOutToEveryConnectionInAClosedLoopAndAnswersPings() throws Exception {
        try (MiniWsServer server = new MiniWsServer();
                Driver d = new Driver(server.address(), new WsProtocol("bench"), 4)) {
            d.connect(20, 5000 * MS);
            assertThat(d.connections()).isEqualTo(20);
            // a warm-up long enough for read coalescing to start (it estimates the server's pace every 0.5 s)
            LoadStats st = d.closedLoop(4, 600 * MS, 400 * MS, () -> -1);
            assertThat(st.problem()).isNull();
            assertThat(st.coalesceNanos()).isPositive();
            assertThat(st.subscribers()).isEqualTo(20);
            assertThat(st.messages()).isPositive();
            // every message reached all 20; the window cuts at most the 4 in flight at either end
            assertThat(st.deliveries()).isBetween((st.messages() - 4) * 20, (st.messages() + 4) * 20);
            assertThat(st.serverCpuPercent()).isNaN();
            d.idle(100 * MS);
            assertThat(server.pongs.get()).as("a pong for every greeting ping").isEqualTo(20);
            assertThat(d.drainEvents()).isEmpty();
        }
    }

    @Test
    void measuresTheLatencyOfEveryDeliveryOfFragmentedMessagesInAnOpenLoop() throws Exception {
        try (MiniWsServer server = new MiniWsServer();
                Driver d = new Driver(server.address(), new WsProtocol("bench"), 8)) {
            server.fragment = true;
            d.connect(10, 5000 * MS);
            LoadStats st = d.openLoop(200, 100 * MS, 300 * MS, () -> 0);
            assertThat(st.problem()).isNull();
            assertThat(st.messages()).isBetween(40L, 80L);
            assertThat(st.latencies()).hasSize((int) st.messages() * 10);
            assertThat(st.latencyMillis(0.5)).isPositive().isLessThan(1000);
            assertThat(st.latencyMillis(0.99)).isGreaterThanOrEqualTo(st.latencyMillis(0.5));
            assertThat(st.serverCpuPercent()).isZero();
        }
    }

    @Test
    void flagsDuplicatedDeliveries() throws Exception {
        try (MiniWsServer server = new MiniWsServer();
                Driver d = new Driver(server.address(), new WsProtocol("bench"), 8)) {
            d.connect(5, 5000 * MS);
            server.duplicate = true;
            LoadStats st = d.closedLoop(2, 50 * MS, 200 * MS, () -> -1);
            assertThat(st.problem()).contains("duplicated or out of order");
        }
    }

    @Test
    void countsAServerCloseAsALostSubscriber() throws Exception {
        try (MiniWsServer server = new MiniWsServer();
                Driver d = new Driver(server.address(), new WsProtocol("bench"), 8)) {
            d.connect(3, 5000 * MS);
            server.closeOne(1008, "slow_consumer");
            for (int i = 0; i < 50 && d.connections() == 3; i++) {
                d.idle(20 * MS);
            }
            assertThat(d.connections()).isEqualTo(2);
            assertThat(d.drainEvents()).containsOnlyKeys("lost: close 1008 slow_consumer");
            assertThat(d.broken()).isNull();
        }
    }

    @Test
    void aStormReconnectsEveryClientAndRetriesRefusedAttemptsAfterABackoff() throws Exception {
        try (MiniWsServer server = new MiniWsServer();
                Driver d = new Driver(server.address(), new WsProtocol("bench"), 4)) {
            d.connect(20, 5000 * MS);
            d.idle(100 * MS); // the server counts the 20 pongs before the cut
            server.refuseNext.set(5);
            long backoff = 50 * MS;
            StormStats st = d.storm(new Driver.StormOptions(5000 * MS, backoff, backoff, 10_000 * MS), () -> -1);
            assertThat(st.clients()).isEqualTo(20);
            assertThat(st.live()).isEqualTo(20);
            assertThat(d.connections()).isEqualTo(20);
            assertThat(st.reconnectNanos()).hasSize(20).isSorted();
            assertThat(st.failed()).as("the 5 refused upgrades").isEqualTo(5);
            assertThat(st.failures()).containsOnlyKeys(st.failures().keySet().iterator().next());
            assertThat(st.failures().keySet().iterator().next()).contains("403");
            assertThat(st.attempts()).isEqualTo(25);
            assertThat(st.retries()).isEqualTo(5);
            assertThat(st.allLiveNanos()).isGreaterThanOrEqualTo(st.reconnectNanos()[19]);
            assertThat(st.reconnectMillis(0.5)).isLessThanOrEqualTo(st.reconnectMillis(0.99));
            // the connections are new ones: 20 clients connected before the cut, 20 again after it (+5 refused)
            d.idle(100 * MS);
            assertThat(server.pongs.get()).as("a pong for every greeting ping, old and new").isEqualTo(40);
            assertThat(d.drainEvents()).isEmpty();
        }
    }

    @Test
    void theBackoffIsFullJitterUnderTheCappedExponential() {
        Driver.StormOptions o = new Driver.StormOptions(0, 250 * MS, 1000 * MS, 0);
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        long max0 = 0;
        long max3 = 0;
        for (int i = 0; i < 2000; i++) {
            max0 = Math.max(max0, Driver.backoffNanos(0, o, random));
            max3 = Math.max(max3, Driver.backoffNanos(3, o, random));
        }
        assertThat(max0).isBetween(200 * MS, 250 * MS);
        assertThat(max3).as("2000 ms capped at 1000 ms").isBetween(900 * MS, 1000 * MS);
    }

    @Test
    void failsTheConnectWithTheServersRefusal() throws Exception {
        WsProtocol ws = new WsProtocol("bench");
        Protocol refused = new Protocol() {
            @Override
            public String name() {
                return "refused";
            }

            @Override
            public String target() {
                return "/refuse";
            }

            @Override
            public void onOpen(Conn c) {
                ws.onOpen(c);
            }

            @Override
            public void onSetupText(Conn c, byte[] b, int off, int len) {
            }

            @Override
            public int delivery(Conn c, byte[] b, int off, int len) {
                return ws.delivery(c, b, off, len);
            }

            @Override
            public byte[] sendPrefix() {
                return ws.sendPrefix();
            }

            @Override
            public byte[] sendSuffix() {
                return ws.sendSuffix();
            }
        };
        try (MiniWsServer server = new MiniWsServer(); Driver d = new Driver(server.address(), refused, 8)) {
            assertThatThrownBy(() -> d.connect(2, 5000 * MS)).isInstanceOf(LoadException.class)
                    .hasMessageContaining("handshake refused: HTTP/1.1 403 Forbidden");
            assertThat(d.broken()).isNotNull();
        }
    }
}
