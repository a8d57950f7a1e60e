package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.server.TestClient.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JavaScript client (chat-client-js/src) is copied into the server's web resources at build time and served at
 * /client/, so that pages can {@code import { ParleyClient } from '/client/index.js'}.
 */
class JsClientAssetsTest {
    @TempDir
    static Path dir;

    static ParleyServer server;
    static TestClient client;

    @BeforeAll
    static void start() throws Exception {
        server = TestClient.startServer(dir);
        client = new TestClient(server.uri());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theClientsEntryPointIsServedAsJavaScript() {
        Reply index = client.get("/client/index.js", null);
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.contentType()).isEqualToIgnoringCase("text/javascript;charset=utf-8");
        assertThat(index.body()).contains("export { ParleyClient }");
        assertThat(index.header("Content-Security-Policy")).isPresent();
    }

    @Test
    void everyModuleOfTheClientIsServedAsItIsInTheSourceTree() throws Exception {
        Path src = Path.of(System.getProperty("user.dir")).resolve("../chat-client-js/src").normalize();
        List<Path> modules;
        try (Stream<Path> files = Files.list(src)) {
            modules = files.filter(p -> p.toString().endsWith(".js")).sorted().toList();
        }
        assertThat(modules).extracting(p -> p.getFileName().toString())
                .contains("index.js", "client.js", "connection.js", "rooms.js", "outbox.js", "rest.js");
        for (Path module : modules) {
            Reply served = client.get("/client/" + module.getFileName(), null);
            assertThat(served.status()).as(module.toString()).isEqualTo(200);
            assertThat(served.contentType()).as(module.toString()).isEqualToIgnoringCase("text/javascript;charset=utf-8");
            // not filtered: template literals such as ${...} arrive untouched
            assertThat(served.body()).as(module.toString()).isEqualTo(Files.readString(module));
        }
    }

    @Test
    void nothingElseOfTheClientPackageIsReachable() {
        for (String path : List.of("/client/", "/client/package.json", "/client/index.d.ts", "/client/test/server.js",
                "/client/../client/index.js", "/client/missing.js")) {
            Reply reply = client.get(path, null);
            assertThat(reply.status()).as(path).isIn(400, 404);
        }
    }
}
