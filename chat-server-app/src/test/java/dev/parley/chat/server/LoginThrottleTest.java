package dev.parley.chat.server;

import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.server.RawHttp.Response;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Login throttling: over real sockets from several loopback addresses against a server whose clock the test moves,
 * and on the throttle alone for the numbers. No test sleeps.
 */
class LoginThrottleTest {
    static final String PASSWORD = "correct horse battery";
    static final InetAddress OWNER = RawHttp.loopback(1);
    static final InetAddress GUESSER = RawHttp.loopback(2);
    static final InetAddress NEIGHBOUR = RawHttp.loopback(3);

    @TempDir
    static Path dir;

    static final ManualClock serverClock = new ManualClock();
    static ParleyServer server;
    static int port;
    static int accounts;

    @BeforeAll
    static void start() throws Exception {
        server = TestClient.startServer(dir, serverClock);
        port = server.port();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A new account, so that tests sharing the server do not share budgets. */
    static String newAccount() {
        String name = "user" + (++accounts);
        new TestClient(server.uri()).post("/api/register", null, json("username", name, "password", PASSWORD));
        // a day later: earlier tests' failures from these addresses are forgotten
        serverClock.advance(Duration.ofDays(1));
        return name;
    }

    static Response login(InetAddress from, String username, String password) throws Exception {
        return RawHttp.postJson(port, from, "/api/login", json("username", username, "password", password));
    }

    static void assertThrottled(Response r, long maxSeconds) {
        MalformedRequestsTest.assertProblem(r, 429, "rate_limited");
        assertThat(Long.parseLong(r.header("Retry-After").orElseThrow())).as(r.toString()).isBetween(1L, maxSeconds);
    }

    static void spendPairBudget(InetAddress from, String username) throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(login(from, username, "wrong password " + i).status()).isEqualTo(401);
        }
    }

    // ---- over HTTP ------------------------------------------------------------------------------------------

    @Test
    void paddingOrRecasingTheNameBuysNoFreshGuesses() throws Exception {
        String jon = newAccount();
        spendPairBudget(GUESSER, jon);
        for (String spelling : List.of(jon, " " + jon, jon + " ", jon + "\t", "\n" + jon.toUpperCase(),
                jon.replace("u", "\uff55"))) {
            assertThrottled(login(GUESSER, spelling, "yet another guess"), 30);
        }
    }

    @Test
    void theOwnerLogsInFromTheirAddressWhileAnotherGuessesTheirPassword() throws Exception {
        String kim = newAccount();
        spendPairBudget(GUESSER, kim);
        assertThrottled(login(GUESSER, kim, "one more guess"), 30);
        assertThat(login(OWNER, kim, PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void guessingOneAccountDoesNotBlockOtherAccountsFromTheSameAddress() throws Exception {
        String lee = newAccount();
        String max = newAccount();
        spendPairBudget(NEIGHBOUR, lee);
        assertThat(login(NEIGHBOUR, max, PASSWORD).status()).isEqualTo(200);
        assertThat(login(NEIGHBOUR, max, "a typo").status()).isEqualTo(401);
    }

    @Test
    void aThrottledAttemptWaitsSecondsNotAQuarterHourAndTheRightPasswordIsNoExceptionMeanwhile() throws Exception {
        String ann = newAccount();
        spendPairBudget(OWNER, ann);
        // no oracle: the right password is refused like any other while the wait lasts
        Response throttled = login(OWNER, ann, PASSWORD);
        assertThrottled(throttled, 30);
        serverClock.advance(Duration.ofSeconds(Long.parseLong(throttled.header("Retry-After").orElseThrow())));
        assertThat(login(OWNER, ann, PASSWORD).status()).isEqualTo(200);
        // and the success clears the pair: the next typo is free again
        assertThat(login(OWNER, ann, "typo").status()).isEqualTo(401);
    }

    // ---- the throttle alone -------------------------------------------------------------------------------

    private final ManualClock clock = new ManualClock();
    private final LoginThrottle throttle = new LoginThrottle(clock, 5, Duration.ofMinutes(15), 1000);

    /** One attempt with a wrong password, if the throttle lets it through; otherwise the wait. */
    private Optional<Duration> fail(String user, String address) {
        return throttle.attempt(user, address);
    }

    private Optional<Duration> succeed(String user, String address) {
        Optional<Duration> wait = throttle.attempt(user, address);
        if (wait.isEmpty()) {
            throttle.succeeded(user, address);
        }
        return wait;
    }

    @Test
    void eachFailureBeyondTheBudgetDoublesTheWaitUpToTheWindow() {
        for (int i = 0; i < 5; i++) {
            assertThat(fail("kim", "10.0.0.1")).isEmpty();
        }
        long[] expected = {30, 60, 120, 240, 480, 900, 900};
        for (long seconds : expected) {
            assertThat(fail("kim", "10.0.0.1")).hasValue(Duration.ofSeconds(seconds));
            // asking again does not extend the wait; half-way it is halved
            clock.advance(Duration.ofSeconds(seconds / 2));
            assertThat(fail("kim", "10.0.0.1")).hasValue(Duration.ofSeconds(seconds - seconds / 2));
            clock.advance(Duration.ofSeconds(seconds - seconds / 2));
            assertThat(fail("kim", "10.0.0.1")).as("after %d s", seconds).isEmpty();
        }
    }

    @Test
    void failuresAreForgottenAfterAQuietWindow() {
        for (int i = 0; i < 5; i++) {
            fail("kim", "10.0.0.1");
        }
        clock.advance(Duration.ofSeconds(30));
        assertThat(fail("kim", "10.0.0.1")).isEmpty();
        assertThat(fail("kim", "10.0.0.1")).hasValue(Duration.ofSeconds(60));
        // 60 s of waiting and 15 minutes of quiet: a fresh budget of five
        clock.advance(Duration.ofMinutes(16));
        for (int i = 0; i < 5; i++) {
            assertThat(fail("kim", "10.0.0.1")).isEmpty();
        }
        assertThat(fail("kim", "10.0.0.1")).hasValue(Duration.ofSeconds(30));
    }

    @Test
    void manyAddressesGuessingOneAccountSlowNewcomersButNotTheOwnersKnownAddress() {
        assertThat(succeed("jon", "192.0.2.7")).isEmpty(); // the owner's usual address
        for (int i = 0; i < 100; i++) {
            assertThat(fail("jon", "198.51.100." + i)).as("bot %d", i).isEmpty();
        }
        // the account's budget of 100 is spent: a new address waits, at most a minute
        assertThat(fail("jon", "203.0.113.1")).hasValue(Duration.ofSeconds(30));
        assertThat(succeed("jon", "192.0.2.7")).isEmpty();
        clock.advance(Duration.ofSeconds(30));
        assertThat(fail("jon", "203.0.113.1")).isEmpty();
        assertThat(fail("jon", "203.0.113.2")).hasValue(Duration.ofSeconds(60));
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofSeconds(60));
            assertThat(fail("jon", "203.0.113." + (10 + i))).isEmpty(); // one a minute gets through
        }
        assertThat(fail("jon", "203.0.113.2")).hasValue(Duration.ofSeconds(60));
        assertThat(succeed("jon", "192.0.2.7")).isEmpty();
        // other accounts are untouched
        assertThat(succeed("kim", "203.0.113.2")).isEmpty();
    }

    @Test
    void oneAddressGuessingManyAccountsSlowsItsNewcomersButNotItsKnownUsers() {
        assertThat(succeed("alice", "10.0.0.1")).isEmpty(); // works behind the same NAT
        for (int i = 0; i < 100; i++) {
            assertThat(fail("victim" + i, "10.0.0.1")).as("victim %d", i).isEmpty();
        }
        assertThat(fail("victim100", "10.0.0.1")).hasValue(Duration.ofSeconds(30));
        assertThat(fail("bob", "10.0.0.1")).hasValue(Duration.ofSeconds(30)); // a newcomer waits
        assertThat(succeed("alice", "10.0.0.1")).isEmpty();
        assertThat(succeed("bob", "10.0.0.2")).isEmpty(); // from elsewhere nobody waits
    }

    @Test
    void aSuccessClearsThePairButNotWhatTheAddressSpent() {
        for (int i = 0; i < 4; i++) {
            assertThat(fail("eve", "10.0.0.1")).isEmpty();
        }
        assertThat(succeed("eve", "10.0.0.1")).isEmpty(); // the guesser's own account
        for (int i = 0; i < 96; i++) {
            assertThat(fail("victim" + i, "10.0.0.1")).isEmpty();
        }
        // eve's four failures still count for the address (100 now); her pair is clean and known, a stranger waits
        assertThat(fail("eve", "10.0.0.1")).isEmpty();
        assertThat(fail("stranger", "10.0.0.1")).hasValue(Duration.ofSeconds(60));
    }

    @Test
    void anAttemptNeverCheckedIsGivenBack() {
        for (int i = 0; i < 20; i++) {
            assertThat(throttle.attempt("kim", "10.0.0.1")).isEmpty();
            throttle.unchecked("kim", "10.0.0.1"); // the server was busy
        }
        assertThat(fail("kim", "10.0.0.1")).isEmpty();
    }

    @Test
    void memoryIsBounded() {
        LoginThrottle small = new LoginThrottle(clock, 1, Duration.ofMinutes(15), 10);
        for (int i = 0; i < 1000; i++) {
            small.attempt("user" + i, "10.0.1." + i);
        }
        // the most recent keys are kept, the oldest forgotten
        assertThat(small.attempt("user999", "10.0.1.999")).isPresent();
        assertThat(small.attempt("user0", "10.0.1.0")).isEmpty();
    }
}
