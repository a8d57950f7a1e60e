package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.server.RawHttp.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an attacker sends that no HTTP client would: paths, request lines, headers and framing written byte for byte
 * over a socket. Every answer is a 4xx (or 505) with the security headers and without details of the server; never a
 * 500, never a stack trace in the log.
 */
class MalformedRequestsTest {
    @TempDir
    static Path dir;

    static ParleyServer server;
    static int port;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        server = TestClient.startServer(dir);
        port = server.port();
        token = new TestClient(server.uri()).signUp("mallory");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static void assertSecurityHeaders(Response r) {
        HttpGuard.HEADERS.forEach((name, value) -> assertThat(r.header(name)).as(name + " in " + r).hasValue(value));
    }

    static void assertProblem(Response r, int status, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.header("Content-Type")).as(r.toString()).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(r.json().getString("code")).as(r.toString()).isEqualTo(code);
        assertSecurityHeaders(r);
    }

    /** Nothing that names the server software or shows its insides. */
    static void assertNoDetails(Response r) {
        assertThat(r.body()).as(r.toString()).doesNotContainIgnoringCase("grizzly").doesNotContain("Exception")
                .doesNotContain("\tat ").doesNotContain("<html");
        assertThat(r.header("Server")).as(r.toString()).isEmpty();
    }

    // ---- paths ------------------------------------------------------------------------------------------------

    @Test
    void pathsWithSegmentsOfDotsOnlyAreA400ProblemNeverA500() throws Exception {
        for (String path : List.of("/....", "/...", "/.../.../etc/passwd", "/a/...", "/a/.../b", "/api/...",
                "/api/rooms/.../join", "/health/....", "/ws/...", "/%2e%2e%2e", "/.%2e.", "/..", "/a/./b",
                "/vendor/../index.html")) {
            assertInvalidPath(path);
        }
    }

    private static void assertInvalidPath(String path) throws Exception {
        Response r = RawHttp.get(port, path);
        assertProblem(r, 400, "invalid_path");
        assertNoDetails(r);
    }

    @Test
    void everyMalformedPathIsA400WithItsOwnCode() throws Exception {
        for (String path : List.of("/%zz", "/api/rooms/%zz", "/%c0%ae%c0%ae/etc/passwd", "/%ff", "/a%00b",
                "/..%2f..%2fpom.xml", "/a%2fb", "/a%5cb", "/a\\b", "/\u00c3\u00a9", "/a%0d%0aSet-Cookie:x=1",
                "/a;jsessionid=1", "/a<script>", "/a\"b", "/a|b", "/a{b}", "*", "api/rooms", "/a%", "/a%e")) {
            assertInvalidPath(path);
        }
    }

    @Test
    void wellFormedPathsThatLeadNowhereAreStill404() throws Exception {
        for (String path : List.of("/...x", "/.hidden.html", "/a..b.html", "/api/nothing", "/%41pi/rooms",
                "/no/such/page.html", "/~user/", "/a@b:c!$&'()*+,=.html")) {
            Response r = RawHttp.get(port, path);
            assertProblem(r, 404, "not_found");
        }
        // the screen does not get in the way of what is there
        assertThat(RawHttp.get(port, "/").status()).isEqualTo(200);
        assertThat(RawHttp.get(port, "/app.js?v=1").status()).isEqualTo(200);
        assertThat(RawHttp.get(port, "/api/rooms/%67eneral").status()).isEqualTo(401);
    }

    // ---- query strings ------------------------------------------------------------------------------------------

    @Test
    void queriesWhoseParametersGrizzlyWouldDropAndLogAreA400() throws Exception {
        Logger parameters = Logger.getLogger("org.glassfish.grizzly.http.util.Parameters");
        Level level = parameters.getLevel();
        List<LogRecord> logged = new ArrayList<>();
        Handler capture = capture(logged, Level.INFO);
        parameters.setLevel(Level.INFO);
        parameters.addHandler(capture);
        try {
            String auth = "Authorization: Bearer " + token + "\r\n";
            for (String query : List.of("room=%zz", "room=general&limit=%c0%ae", "&&room=general", "=general",
                    "room=gen<eral>", "room=%", "limit=1#frag")) {
                Response r = RawHttp.send(port, "GET /api/messages?" + query + " HTTP/1.1\r\nHost: x\r\n" + auth
                        + "Connection: close\r\n\r\n");
                assertProblem(r, 400, "invalid_argument");
            }
            for (String query : List.of("room=general&", "room=gen%65ral&limit=2", "room=general&x=a+b%20c%E2%82%AC")) {
                Response r = RawHttp.send(port, "GET /api/messages?" + query + " HTTP/1.1\r\nHost: x\r\n" + auth
                        + "Connection: close\r\n\r\n");
                assertThat(r.status()).as(query).isEqualTo(200);
            }
        } finally {
            parameters.removeHandler(capture);
            parameters.setLevel(level);
        }
        assertThat(logged).extracting(LogRecord::getMessage).isEmpty();
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeTheClientSendsIt() throws Exception {
        List<Response> responses = RawHttp.exchange(port, "POST /api/login HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n");
        assertThat(responses).extracting(Response::status).containsExactly(413);
        assertProblem(responses.get(0), 413, "payload_too_large");
        // refused for its path: answered at once too, and the connection closed (the body may or may not follow)
        List<Response> refused = RawHttp.exchange(port, "POST /api/%zz HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
        assertThat(refused).extracting(Response::status).containsExactly(400);
        assertThat(refused.get(0).header("Connection")).hasValue("close");
        // a body within the limit is still invited
        List<Response> invited = RawHttp.exchange(port, "POST /api/login HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
        assertThat(invited).extracting(Response::status).first().isEqualTo(100);
    }

    // ---- Grizzly's own refusals -------------------------------------------------------------------------------

    @Test
    void requestsGrizzlyRefusesByItselfCarryTheSecurityHeadersAndNoDetails() throws Exception {
        String host = "Host: 127.0.0.1\r\n";
        for (String request : List.of(
                "GET /a b HTTP/1.1\r\n" + host + "\r\n",
                "GET / HTTP/9.9\r\n" + host + "\r\n",
                "GET / HTTP/1.1\r\n\r\n",
                "GET / HTTP/1.1\r\n" + host + "X-Big: " + "A".repeat(20_000) + "\r\n\r\n",
                "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\n" + host + "\r\n",
                "POST /api/login HTTP/1.1\r\n" + host + "Content-Type: application/json\r\n"
                        + "Content-Length: 99999999999999999999999\r\n\r\n{}",
                "POST /api/login HTTP/1.1\r\n" + host + "Content-Type: application/json\r\nContent-Length: -5\r\n\r\n",
                "POST /api/login HTTP/1.1\r\n" + host + "Content-Type: application/json\r\nContent-Length: 2\r\n"
                        + "Content-Length: 3\r\n\r\n{}",
                "DELETE /api/rooms HTTP/1.1\r\n" + host + "Content-Length: 3\r\n\r\nabc",
                "POST /api/login HTTP/1.1\r\n" + host + "Content-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n")) {
            Response r = RawHttp.send(port, request);
            assertThat(r.status()).as(request).isIn(400, 505);
            assertSecurityHeaders(r);
            assertNoDetails(r);
        }
    }

    @Test
    void aBrokenChunkedBodyIsRefusedWithoutAStackTraceInTheLog() throws Exception {
        List<LogRecord> logged = new ArrayList<>();
        Handler capture = capture(logged, Level.WARNING);
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            for (int i = 0; i < 3; i++) {
                Response r = RawHttp.send(port, "POST /api/login HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n");
                assertThat(r.status()).isEqualTo(400);
            }
            // the log handler may be called after the response went out
            Thread.sleep(200);
        } finally {
            root.removeHandler(capture);
        }
        synchronized (logged) {
            assertThat(logged).extracting(LogRecord::getMessage).isEmpty();
        }
        assertThat(RawHttp.get(port, "/health").status()).isEqualTo(200);
    }

    /** A log handler that keeps every record at {@code level} or above, or with a stack trace. */
    private static Handler capture(List<LogRecord> into, Level level) {
        return new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= level.intValue() || record.getThrown() != null) {
                    synchronized (into) {
                        into.add(record);
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
    }

    // ---- framing that two parsers could read differently ---------------------------------------------------

    @Test
    void headersThatTwoParsersCouldReadDifferentlyAreRefusedAndTheConnectionClosed() throws Exception {
        String login = "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
        for (String request : List.of(
                login + "Transfer-Encoding: xchunked\r\nContent-Length: 2\r\n\r\n{}",
                login + "Transfer-Encoding: chunked, identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                login + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                login + "Transfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x y\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\n\r\n")) {
            // a second request follows on the same connection: it must not be answered
            List<Response> responses = RawHttp.exchange(port,
                    request + "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(responses).as(request).hasSize(1);
            Response r = responses.get(0);
            assertProblem(r, 400, "malformed_request");
            assertThat(r.header("Connection")).as(request).hasValue("close");
        }
    }

    @Test
    void aChunkedBodyIsReadAsChunkedAndEndsTheConnectionWhateverItsContentLengthSays() throws Exception {
        String body = TestClient.json("username", "mallory", "password", "not the password");
        String chunked = Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
        String login = "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
        // what follows the chunked body would be a second request to a parser that believed the Content-Length
        String smuggled = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
        for (String request : List.of(
                login + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked + smuggled,
                login + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n" + chunked + smuggled,
                login + "Transfer-Encoding: chunked\r\n\r\n" + chunked + smuggled)) {
            List<Response> responses = RawHttp.exchange(port, request);
            assertThat(responses).as(request).hasSize(1);
            assertProblem(responses.get(0), 401, "invalid_credentials");
            assertThat(responses.get(0).header("Connection")).as(request).hasValue("close");
        }
    }

    // ---- methods -------------------------------------------------------------------------------------------

    @Test
    void traceIsRefusedWithTheResourcesOwnAllowHeader() throws Exception {
        Response login = RawHttp.send(port, "TRACE /api/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertProblem(login, 405, "method_not_allowed");
        assertThat(login.header("Allow")).hasValue("POST");
        Response page = RawHttp.send(port, "TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertProblem(page, 405, "method_not_allowed");
        assertThat(page.header("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void headIsAnsweredWhereverGetIsWithoutABody() throws Exception {
        String auth = "Authorization: Bearer " + token + "\r\n";
        Response head = RawHttp.send(port, "HEAD /api/rooms HTTP/1.1\r\nHost: x\r\n" + auth
                + "Connection: close\r\n\r\n");
        assertThat(head.status()).as(head.toString()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(Long.parseLong(head.header("Content-Length").orElseThrow())).isPositive();
        assertSecurityHeaders(head);
        Response wrong = RawHttp.send(port, "PUT /api/rooms HTTP/1.1\r\nHost: x\r\n" + auth
                + "Content-Length: 0\r\nConnection: close\r\n\r\n");
        assertProblem(wrong, 405, "method_not_allowed");
        assertThat(wrong.header("Allow")).hasValue("GET, HEAD, POST");
        // a cross-origin preflight is refused like any other method: no CORS header grants anything
        Response preflight = RawHttp.send(port, "OPTIONS /api/rooms HTTP/1.1\r\nHost: x\r\n"
                + "Origin: http://evil.example\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n");
        assertProblem(preflight, 405, "method_not_allowed");
        assertThat(preflight.headers().keySet()).noneMatch(h -> h.startsWith("access-control-"));
    }
}
