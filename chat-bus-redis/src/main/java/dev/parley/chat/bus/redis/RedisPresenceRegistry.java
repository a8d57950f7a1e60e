package dev.parley.chat.bus.redis;

import dev.parley.chat.core.spi.PresenceRegistry;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A {@link PresenceRegistry} in Redis, shared by every node that uses the same server and prefix. Keys:
 * <ul>
 *   <li>{@code <prefix>:node:<node>}: present while the node's heartbeat is fresh (a key with a time to live);</li>
 *   <li>{@code <prefix>:presence:<roomId>}: a hash, field {@code <node>:<userId>}, value the username;</li>
 *   <li>{@code <prefix>:entries:<node>}: a set of the node's {@code <roomId>:<userId>}, so that
 *       {@link #forget} finds all of them.</li>
 * </ul>
 * {@link #online} returns the fields whose node key still exists and removes the others (a crashed node's), so a
 * node's rows count only while its heartbeat is fresh: heartbeat before the first {@link #enter}. A node that
 * restarts under the same id after a crash should {@link #forget} itself first, or its rows from before, not yet
 * removed, would count again. Each call is one Lua script or command, atomic in Redis.
 *
 * <p>Thread-safe: calls share one connection, made at first use and re-made by Lettuce after a loss. Calls block
 * for at most the timeout (default 2 s); failures (Redis unreachable, timeout) surface as unchecked Lettuce
 * exceptions ({@code RedisException}), and a call while disconnected fails at once. Standalone Redis only (no
 * Cluster: the scripts touch keys of several slots).
 *
 * <pre>{@code
 * PresenceRegistry presence = RedisPresenceRegistry.builder("redis://127.0.0.1:6379/0").prefix("parley").build();
 * }</pre>
 */
public final class RedisPresenceRegistry implements PresenceRegistry {
    private static final Script ENTER = new Script("""
            redis.call('SADD', KEYS[2], ARGV[3])
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            return 1
            """);
    private static final Script LEAVE = new Script("""
            redis.call('HDEL', KEYS[1], ARGV[1])
            redis.call('SREM', KEYS[2], ARGV[2])
            return 1
            """);
    private static final Script FORGET = new Script("""
            local members = redis.call('SMEMBERS', KEYS[1])
            for _, member in ipairs(members) do
              local room, user = string.match(member, '^(-?%d+):(-?%d+)$')
              if room then
                redis.call('HDEL', ARGV[1] .. ':presence:' .. room, ARGV[2] .. ':' .. user)
              end
            end
            redis.call('DEL', KEYS[1], KEYS[2])
            return #members
            """);
    private static final Script ONLINE = new Script("""
            local all = redis.call('HGETALL', KEYS[1])
            local alive = {}
            local out = {}
            for i = 1, #all, 2 do
              local field = all[i]
              local node, user = string.match(field, '^(.*):(-?%d+)$')
              if node then
                local ok = alive[node]
                if ok == nil then
                  ok = redis.call('EXISTS', ARGV[1] .. ':node:' .. node) == 1
                  alive[node] = ok
                end
                if ok then
                  out[#out + 1] = field
                  out[#out + 1] = all[i + 1]
                else
                  redis.call('HDEL', KEYS[1], field)
                  redis.call('SREM', ARGV[1] .. ':entries:' .. node, ARGV[2] .. ':' .. user)
                end
              else
                redis.call('HDEL', KEYS[1], field)
              end
            end
            return out
            """);

    private final String prefix;
    private final ClientResources resources;
    private final RedisClient client;
    private final String threadPrefix;
    private final Object lock = new Object();
    private StatefulRedisConnection<String, String> connection; // guarded by lock
    private boolean closed; // guarded by lock

    private RedisPresenceRegistry(Builder builder) {
        this.prefix = builder.prefix;
        this.threadPrefix = RedisSupport.threadPrefix("presence");
        this.resources = RedisSupport.resources(threadPrefix);
        RedisURI uri = RedisSupport.uri(builder.uri, builder.timeout);
        uri.setClientName("parley-presence:" + prefix);
        this.client = RedisSupport.client(resources, uri, builder.timeout);
    }

    /**
     * Starts building a registry on the Redis server at {@code uri}.
     *
     * @param uri {@code redis://[password@]host:port[/db]} or {@code rediss://...}; checked by
     *     {@link Builder#build()}
     * @return a builder with the defaults: prefix {@code "parley"}, 2 s timeout
     * @throws NullPointerException if {@code uri} is null
     */
    public static Builder builder(String uri) {
        return new Builder(Objects.requireNonNull(uri, "uri == null"));
    }

    /**
     * Sets the node's key to expire {@code ttl} from now.
     *
     * @throws IllegalArgumentException if {@code node} is empty or {@code ttl} is not positive
     */
    @Override
    public void heartbeat(String node, Duration ttl) {
        checkNode(node);
        Objects.requireNonNull(ttl, "ttl == null");
        if (ttl.isNegative() || ttl.toMillis() < 1) {
            throw new IllegalArgumentException("ttl: must be at least 1 ms, got " + ttl);
        }
        redis().set(nodeKey(node), Long.toString(System.currentTimeMillis()), SetArgs.Builder.px(ttl.toMillis()));
    }

    /**
     * Adds the user to the room's hash and the room and user to the node's set, atomically.
     *
     * @throws IllegalArgumentException if {@code node} is empty
     */
    @Override
    public void enter(String node, long roomId, long userId, String username) {
        checkNode(node);
        Objects.requireNonNull(username, "username == null");
        run(ENTER, new String[] {roomKey(roomId), entriesKey(node)},
                field(node, userId), username, member(roomId, userId));
    }

    /**
     * Removes the user from the room's hash and the node's set, atomically.
     *
     * @throws IllegalArgumentException if {@code node} is empty
     */
    @Override
    public void leave(String node, long roomId, long userId) {
        checkNode(node);
        run(LEAVE, new String[] {roomKey(roomId), entriesKey(node)}, field(node, userId), member(roomId, userId));
    }

    /**
     * Reads the room's hash, keeps the users of nodes whose key exists and removes the others, in one script.
     */
    @Override
    public List<Entry> online(long roomId) {
        List<Object> flat = run(ONLINE, new String[] {roomKey(roomId)}, prefix, Long.toString(roomId));
        List<Entry> entries = new ArrayList<>(flat.size() / 2);
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            String field = (String) flat.get(i);
            int colon = field.lastIndexOf(':');
            entries.add(new Entry(field.substring(0, colon), Long.parseLong(field.substring(colon + 1)),
                    (String) flat.get(i + 1)));
        }
        return entries;
    }

    /**
     * Removes every row of the node, its set and its key, atomically.
     *
     * @throws IllegalArgumentException if {@code node} is empty
     */
    @Override
    public void forget(String node) {
        checkNode(node);
        run(FORGET, new String[] {entriesKey(node), nodeKey(node)}, prefix, node);
    }

    /** Closes the connection and shuts down the registry's Lettuce client and threads. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            connection = null;
        }
        RedisSupport.shutdown(client, resources); // closes the connection
    }

    /** The start of the names of this registry's threads (tests check that none is left after close). */
    String threadPrefix() {
        return threadPrefix;
    }

    private RedisCommands<String, String> redis() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("presence registry is closed");
            }
            if (connection == null) {
                connection = client.connect(StringCodec.UTF8); // throws RedisConnectionException; tried again next call
            }
            return connection.sync();
        }
    }

    private List<Object> run(Script script, String[] keys, String... args) {
        RedisCommands<String, String> redis = redis();
        try {
            return redis.evalsha(script.sha1, ScriptOutputType.MULTI, keys, args);
        } catch (RedisNoScriptException e) { // first use on this server, or after SCRIPT FLUSH or a restart
            return redis.eval(script.text, ScriptOutputType.MULTI, keys, args);
        }
    }

    private static void checkNode(String node) {
        Objects.requireNonNull(node, "node == null");
        if (node.isEmpty()) {
            throw new IllegalArgumentException("node: must not be empty");
        }
    }

    private String nodeKey(String node) {
        return prefix + ":node:" + node;
    }

    private String roomKey(long roomId) {
        return prefix + ":presence:" + roomId;
    }

    private String entriesKey(String node) {
        return prefix + ":entries:" + node;
    }

    private static String field(String node, long userId) {
        return node + ":" + userId;
    }

    private static String member(long roomId, long userId) {
        return roomId + ":" + userId;
    }

    /** A Lua script and its SHA-1, run with {@code EVALSHA} and, when Redis does not know it yet, {@code EVAL}. */
    private static final class Script {
        final String text;
        final String sha1;

        Script(String text) {
            this.text = text;
            try {
                this.sha1 = HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is missing from this JVM", e);
            }
        }
    }

    /**
     * Settings of a {@link RedisPresenceRegistry}. Not thread-safe; {@link #build()} checks them all.
     */
    public static final class Builder {
        private final String uri;
        private String prefix = RedisSupport.DEFAULT_PREFIX;
        private Duration timeout = RedisSupport.DEFAULT_TIMEOUT;

        private Builder(String uri) {
            this.uri = uri;
        }

        /**
         * The start of every key: {@code <prefix>:node:...}, {@code <prefix>:presence:...},
         * {@code <prefix>:entries:...}. Nodes of one cluster share it.
         *
         * @param prefix 1 to 64 of {@code A-Z a-z 0-9 . _ : { } -}; default {@code "parley"}
         * @return this builder
         */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix == null");
            return this;
        }

        /**
         * How long one call waits for Redis (and for a connection).
         *
         * @param timeout more than 0, at most 1 minute; default 2 s
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout == null");
            return this;
        }

        /**
         * Checks the settings and makes the registry with its Lettuce client and threads; it connects at first use.
         *
         * @return a new registry, to be closed
         * @throws IllegalArgumentException naming the first bad setting
         */
        public RedisPresenceRegistry build() {
            RedisSupport.timeout(timeout);
            RedisSupport.prefix(prefix);
            RedisSupport.uri(uri, timeout);
            return new RedisPresenceRegistry(this);
        }
    }
}
