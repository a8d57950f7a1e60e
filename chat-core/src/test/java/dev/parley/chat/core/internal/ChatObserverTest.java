package dev.parley.chat.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.spy;

import dev.parley.chat.core.AuthenticationException;
import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.ChatObserver;
import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.HistoryQuery;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.UnavailableException;
import dev.parley.chat.core.User;
import dev.parley.chat.core.memory.InMemoryChatStorage;
import dev.parley.chat.core.memory.InProcessFanout;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.PasswordHasher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The service's calls to its {@link ChatObserver}: which, in what order, with what durations. */
class ChatObserverTest {
    private static final PasswordHasher PLAIN = new PasswordHasher() {
        @Override
        public String hash(String password) {
            return "h:" + password;
        }

        @Override
        public boolean verify(String password, String encodedHash) {
            return encodedHash.equals("h:" + password);
        }
    };

    /** Records every call as a line, and every duration. */
    private static final class Recorder implements ChatObserver {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<Duration> durations = new CopyOnWriteArrayList<>();

        @Override
        public void messageCommitted(Message message, boolean created, Duration sendToCommit) {
            calls.add("committed " + message.body() + (created ? "" : " (retry)"));
            durations.add(sendToCommit);
        }

        @Override
        public void messagePublished(Message message, boolean published, Duration commitToFanout) {
            calls.add((published ? "published " : "not published ") + message.body());
            durations.add(commitToFanout);
        }

        @Override
        public void publishFailed(ChatEvent event, RuntimeException failure) {
            calls.add("publish failed " + event.getClass().getSimpleName() + ": " + failure.getMessage());
        }

        @Override
        public void loginFinished(LoginOutcome outcome, Duration duration) {
            calls.add("login " + outcome);
            durations.add(duration);
        }
    }

    private final Recorder recorder = new Recorder();
    private ChatService chat;

    @AfterEach
    void close() {
        if (chat != null) {
            chat.close();
        }
    }

    private ChatService service(Fanout fanout, ChatObserver observer) {
        chat = ChatService.builder().storage(InMemoryChatStorage.create()).passwordHasher(PLAIN).fanout(fanout)
                .observer(observer).build();
        return chat;
    }

    @Test
    void aSendIsCommittedThenPublishedAndARetryIsFlagged() {
        service(new InProcessFanout(), recorder);
        User ann = chat.ensureUser("ann");
        chat.send(ann, "general", "hello", "c-1");
        chat.send(ann, "general", "hello", "c-1");
        assertThatThrownBy(() -> chat.send(ann, "nowhere", "lost", null)).hasMessageContaining("room");

        assertThat(recorder.calls).containsExactly("committed hello", "published hello",
                "committed hello (retry)", "published hello");
        assertThat(recorder.durations).allSatisfy(d -> assertThat(d.isNegative()).isFalse());
    }

    @Test
    void aFanoutThatThrowsIsReportedAndTheSendStillSucceeds() {
        Fanout fanout = spy(new InProcessFanout());
        doThrow(new IllegalStateException("bus down")).when(fanout).publish(any(ChatEvent.class));
        Logger log = Logger.getLogger(DefaultChatService.class.getName());
        Level level = log.getLevel();
        log.setLevel(Level.OFF); // the expected failure's warning is not news here
        try {
            service(fanout, recorder);
            User ann = chat.ensureUser("ann");
            chat.send(ann, "general", "hello", null);
        } finally {
            log.setLevel(level);
        }
        // every change that could not be published is reported: joining general first, then the message
        assertThat(recorder.calls).containsExactly("publish failed MemberJoined: bus down", "committed hello",
                "publish failed MessagePosted: bus down", "not published hello");
    }

    @Test
    void everyLoginEndsWithItsOutcome() {
        service(new InProcessFanout(), recorder);
        chat.register("ann", "password-1");
        chat.login("ann", "password-1");
        assertThatThrownBy(() -> chat.login("ann", "wrong password")).isInstanceOf(AuthenticationException.class);
        assertThatThrownBy(() -> chat.login("nobody", "password-1")).isInstanceOf(AuthenticationException.class);
        chat.close();
        assertThatThrownBy(() -> chat.login("ann", "password-1")).isInstanceOf(UnavailableException.class)
                .extracting(e -> ((UnavailableException) e).code()).isEqualTo(ErrorCode.SERVICE_CLOSED);

        assertThat(recorder.calls).containsExactly("login SUCCEEDED", "login INVALID_CREDENTIALS",
                "login INVALID_CREDENTIALS", "login FAILED");
        assertThat(recorder.durations).hasSize(4).allSatisfy(d -> assertThat(d.isNegative()).isFalse());
    }

    @Test
    void anObserverThatThrowsNeverFailsTheCallItObserves() {
        ChatObserver broken = new ChatObserver() {
            @Override
            public void messageCommitted(Message message, boolean created, Duration sendToCommit) {
                throw new IllegalStateException("broken observer");
            }

            @Override
            public void loginFinished(LoginOutcome outcome, Duration duration) {
                throw new IllegalStateException("broken observer");
            }
        };
        Logger log = Logger.getLogger(DefaultChatService.class.getName());
        Level level = log.getLevel();
        log.setLevel(Level.OFF);
        try {
            service(new InProcessFanout(), broken);
            chat.register("ann", "password-1");
            User ann = chat.login("ann", "password-1").user();
            Message sent = chat.send(ann, "general", "still sent", null);
            assertThat(chat.history(ann, "general", HistoryQuery.latest(5)).messages()).containsExactly(sent);
        } finally {
            log.setLevel(level);
        }
    }
}
