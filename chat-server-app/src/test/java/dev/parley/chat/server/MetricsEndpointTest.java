package dev.parley.chat.server;

import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.server.TestClient.Reply;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics} on a running server (SQLite, one node): Micrometer's JVM and process meters, and Parley's. */
class MetricsEndpointTest {
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

    /** The value of the one sample whose line starts with {@code series} (name and labels, exactly). */
    static double sample(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as(series + " in /metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void showsTheJvmAndTheProcessButNoUptime() {
        Reply reply = client.get("/metrics", null);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/plain");
        String metrics = reply.body();
        assertThat(metrics).contains("# TYPE jvm_memory_used_bytes gauge")
                .contains("jvm_threads_live_threads ")
                .contains("jvm_classes_loaded_classes ")
                .contains("jvm_gc_")
                .contains("system_cpu_count ")
                .contains("process_files_open_files ")
                .doesNotContain("process_uptime_seconds")
                .doesNotContain("parley_uptime_seconds")
                .doesNotContain("per_second");
        double start = sample(metrics, "process_start_time_seconds");
        assertThat(start * 1000).isBetween(System.currentTimeMillis() - 3_600_000.0,
                (double) System.currentTimeMillis());
    }

    @Test
    void timesLoginsSendsAndRequests() {
        String before = client.get("/metrics", null).body();
        double logins = sample(before, "parley_login_seconds_count{outcome=\"succeeded\"}");
        double refused = sample(before, "parley_login_seconds_count{outcome=\"invalid_credentials\"}");
        double sent = sample(before, "parley_messages_sent_total");

        String token = client.signUp("metered"); // registers, then logs in
        assertThat(client.post("/api/login", null, json("username", "metered", "password", "wrong password"))
                .status()).isEqualTo(401);
        assertThat(client.post("/api/messages", token, json("room", "general", "body", "timed")).status())
                .isEqualTo(201);
        assertThat(client.get("/api/rooms/general/members", "not-a-token").status()).isEqualTo(401);

        String after = client.get("/metrics", null).body();
        assertThat(sample(after, "parley_login_seconds_count{outcome=\"succeeded\"}")).isEqualTo(logins + 1);
        assertThat(sample(after, "parley_login_seconds_count{outcome=\"invalid_credentials\"}"))
                .isEqualTo(refused + 1);
        assertThat(after).contains("parley_login_seconds_bucket{outcome=\"succeeded\",le=");
        assertThat(sample(after, "parley_messages_sent_total")).isEqualTo(sent + 1);
        assertThat(sample(after, "parley_send_commit_seconds_count")).isPositive();
        assertThat(sample(after, "parley_send_fanout_seconds_count")).isPositive();
        assertThat(sample(after, "parley_fanout_publish_failures_total")).isZero();
        // route templates, never raw paths
        assertThat(sample(after, "parley_http_server_requests_seconds_count{method=\"POST\",route=\"/api/messages\","
                + "status=\"201\"}")).isPositive();
        assertThat(sample(after, "parley_http_server_requests_seconds_count{method=\"GET\","
                + "route=\"/api/rooms/{room}/members\",status=\"401\"}")).isPositive();
        assertThat(sample(after, "parley_http_server_requests_seconds_count{method=\"GET\",route=\"/metrics\","
                + "status=\"200\"}")).isPositive();
        assertThat(after).doesNotContain("route=\"/api/rooms/general");
        assertThat(sample(after, "parley_http_errors_total{code=\"invalid_token\"}")).isPositive();
        assertThat(sample(after, "parley_http_errors_total{code=\"invalid_credentials\"}")).isPositive();
        assertThat(after).contains("parley_ws_connections ").contains("parley_ws_frames_in_total ")
                .doesNotContain("parley_bus_");
    }

    @Test
    void unknownRoutesAndMethodsKeepTheTagsBounded() throws Exception {
        assertThat(client.get("/api/no/such/route/" + System.nanoTime(), null).status()).isEqualTo(404);
        TestClient.rawHttp(server.port(), "BREW /api/rooms HTTP/1.1");
        String metrics = client.get("/metrics", null).body();
        assertThat(sample(metrics, "parley_http_server_requests_seconds_count{method=\"GET\",route=\"/api/**\","
                + "status=\"404\"}")).isPositive();
        assertThat(metrics).doesNotContain("BREW").doesNotContain("no/such/route");
    }
}
