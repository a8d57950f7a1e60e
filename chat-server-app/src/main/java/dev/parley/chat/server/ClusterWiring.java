package dev.parley.chat.server;

import dev.parley.chat.bus.postgres.PostgresBus;
import dev.parley.chat.bus.redis.RedisBus;
import dev.parley.chat.bus.redis.RedisPresenceRegistry;
import dev.parley.chat.core.cluster.ClusterFanout;
import dev.parley.chat.core.memory.InProcessFanout;
import dev.parley.chat.core.spi.Bus;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.PresenceRegistry;
import dev.parley.chat.store.jooq.JooqChatStorage;
import java.time.Duration;

/**
 * What {@code PARLEY_BUS} selects: the fan-out between nodes and, for a cluster, the shared presence registry. A
 * cluster also turns on the service's periodic position check, which repairs what a bus lost and what a node that
 * crashed between commit and publish never sent.
 *
 * @param fanout the fan-out to give the service
 * @param cluster the cluster fan-out, or {@code null} for a single node
 * @param presence the shared presence registry, or {@code null} for the service's in-memory default
 */
record ClusterWiring(Fanout fanout, ClusterFanout cluster, PresenceRegistry presence) implements AutoCloseable {
    /** How often each room re-checks its position in a cluster: bounds the repair of a lost hint. */
    static final Duration RECHECK_INTERVAL = Duration.ofSeconds(5);

    static ClusterWiring open(ServerConfig config, JooqChatStorage storage) {
        ServerConfig.BusChoice choice = config.bus();
        return switch (choice.kind()) {
            case INPROCESS -> new ClusterWiring(new InProcessFanout(), null, null);
            case POSTGRES -> cluster(PostgresBus.builder(choice.url() != null ? choice.url() : config.dbUrl())
                    .channel(choice.channel())
                    .connectTimeout(config.dbConnectTimeout()).build(), storage.presenceRegistry());
            case REDIS -> {
                RedisPresenceRegistry registry = RedisPresenceRegistry.builder(choice.url())
                        .prefix(choice.channel()).build();
                try {
                    yield cluster(RedisBus.builder(choice.url()).prefix(choice.channel()).build(), registry);
                } catch (RuntimeException e) {
                    registry.close();
                    throw e;
                }
            }
        };
    }

    private static ClusterWiring cluster(Bus bus, PresenceRegistry registry) {
        ClusterFanout fanout;
        try {
            fanout = ClusterFanout.builder(bus).build();
        } catch (RuntimeException e) {
            bus.close();
            throw e;
        }
        return new ClusterWiring(fanout, fanout, registry);
    }

    /** The service's periodic position check: on in a cluster, off on one node (nothing is lost in process). */
    Duration recheckInterval() {
        return cluster == null ? Duration.ZERO : RECHECK_INTERVAL;
    }

    /** {@code null} when the bus is fine (or there is none), else why the node is not ready. */
    String busProblem() {
        if (cluster == null) {
            return null;
        }
        ClusterFanout.State state = cluster.state();
        return state == ClusterFanout.State.CONNECTED ? null
                : "the cluster bus is " + state.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Closes the fan-out (and its bus), then the registry. */
    @Override
    public void close() {
        try {
            fanout.close();
        } finally {
            if (presence != null) {
                presence.close();
            }
        }
    }
}
