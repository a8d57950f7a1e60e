package dev.parley.chat.examples.ownserver;

import com.zaxxer.hikari.HikariDataSource;
import dev.parley.chat.core.AuthenticationException;
import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.password4j.Argon2idPasswordHasher;
import dev.parley.chat.store.jooq.JooqChatStorage;
import dev.parley.chat.transport.websocket.ChatWebSocket;
import dev.parley.chat.transport.websocket.grizzly.WebSocketMount;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.glassfish.grizzly.http.Cookie;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.util.HttpStatus;

/**
 * An application that already has its own PostgreSQL pool, its own Grizzly {@code HttpServer} with its own routes
 * and its own logins, and adds chat: Parley's jOOQ store goes into the app's {@code DataSource} (next to the app's
 * own table), Parley's WebSocket endpoint goes onto the app's port at {@code /ws}, and a socket authenticates with
 * the app's own session token, which a custom {@code Authenticator} turns into a Parley user.
 *
 * <p>Routes: {@code POST /login?user=NAME} (the app's login, reduced to a stand-in: it issues a session cookie
 * {@code app_session} and returns the same token in the body), {@code GET /hello} (needs the cookie or
 * {@code Authorization: Bearer}), {@code POST /logout}, and {@code /ws} (Parley: first frame
 * {@code {"type":"auth","token":"<app session token>"}}).
 *
 * <pre>mvn -q -pl examples exec:java -Dexec.mainClass=dev.parley.chat.examples.ownserver.OwnServerApp \
 *     -Dexec.args="jdbc:postgresql://127.0.0.1:5432/test?user=postgres 8081"</pre>
 */
public final class OwnServerApp implements AutoCloseable {
    /** Liquibase reports every schema check at INFO; held here because java.util.logging keeps loggers weakly. */
    private static final java.util.logging.Logger LIQUIBASE = java.util.logging.Logger.getLogger("liquibase");

    private final DataSource db;
    private final JooqChatStorage chatStorage;
    private final ChatService chat;
    private final ChatWebSocket chatSocket;
    private final HttpServer http;
    private final WebSocketMount mount;

    private OwnServerApp(DataSource db, String host, int port) throws IOException, DeploymentException {
        this.db = db;
        createAppTables();
        // Parley: store in the app's pool (its tables next to the app's), service, WebSocket with the app's auth.
        chatStorage = JooqChatStorage.postgres(db);
        chat = ChatService.builder().storage(chatStorage).passwordHasher(Argon2idPasswordHasher.owasp()).build();
        chatSocket = ChatWebSocket.builder(chat)
                .authenticator(token -> appSessionUser(token)
                        .map(chat::ensureUser) // the app vouches for the user: Parley creates it on first use
                        .orElseThrow(() -> new AuthenticationException(ErrorCode.INVALID_TOKEN, "no such session")))
                .build();
        // The app's own HTTP server and routes, with Parley's endpoint mounted on the same listener (port).
        http = new HttpServer();
        http.addListener(new NetworkListener("app", host, port));
        http.getServerConfiguration().addHttpHandler(handler(this::login), "/login");
        http.getServerConfiguration().addHttpHandler(handler(this::hello), "/hello");
        http.getServerConfiguration().addHttpHandler(handler(this::logout), "/logout");
        try {
            mount = WebSocketMount.mount(http.getListener("app"), chatSocket.endpointConfig(), 64 * 1024);
            http.start();
        } catch (IOException | DeploymentException | RuntimeException e) { // e.g. the port is taken
            http.shutdownNow();
            chatSocket.close();
            chat.close();
            chatStorage.close();
            throw e;
        }
    }

    /**
     * Starts the app on the given pool, which it does not own.
     *
     * @param db a PostgreSQL pool; its {@code search_path} decides where the tables go
     * @param host the address to bind
     * @param port the port, {@code 0} for a free one
     * @return the running app
     */
    public static OwnServerApp start(DataSource db, String host, int port) throws IOException, DeploymentException {
        return new OwnServerApp(db, host, port);
    }

    /** The port the app listens on. */
    public int port() {
        return http.getListener("app").getPort();
    }

    // ---- the app's own login and sessions: a table in its own database -----------------------------------------

