package dev.parley.chat.server;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** {@link ClusterContract} over PostgreSQL LISTEN/NOTIFY: {@code PARLEY_BUS} is a PostgreSQL URL per node. */
class PostgresClusterTest extends ClusterContract {
    @Override
    ClusterNodes openCluster() throws Exception {
        return new ClusterNodes("127.0.0.1", 5432,
                port -> "jdbc:postgresql://127.0.0.1:" + port + "/test?user=postgres&ApplicationName=parley-bus-"
                        + port);
    }

    /** Terminates the backends of node {@code i}'s bus (found by the application name its URL sets). */
    @Override
    void killBusConnections(int i) throws Exception {
        try (Connection c = DriverManager.getConnection(ClusterNodes.PG);
                PreparedStatement s = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM"
                        + " pg_stat_activity WHERE application_name LIKE ?")) {
            s.setString(1, "parley-bus%" + cluster.busProxy(i).port() + "%");
            try (ResultSet r = s.executeQuery()) {
                r.next();
                if (r.getInt(1) == 0) {
                    throw new AssertionError("no bus connection of node " + i + " found to terminate");
                }
            }
        }
    }
}
