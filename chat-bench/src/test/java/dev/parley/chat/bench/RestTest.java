package dev.parley.chat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class RestTest {
    @Test
    void readsTheFieldsTheBenchmarksNeedFromServerJson() {
        String login = "{\"token\":\"k3Jx-_a\",\"expiresAt\":\"2030-01-01T00:00:00Z\",\"user\":{\"id\":7}}";
        assertThat(Rest.stringField(login, "token")).isEqualTo("k3Jx-_a");
        assertThat(Rest.stringField(login, "missing")).isNull();

        String frame = "{\"type\":\"message\",\"message\":{\"id\":1187,\"room\":\"general\",\"seq\":42,"
                + "\"sender\":\"alice\",\"body\":\"a \\\"seq\\\":7 inside\"}}";
        assertThat(Rest.frameType(frame)).isEqualTo("message");
        assertThat(Rest.firstSeq(frame)).isEqualTo(42);
        assertThat(Rest.allSeqs(frame)).containsExactly(42); // the escaped one in the body does not count

        StringBuilder page = new StringBuilder("{\"messages\":[");
        for (int i = 1; i <= 40; i++) {
            page.append(i > 1 ? "," : "").append("{\"id\":").append(i).append(",\"seq\" : ").append(100 + i)
                    .append('}');
        }
        assertThat(Rest.allSeqs(page.append("],\"hasMore\":true}").toString())).hasSize(40).startsWith(101, 102)
                .endsWith(140);
    }

    @Test
    void quotesJsonStringsAndFindsTheSocketEndpoint() {
        assertThat(Rest.quote("a\"b\\c\n\u0001")).isEqualTo("\"a\\\"b\\\\c\\n\\u0001\"");
        assertThat(new Rest(URI.create("http://127.0.0.1:8080")).webSocketUri())
                .isEqualTo(URI.create("ws://127.0.0.1:8080/ws"));
        assertThat(new Rest(URI.create("https://h/chat/")).webSocketUri()).isEqualTo(URI.create("wss://h/chat/ws"));
    }
}