    private void createAppTables() {
        sql(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS app_sessions (token text PRIMARY KEY, username text NOT NULL)");
            }
            return null;
        });
    }

    private Optional<String> appSessionUser(String token) {
        return sql(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT username FROM app_sessions WHERE token = ?")) {
                s.setString(1, token);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(r.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    private void login(Request request, Response response) throws IOException {
        String user = request.getParameter("user"); // stand-in for the app's real login (password, SSO, ...)
        if (!"POST".equals(request.getMethod().getMethodString()) || user == null || !user.matches("[a-z0-9]{3,32}")) {
            reply(response, HttpStatus.BAD_REQUEST_400, "POST /login?user=name (3-32 of a-z, 0-9)\n");
            return;
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        update("INSERT INTO app_sessions (token, username) VALUES (?, ?)", token, user);
        Cookie cookie = new Cookie("app_session", token);
        cookie.setHttpOnly(true);
        cookie.setPath("/");
        response.addCookie(cookie);
        reply(response, HttpStatus.OK_200, token);
    }

    private void hello(Request request, Response response) throws IOException {
        Optional<String> user = sessionToken(request).flatMap(this::appSessionUser);
        if (user.isEmpty()) {
            reply(response, HttpStatus.UNAUTHORIZED_401, "log in first\n");
        } else {
            reply(response, HttpStatus.OK_200, "Hello, " + user.get() + "! Chat at /ws with your session token.\n");
        }
    }

    private void logout(Request request, Response response) throws IOException {
        Optional<String> token = sessionToken(request);
        if (token.isPresent()) {
            update("DELETE FROM app_sessions WHERE token = ?", token.get());
            chatSocket.closeSessionsForToken(token.get()); // the user's chat sockets close at once (1008)
        }
        reply(response, HttpStatus.NO_CONTENT_204, "");
    }

    private static Optional<String> sessionToken(Request request) {
        String auth = request.getHeader("Authorization");
        if (auth != null && auth.startsWith("Bearer ")) {
            return Optional.of(auth.substring(7));
        }
        for (Cookie c : Optional.ofNullable(request.getCookies()).orElse(new Cookie[0])) {
            if (c.getName().equals("app_session")) {
                return Optional.of(c.getValue());
            }
        }
        return Optional.empty();
    }

    // ---- plumbing ------------------------------------------------------------------------------------------------

    private interface Sql<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T sql(Sql<T> work) {
        try (Connection c = db.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException("database: " + e.getMessage(), e);
        }
    }

    private void update(String statement, String... args) {
        sql(c -> {
            try (PreparedStatement s = c.prepareStatement(statement)) {
                for (int i = 0; i < args.length; i++) {
                    s.setString(i + 1, args[i]);
                }
                return s.executeUpdate();
            }
        });
    }

    private interface Route {
        void serve(Request request, Response response) throws IOException;
    }

    private static HttpHandler handler(Route route) {
        return new HttpHandler() {
            @Override
            public void service(Request request, Response response) throws Exception {
                route.serve(request, response);
            }
        };
    }

    private static void reply(Response response, HttpStatus status, String text) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().write(text);
    }

    /** Stops in order: chat sockets (1001), HTTP, the endpoint, the service, the store. The pool stays open. */
    @Override
    public void close() {
        chatSocket.close();
        http.shutdownNow();
        mount.close();
        chat.close();
        chatStorage.close();
    }

    /**
     * Runs the app until Ctrl-C.
     *
     * @param args {@code [jdbcUrl [port]]}; defaults: {@code $EXAMPLE_DB_URL} or the local {@code test} database,
     *     and port 8081
     */
    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0]
                : System.getenv().getOrDefault("EXAMPLE_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8081;
        LIQUIBASE.setLevel(java.util.logging.Level.WARNING);
        HikariDataSource pool = new HikariDataSource(); // the app's own pool, from before it had chat
        pool.setJdbcUrl(url);
        OwnServerApp app = start(pool, "127.0.0.1", port);
        System.out.println("Running at http://127.0.0.1:" + app.port() + "/  (Ctrl-C stops)");
        System.out.println("  curl -X POST 'http://127.0.0.1:" + app.port() + "/login?user=alice'");
        System.out.println("  then open ws://127.0.0.1:" + app.port() + "/ws and send {\"type\":\"auth\",\"token\":...}");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            pool.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
