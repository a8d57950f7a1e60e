package dev.parley.chat.store.jooq;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps a connection's prepared statements open for reuse. jOOQ prepares and closes a statement for every query,
 * and neither sqlite-jdbc nor SQLite caches them, so each append paid for parsing its SQL several times (the
 * largest native cost in a profile of the writer). The wrapped connection hands out the same statement again for
 * the same SQL; closing it only clears its parameters.
 *
 * <p>Not thread-safe, like the connection it wraps: use it from one thread at a time (the SQLite writer thread, or
 * one borrower of a read connection).
 */
final class StatementCache {
    private static final int MAX_STATEMENTS = 64;

    private StatementCache() {
    }

    /** Wraps a connection; closing the wrapper closes the cached statements and the connection. */
    static Connection wrap(Connection connection) {
        return (Connection) Proxy.newProxyInstance(StatementCache.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new CachingConnection(connection));
    }

    private static final class CachingConnection implements InvocationHandler {
        private final Connection target;
        private final Map<String, PreparedStatement> statements =
                new LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
                        if (size() <= MAX_STATEMENTS) {
                            return false;
                        }
                        closeQuietly(eldest.getValue());
                        return true;
                    }
                };

        CachingConnection(Connection target) {
            this.target = target;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (name.equals("prepareStatement") && args != null && args.length == 1 && args[0] instanceof String) {
                return reusable(prepared((String) args[0]));
            }
            if (name.equals("close")) {
                statements.values().forEach(StatementCache::closeQuietly);
                statements.clear();
            }
            if (name.equals("unwrap") && args != null && args[0] == Connection.class) {
                return target;
            }
            return call(target, method, args);
        }

        private PreparedStatement prepared(String sql) throws SQLException {
            PreparedStatement statement = statements.get(sql);
            if (statement == null || statement.isClosed()) {
                statement = target.prepareStatement(sql);
                statements.put(sql, statement);
            }
            return statement;
        }
    }

    /** A view of a cached statement whose {@code close()} resets it for the next use instead. */
    private static PreparedStatement reusable(PreparedStatement statement) {
        return (PreparedStatement) Proxy.newProxyInstance(StatementCache.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close":
                            statement.clearParameters();
                            return null;
                        case "isClosed":
                            return false;
                        default:
                            return call(statement, method, args);
                    }
                });
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void closeQuietly(PreparedStatement statement) {
        try {
            statement.close();
        } catch (SQLException e) {
            // closing a statement of a connection that is going away anyway
        }
    }
}
