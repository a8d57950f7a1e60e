package dev.parley.chat.server;

import dev.parley.chat.testkit.RequiredService;
import dev.parley.chat.testkit.TcpProxy;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * Real server nodes on one fresh PostgreSQL schema, each reaching the bus through its own {@link TcpProxy} so that a
 * test can cut or stall one node's bus. Nodes run in this JVM, or as a child JVM where a test needs to kill one.
 */
final class ClusterNodes implements AutoCloseable {
    static final String PG = System.getProperty("parley.test.postgres.url",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final String schema = "parley_cluster_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)
            .toLowerCase(Locale.ROOT);
    final String channel = schema;
    final String storeUrl = PG + (PG.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    private final IntFunction<String> busUrlThroughPort;
    private final List<TcpProxy> proxies = new ArrayList<>();
    private final List<ParleyServer> servers = new ArrayList<>();
    private final Map<Integer, Process> children = new HashMap<>();
    private final Path dir;

    /**
     * @param busHost where the bus listens
     * @param busPort its port
     * @param busUrlThroughPort the {@code PARLEY_BUS} value for a bus reached on a local port (the node's proxy)
     */
    ClusterNodes(String busHost, int busPort, IntFunction<String> busUrlThroughPort) throws IOException {
        this.busUrlThroughPort = busUrlThroughPort;
        this.dir = Files.createTempDirectory("parley-cluster");
        try (Connection c = DriverManager.getConnection(PG); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA \"" + schema + "\"");
        } catch (SQLException e) {
            unavailable("PostgreSQL not reachable at " + PG + ": " + e.getMessage());
        }
        for (int i = 0; i < 4; i++) {
            proxies.add(TcpProxy.to(busHost, busPort));
        }
    }

    /** Skips the test with the reason, or fails it under {@code CI=true}, where cluster tests must run. */
    static void unavailable(String message) {
        RequiredService.unavailable(message);
    }

    /** The {@code PARLEY_*} settings of node {@code i}. */
    Map<String, String> env(int i, int port) {
        Map<String, String> env = new HashMap<>();
        env.put("PARLEY_PORT", Integer.toString(port));
        env.put("PARLEY_DB_URL", storeUrl);
        env.put("PARLEY_BUS", busUrlThroughPort.apply(proxies.get(i).port()));
        env.put("PARLEY_BUS_CHANNEL", channel);
        env.put("PARLEY_PRESENCE_TTL", "PT3S");
        env.put("PARLEY_WS_RATE_PER_SECOND", "10000");
        env.put("PARLEY_WS_MAX_CONNECTIONS_PER_ADDRESS", "10000");
        return env;
    }

    /** Starts node {@code i} in this JVM and waits until it is ready (its bus subscribed). */
    ParleyServer start(int i) throws IOException {
        ParleyServer server = new ParleyServer(ServerConfig.fromEnvironment(env(i, 0))).start();
        servers.add(server);
        awaitReady(server.uri(), Duration.ofSeconds(20));
        return server;
    }

    /** Starts node {@code i} as a child JVM (so that it can be killed) and waits until it is ready. */
    URI startChild(int i) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ParleyServer.class.getName()).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("node-" + i + ".log").toFile());
        pb.environment().putAll(env(i, port));
        Process p = pb.start();
        children.put(i, p);
        URI uri = URI.create("http://127.0.0.1:" + port + "/");
        awaitReady(uri, Duration.ofSeconds(30));
        return uri;
    }

    /** Kills child node {@code i} with SIGKILL and waits for it to be gone. */
    void killChild(int i) throws InterruptedException {
        children.get(i).destroyForcibly().waitFor();
    }

    TcpProxy busProxy(int i) {
        return proxies.get(i);
    }

    static void awaitReady(URI base, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            ClusterSocket.sleep(50);
        }
        throw new AssertionError(base + " not ready within " + timeout + ": " + last);
    }

    @Override
    public void close() throws Exception {
        for (Process p : children.values()) {
            p.destroyForcibly().waitFor();
        }
        for (ParleyServer s : servers) {
            s.close();
        }
        for (TcpProxy p : proxies) {
            p.close();
        }
        try (Connection c = DriverManager.getConnection(PG); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        }
    }
}
