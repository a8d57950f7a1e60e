package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.junit.jupiter.api.Test;

/** {@link HttpGuard} on a bare Grizzly server, for the responses that Grizzly, not a Parley handler, writes. */
class HttpGuardTest {
    @Test
    void grizzlysOwnErrorPagesAreProblemsWithoutStackTraceOrVersion() throws Exception {
        HttpServer http = new HttpServer();
        NetworkListener listener = new NetworkListener("guard-test", "127.0.0.1", 0);
        listener.registerAddOn(new HttpGuard());
        http.addListener(listener);
        http.getServerConfiguration().addHttpHandler(new HttpHandler() {
            @Override
            public void service(Request request, Response response) throws Exception {
                // a checked exception escapes: Grizzly answers with its error page
                throw new Exception("secret detail");
            }
        }, "/");
        Logger grizzly = Logger.getLogger("org.glassfish.grizzly.http.server.HttpServerFilter");
        Level level = grizzly.getLevel();
        grizzly.setLevel(Level.OFF); // Grizzly logs the escaped exception; that is not what this test is about
        http.start();
        try {
            RawHttp.Response r = RawHttp.get(listener.getPort(), "/");
            MalformedRequestsTest.assertProblem(r, 500, "internal_error");
            MalformedRequestsTest.assertNoDetails(r);
            assertThat(r.body()).doesNotContain("secret detail");
            assertThat(r.header("Cache-Control")).hasValue("no-store");
        } finally {
            http.shutdownNow();
            grizzly.setLevel(level);
        }
    }
}
