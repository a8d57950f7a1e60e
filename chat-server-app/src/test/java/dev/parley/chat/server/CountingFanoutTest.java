package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.ChatListener;
import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.StreamStart;
import dev.parley.chat.core.User;
import dev.parley.chat.core.memory.InMemoryChatStorage;
import dev.parley.chat.core.memory.InProcessFanout;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.testkit.ForwardingFanout;
import dev.parley.chat.core.spi.PasswordHasher;
import java.time.Clock;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The fan-out decorator behind {@code parley_messages_sent_total} and {@code parley_fanout_publish_failures_total}. */
class CountingFanoutTest {
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

    private static final PasswordHasher NO_PASSWORDS = new PasswordHasher() {
        @Override
        public String hash(String password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean verify(String password, String encodedHash) {
            return false;
        }
    };

    private static long metric(Metrics metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " (\\d+)$").matcher(metrics.render(""));
        assertThat(m.find()).as(name + " in the rendered metrics").isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void aPublishThatThrowsIsCountedAndRethrownAndOneThatSucceedsIsNot() {
        Metrics metrics = new Metrics(Clock.systemUTC());
        FlakyFanout flaky = new FlakyFanout();
        CountingFanout fanout = new CountingFanout(flaky, metrics);
        User ann = new User(1, "ann", java.time.Instant.EPOCH);
        ChatEvent.MemberJoined joined = new ChatEvent.MemberJoined(7, "lounge", ann, 1);

        fanout.publish(joined);
        assertThat(metric(metrics, "parley_fanout_publish_failures_total")).isZero();

        flaky.failing = true;
        assertThatThrownBy(() -> fanout.publish(joined)).isInstanceOf(IllegalStateException.class)
                .hasMessage("bus down");
        assertThatThrownBy(() -> fanout.publish(new ChatEvent.Typing(7, "lounge", ann)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(metric(metrics, "parley_fanout_publish_failures_total")).isEqualTo(2);
        assertThat(metrics.render("")).contains("# TYPE parley_fanout_publish_failures_total counter");
    }

    @Test
    void aSendWhoseEventCannotBePublishedIsStoredCountedAndStillReachesSubscribers() throws Exception {
        Metrics metrics = new Metrics(Clock.systemUTC());
        FlakyFanout flaky = new FlakyFanout();
        Logger coreLog = Logger.getLogger("dev.parley.chat.core.internal.DefaultChatService");
        Level level = coreLog.getLevel();
        coreLog.setLevel(Level.SEVERE); // the expected failure's warning is not news here
        try (ChatService chat = ChatService.builder().storage(InMemoryChatStorage.create())
                .passwordHasher(NO_PASSWORDS).fanout(new CountingFanout(flaky, metrics)).build()) {
            User ann = chat.ensureUser("ann");
            User ben = chat.ensureUser("ben");
            BlockingQueue<ChatEvent> received = new LinkedBlockingQueue<>();
            ChatListener listener = received::add;
            chat.subscribe(ben, "general", StreamStart.live(), listener);

            flaky.failing = true;
            Message sent = chat.send(ann, "general", "the bus is down", null);

            assertThat(chat.history(ann, "general", dev.parley.chat.core.HistoryQuery.latest(10)).messages())
                    .contains(sent);
            assertThat(metric(metrics, "parley_fanout_publish_failures_total")).isEqualTo(1);
            assertThat(metric(metrics, "parley_messages_sent_total")).isEqualTo(1);
            // rethrown, the failure makes the service read the change from the store for this node's subscribers
            ChatEvent event = received.poll(10, TimeUnit.SECONDS);
            assertThat(event).isEqualTo(new ChatEvent.MessagePosted(sent));
        } finally {
            coreLog.setLevel(level);
        }
    }
}
