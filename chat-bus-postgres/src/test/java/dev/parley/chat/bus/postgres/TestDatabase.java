package dev.parley.chat.bus.postgres;


import dev.parley.chat.testkit.RequiredService;
import dev.parley.chat.testkit.TcpProxy;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The PostgreSQL server of the tests, at system property {@code parley.test.postgres.url}. A test that needs it calls
 * {@link #require()}: skipped with the reason if the server cannot be reached, failed instead when the environment
 * variable {@code CI} is {@code true}. Each test uses channels and application names of its own ({@link #unique}),
 * so tests running at once on one server do not hear each other.
 */
final class TestDatabase {
    static final String URL = System.getProperty("parley.test.postgres.url",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private static final RequiredService SERVER = new RequiredService("PostgreSQL", URL, () -> {
        try (Connection connection = DriverManager.getConnection(URL)) {
            connection.isValid(5);
        }
    });

    private TestDatabase() {
    }

    static void require() {
        SERVER.require();
    }

    /** A fresh identifier (a channel or application name) starting with {@code prefix}. */
    static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** A proxy in front of the test server. */
    static TcpProxy proxy() {
        URI server = URI.create(URL.substring("jdbc:".length()));
        return TcpProxy.to(server.getHost(), server.getPort());
    }

    /** The test URL with its host and port replaced by the proxy's. */
    static String urlThrough(TcpProxy proxy) {
        URI server = URI.create(URL.substring("jdbc:".length()));
        return URL.replace("//" + server.getHost() + ":" + server.getPort() + "/", "//127.0.0.1:" + proxy.port() + "/");
    }

    /** The process ids of the server backends with this application name, oldest connection first. */
    static List<Integer> backends(String applicationName) throws SQLException {
        List<Integer> pids = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(URL);
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT pid FROM pg_stat_activity WHERE application_name = ? ORDER BY backend_start, pid")) {
            statement.setString(1, applicationName);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    pids.add(rows.getInt(1));
                }
            }
        }
        return pids;
    }

    /** Ends a server backend as an administrator would ({@code pg_terminate_backend}). */
    static void terminate(int pid) throws SQLException {
        try (Connection connection = DriverManager.getConnection(URL);
                PreparedStatement statement = connection.prepareStatement("SELECT pg_terminate_backend(?)")) {
            statement.setInt(1, pid);
            statement.execute();
        }
    }
}
