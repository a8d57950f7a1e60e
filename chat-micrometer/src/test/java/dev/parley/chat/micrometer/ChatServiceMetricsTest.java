package dev.parley.chat.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.AuthenticationException;
import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.ChatListener;
import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.HistoryQuery;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.StreamStart;
import dev.parley.chat.core.User;
import dev.parley.chat.core.memory.InMemoryChatStorage;
import dev.parley.chat.core.memory.InProcessFanout;
import dev.parley.chat.testkit.FastTestPasswordHasher;
import dev.parley.chat.testkit.ForwardingFanout;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChatServiceMetricsTest {
    /** An in-process fan-out whose publish throws while {@code failing} is set. */
    private static final class FlakyFanout extends ForwardingFanout {
        volatile boolean failing;

        FlakyFanout() {
            super(new InProcessFanout());
        }

        @Override
        public void publish(ChatEvent event) {
            if (failing) {
                throw new IllegalStateException("bus down");
            }
            super.publish(event);
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ChatServiceMetrics metrics = new ChatServiceMetrics(Tags.of("node", "n1"));
    private final FlakyFanout fanout = new FlakyFanout();
    private final ChatService chat = ChatService.builder().storage(InMemoryChatStorage.create())
            .passwordHasher(new FastTestPasswordHasher()).fanout(fanout).observer(metrics).build();

    @AfterEach
    void close() {
        chat.close();
    }

    private static long timerCount(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).timer().count();
    }

    private static double counter(MeterRegistry registry, String name) {
        return registry.get(name).counter().count();
    }

    @Test
    void sendsAreTimedAndOnlyStoredMessagesCounted() {
        metrics.bindTo(registry);
        User ann = chat.ensureUser("ann");
        chat.send(ann, "general", "one", "c-1");
        chat.send(ann, "general", "one", "c-1"); // an idempotent retry: timed, not counted
        chat.send(ann, "general", "two", null);

        assertThat(timerCount(registry, ChatServiceMetrics.SEND_COMMIT, "node", "n1")).isEqualTo(3);
        assertThat(timerCount(registry, ChatServiceMetrics.SEND_FANOUT, "node", "n1")).isEqualTo(3);
        assertThat(counter(registry, ChatServiceMetrics.MESSAGES_SENT)).isEqualTo(2);
        assertThat(counter(registry, ChatServiceMetrics.PUBLISH_FAILURES)).isZero();
        assertThat(registry.get(ChatServiceMetrics.SEND_COMMIT).timer().totalTime(TimeUnit.NANOSECONDS))
                .isPositive();
    }

    @Test
    void loginsAreTimedByOutcome() {
        metrics.bindTo(registry);
        chat.register("ann", "password-1");
        chat.login("ann", "password-1");
        Assertions.assertThatThrownBy(() -> chat.login("ann", "password-2"))
                .isInstanceOf(AuthenticationException.class);
        Assertions.assertThatThrownBy(() -> chat.login("nobody", "password-2"))
                .isInstanceOf(AuthenticationException.class);

        assertThat(timerCount(registry, ChatServiceMetrics.LOGIN, "outcome", "succeeded")).isEqualTo(1);
        assertThat(timerCount(registry, ChatServiceMetrics.LOGIN, "outcome", "invalid_credentials")).isEqualTo(2);
        assertThat(timerCount(registry, ChatServiceMetrics.LOGIN, "outcome", "failed")).isZero();
    }

    @Test
    void aSendWhoseEventCannotBePublishedIsStoredCountedAndStillReachesSubscribers() throws Exception {
        metrics.bindTo(registry);
        Logger coreLog = Logger.getLogger("dev.parley.chat.core.internal.DefaultChatService");
        Level level = coreLog.getLevel();
        coreLog.setLevel(Level.SEVERE); // the expected failure's warning is not news here
        try {
            User ann = chat.ensureUser("ann");
            User ben = chat.ensureUser("ben");
            BlockingQueue<ChatEvent> received = new LinkedBlockingQueue<>();
            ChatListener listener = received::add;
            chat.subscribe(ben, "general", StreamStart.live(), listener);

            fanout.failing = true;
            Message sent = chat.send(ann, "general", "the bus is down", null);

            assertThat(chat.history(ann, "general", HistoryQuery.latest(10)).messages()).contains(sent);
            assertThat(counter(registry, ChatServiceMetrics.PUBLISH_FAILURES)).isEqualTo(1);
            assertThat(counter(registry, ChatServiceMetrics.MESSAGES_SENT)).isEqualTo(1);
            assertThat(timerCount(registry, ChatServiceMetrics.SEND_FANOUT, "node", "n1")).isEqualTo(1);
            // the service reads the change from the store for this node's subscribers
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(new ChatEvent.MessagePosted(sent));
        } finally {
            coreLog.setLevel(level);
        }
    }

    @Test
    void recordsInEveryRegistryItIsBoundTo() {
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        metrics.bindTo(registry);
        metrics.bindTo(second);
        chat.send(chat.ensureUser("ann"), "general", "twice recorded", null);
        assertThat(counter(registry, ChatServiceMetrics.MESSAGES_SENT)).isEqualTo(1);
        assertThat(counter(second, ChatServiceMetrics.MESSAGES_SENT)).isEqualTo(1);
    }

    @Test
    void thePrometheusRegistryRendersPrometheusNames() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics.bindTo(prometheus);
        chat.register("ann", "password-1");
        User ann = chat.login("ann", "password-1").user();
        chat.send(ann, "general", "hello", null);

        String text = prometheus.scrape();
        assertThat(text).contains("# TYPE parley_send_commit_seconds histogram")
                .contains("parley_send_commit_seconds_count{node=\"n1\"} 1")
                .contains("parley_send_fanout_seconds_bucket{node=\"n1\",le=")
                .contains("parley_login_seconds_count{node=\"n1\",outcome=\"succeeded\"} 1")
                .contains("parley_login_seconds_count{node=\"n1\",outcome=\"invalid_credentials\"} 0")
                .contains("# TYPE parley_messages_sent_total counter")
                .contains("parley_messages_sent_total{node=\"n1\"} 1.0")
                .contains("parley_fanout_publish_failures_total{node=\"n1\"} 0.0");
    }
}
