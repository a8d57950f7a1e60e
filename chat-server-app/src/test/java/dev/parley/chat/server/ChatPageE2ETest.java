package dev.parley.chat.server;

import static dev.parley.chat.server.PageE2EBase.assertNoCspViolations;
import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.server.ChatPage.Shown;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The chat page end to end: a real server (SQLite in a temporary folder, ephemeral port) and headless Chromium
 * sessions that use the page as people would. Skipped without Chromium and chromedriver, except under CI=true,
 * where that is a failure (see {@link Browsers}). Screenshots land in {@code target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatPageE2ETest {
    @TempDir
    static Path dir;

    private ParleyServer server;
    private TestClient rest;

    @BeforeAll
    void start() throws IOException {
        try {
            Browsers.requireBrowser(); // under CI=true a missing browser fails the whole class here
        } catch (org.opentest4j.TestAbortedException e) {
            return; // no server needed: every test is skipped with the reason in @BeforeEach
        }
        server = PageE2EBase.startServer(dir, 0);
        rest = new TestClient(server.uri());
    }

    @BeforeEach
    void requireBrowser() {
        Browsers.requireBrowser();
    }

    @AfterAll
    void stop() {
        Browsers.closeIdle();
        if (server != null) {
            server.close();
        }
    }

    private URI uri() {
        return server.uri();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Every message of a room over REST, oldest first. */
    private List<JsonObject> history(String token, String room) {
        List<JsonObject> all = new ArrayList<>();
        long after = 0;
        for (;;) {
            JsonObject page = rest.get("/api/messages?room=" + enc(room) + "&after=" + after + "&limit=200", token)
                    .json();
            List<JsonObject> messages = page.getJsonArray("messages").getValuesAs(JsonObject.class);
            all.addAll(messages);
            if (!page.getBoolean("hasMore") || messages.isEmpty()) {
                return all;
            }
            after = messages.get(messages.size() - 1).getJsonNumber("seq").longValue();
        }
    }

    private static String tokenOf(ChatPage page) {
        return page.js("return JSON.parse(localStorage.getItem('parley.session')).token;").toString();
    }

    /** Confirmed rows are in strictly increasing seq order, so no message is shown twice; nothing is pending. */
    private static void assertOrderedWithoutDuplicates(ChatPage page) {
        List<Shown> shown = page.messages();
        assertThat(shown).as(page.label + " has nothing pending").allMatch(m -> m.state().equals("confirmed"));
        List<Long> seqs = shown.stream().map(Shown::seq).collect(Collectors.toList());
        assertThat(seqs).as(page.label + " seqs").isSorted().doesNotHaveDuplicates();
    }


    // ---- the tests ---------------------------------------------------------------------------------------------

    @Test
    void twoPeopleRegisterJoinARoomAndChatBothWaysLive() throws IOException {
        try (ChatPage ann = ChatPage.open("ann", uri()); ChatPage ben = ChatPage.open("ben", uri())) {
            ann.register("ann");
            assertThat(ann.roomTitle()).endsWith("general");
            ann.createRoom("lounge", false);

            ben.register("ben");
            ben.openRoom("lounge"); // a public room ben is not in yet: clicking joins it
            ann.await("ben to show as online in lounge", () -> ann.onlineMembers().contains("ben"));
            // ann's own presence comes from her subscription, which may be answered before the room's view exists
            assertThat(ann.onlineMembers()).as("ann online in her new room").contains("ann");

            ann.send("Hi Ben! Welcome to the lounge.");
            ben.awaitMessage("Hi Ben! Welcome to the lounge.");
            ann.awaitMessage("Hi Ben! Welcome to the lounge.");

            WebElement box = ben.composer();
            box.sendKeys("Thanks Ann!");
            box.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
            box.sendKeys("Happy to be here.");
            box.sendKeys(Keys.ENTER);
            ann.awaitMessage("Thanks Ann!\nHappy to be here.");

            ann.send("The release notes are in the wiki; shout if anything is unclear.");
            ben.send("Will do. I'll read them over lunch.");
            ann.awaitMessage("Will do. I'll read them over lunch.");
            ben.awaitMessage("The release notes are in the wiki; shout if anything is unclear.");
            ben.await("ben's own message to be confirmed", () ->
                    ben.confirmedTexts().contains("Will do. I'll read them over lunch."));

            for (ChatPage page : List.of(ann, ben)) {
                assertThat(page.confirmedTexts()).containsExactly(
                        "Hi Ben! Welcome to the lounge.",
                        "Thanks Ann!\nHappy to be here.",
                        "The release notes are in the wiki; shout if anything is unclear.",
                        "Will do. I'll read them over lunch.");
                assertOrderedWithoutDuplicates(page);
                assertNoCspViolations(page);
            }

            // ben starts typing: ann sees it; that moment is the README's screenshot
            ben.composer().sendKeys("One question about the deploy");
            ann.await("ann to see ben typing", () -> ann.typingLine().equals("ben is typing…"));
            ann.screenshot("conversation");
        }
    }

    @Test
    void aPhoneSizedScreenShowsTheRoomAndTheRoomListAsADrawer() throws IOException {
        try (ChatPage cleo = ChatPage.open("cleo", uri(), 390, 844)) {
            cleo.register("cleo");
            cleo.send("Hello from a small screen");
            cleo.awaitMessage("Hello from a small screen");
            WebElement sidebar = cleo.driver.findElement(By.id("sidebar"));
            assertThat(sidebar.isDisplayed()).as("the room list is tucked away").isFalse();
            cleo.driver.findElement(By.cssSelector(".room-header .menu")).click();
            cleo.await("the room list to slide in", () -> sidebar.isDisplayed() && sidebar.getRect().getX() == 0);
            cleo.screenshot("phone-rooms");
            cleo.driver.findElement(By.cssSelector(".room-item[data-room='general']")).click();
            cleo.await("the room list to close", () -> !sidebar.isDisplayed());
            cleo.screenshot("phone-conversation");
        }
    }

    @Test
    void olderHistoryPagesInByClickingLoadOlderAndScrollingUp() throws IOException {
        String paula = rest.signUp("paula");
        assertThat(rest.post("/api/rooms", paula, json("name", "archive")).status()).isEqualTo(201);
        for (int i = 1; i <= 120; i++) {
            assertThat(rest.post("/api/messages", paula, json("room", "archive", "body", "archived message " + i))
                    .status()).isEqualTo(201);
        }
        List<String> all = IntStream.rangeClosed(1, 120).mapToObj(i -> "archived message " + i)
                .collect(Collectors.toList());
        try (ChatPage page = ChatPage.open("paula", uri())) {
            page.signIn("paula", ChatPage.PASSWORD);
            page.awaitLive();
            page.openRoom("archive");
            page.awaitMessage("archived message 120");
            assertThat(page.confirmedTexts()).isEqualTo(all.subList(70, 120)); // the newest page

            // the button (clicked without scrolling: scrolling to the top would load the next page by itself)
            page.js("document.getElementById('load-older').click();");
            page.await("the second page", () -> page.confirmedTexts().size() == 100);
            assertThat(page.confirmedTexts()).isEqualTo(all.subList(20, 120));

            page.js("document.getElementById('messages').scrollTop = 0;"); // scrolling to the top loads more
            page.await("the first messages", () -> page.confirmedTexts().size() == 120);
            assertThat(page.confirmedTexts()).isEqualTo(all);
            page.await("the start of the room", () ->
                    !page.driver.findElements(By.cssSelector("#messages .start")).isEmpty());
            assertOrderedWithoutDuplicates(page);
        }
    }

    @Test
    void markupInAMessageIsShownAsTextAndNeverRuns() throws IOException {
        String payload = "<img src=x onerror=window.__xss=1>";
        String other = "<script>window.__xss=2</script><b>bold?</b>";
        String mallory = rest.signUp("mallory");
        try (ChatPage page = ChatPage.open("xena", uri())) {
            page.register("xena");
            page.send(payload);
            assertThat(rest.post("/api/messages", mallory, json("room", "general", "body", other)).status())
                    .isEqualTo(201);
            page.awaitMessage(payload);
            page.awaitMessage(other);
            assertThat(page.row(payload).findElement(By.className("text")).getText()).isEqualTo(payload);
            assertThat(page.js("return window.__xss;")).isNull();
            assertThat(page.js("return document.querySelectorAll('#messages img, #messages script, #messages b')"
                    + ".length;")).isEqualTo(0L);
            page.reload(); // and again when it comes from history instead of the socket
            page.awaitMessage(payload);
            page.awaitMessage(other);
            assertThat(page.js("return window.__xss;")).isNull();
            assertThat(page.js("return document.querySelectorAll('#messages img, #messages script, #messages b')"
                    + ".length;")).isEqualTo(0L);
            assertNoCspViolations(page);
        }
    }

    @Test
    void afterAServerRestartBothPagesReconnectAndCatchUpWithoutDuplicates() throws IOException {
        String carl = rest.signUp("carl");
        try (ChatPage ann = ChatPage.open("dana", uri()); ChatPage ben = ChatPage.open("eric", uri())) {
            ann.register("dana");
            ann.createRoom("harbor", false);
            ben.register("eric");
            ben.openRoom("harbor");
            assertThat(rest.post("/api/rooms/harbor/join", carl, null).status()).isEqualTo(200);
            ann.send("before the restart");
            ben.awaitMessage("before the restart");

            // eric's browser loses the network; carl writes meanwhile, dana sees it live
            ben.goOffline();
            for (int i = 1; i <= 3; i++) {
                assertThat(rest.post("/api/messages", carl, json("room", "harbor", "body", "while eric was away " + i))
                        .status()).isEqualTo(201);
            }
            ann.awaitMessage("while eric was away 3");
            ben.send("eric wrote this offline");
            ben.await("eric's message to wait as pending", () -> ben.messages().stream()
                    .anyMatch(m -> m.state().equals("pending") && m.text().equals("eric wrote this offline")));

            // the server stops; dana writes while it is down
            int port = server.port();
            server.close();
            ann.await("dana to notice the server is gone", () -> !ann.connectionState().equals("live"));
            ann.send("dana wrote this during the outage");

            // the server comes back on the same port and database; carl writes right away; eric's network returns
            server = PageE2EBase.startServer(dir, port);
            rest = new TestClient(server.uri());
            assertThat(rest.post("/api/messages", carl, json("room", "harbor", "body", "right after the restart"))
                    .status()).isEqualTo(201);
            ben.goOnline();

            List<String> expected = List.of("before the restart", "while eric was away 1", "while eric was away 2",
                    "while eric was away 3", "eric wrote this offline", "dana wrote this during the outage",
                    "right after the restart");
            for (ChatPage page : List.of(ann, ben)) {
                page.await("reconnecting", Duration.ofSeconds(30), () -> page.connectionState().equals("live"));
                page.await("every message, once, confirmed", Duration.ofSeconds(30), () ->
                        page.confirmedTexts().containsAll(expected) && page.messages().size() == expected.size());
                assertThat(page.confirmedTexts()).as(page.label).containsExactlyInAnyOrderElementsOf(expected);
                assertOrderedWithoutDuplicates(page);
            }
            // the server stored each of them once too (the pending ones were retried with the same clientMsgId)
            assertThat(history(carl, "harbor")).extracting(m -> m.getString("body"))
                    .containsExactlyInAnyOrderElementsOf(expected);
            // and live chat goes on
            ben.send("all good again");
            ann.awaitMessage("all good again");
        }
    }

    @Test
    void theUnreadCountRisesInARoomThatIsNotOpenAndClearsWhenItIsRead() throws IOException {
        String rita = rest.signUp("rita");
        assertThat(rest.post("/api/rooms", rita, json("name", "side")).status()).isEqualTo(201);
        try (ChatPage sam = ChatPage.open("sam", uri())) {
            sam.register("sam");
            sam.openRoom("side");
            sam.openRoom("general");
            for (int i = 1; i <= 3; i++) {
                rest.post("/api/messages", rita, json("room", "side", "body", "side note " + i));
            }
            sam.await("three unread in side", () -> sam.unread("side") == 3);
            assertThat(sam.unread("general")).isZero();
            String token = tokenOf(sam);

            sam.openRoom("side");
            sam.awaitMessage("side note 3");
            sam.await("the badge to go", () -> sam.unread("side") == 0);
            sam.await("the read position to reach the server", () -> rest.get("/api/rooms", token).json()
                    .getJsonArray("rooms").getValuesAs(JsonObject.class).stream()
                    .filter(r -> r.getString("name").equals("side")).findFirst().orElseThrow().getInt("unread") == 0);
        }
    }

    @Test
    void theTypingIndicatorShowsWhileSomeoneTypesAndThenFades() throws IOException {
        try (ChatPage tia = ChatPage.open("tia", uri()); ChatPage uma = ChatPage.open("uma", uri())) {
            tia.register("tia");
            uma.register("uma");
            uma.composer().sendKeys("I am writing something long");
            tia.await("uma is typing", () -> tia.typingLine().equals("uma is typing…"));
            tia.await("the indicator to fade", Duration.ofSeconds(10), () -> tia.typingLine().isEmpty());
        }
    }

    @Test
    void ownMessagesCanBeEditedAndDeletedAndOthersSeeTheChange() throws IOException {
        try (ChatPage vic = ChatPage.open("vic", uri()); ChatPage wes = ChatPage.open("wes", uri())) {
            vic.register("vic");
            vic.createRoom("edits", false);
            wes.register("wes");
            wes.openRoom("edits");
            vic.send("this has a tpyo");
            vic.send("this will go away");
            wes.awaitMessage("this will go away");
            assertThat(wes.driver.findElements(By.cssSelector("#messages .msg-actions button.edit,"
                    + " #messages .msg-actions button.delete"))).as("no edit or delete on others'").isEmpty();

            vic.edit("this has a tpyo", "this had a typo");
            wes.awaitMessage("this had a typo");
            wes.await("the edited mark", () -> wes.messages().stream()
                    .anyMatch(m -> m.text().equals("this had a typo") && m.edited()));
            assertThat(wes.confirmedTexts()).doesNotContain("this has a tpyo");

            vic.delete("this will go away");
            for (ChatPage page : List.of(vic, wes)) {
                page.await("the deletion", () -> page.messages().stream().anyMatch(Shown::deleted)
                        && !page.confirmedTexts().contains("this will go away"));
                assertOrderedWithoutDuplicates(page);
            }
        }
    }

    /** The page's resume position in a room (its last change seen), or null if it has none. */
    private static Long lastChange(ChatPage page, String room) {
        Object change = page.js("var c = window.parley.client.lastChange(arguments[0]); return c === undefined ? null : c;",
                room);
        return change == null ? null : ((Number) change).longValue();
    }

    private void awaitPositionOfRoom(ChatPage page, String token, String room) {
        page.await(page.label + "'s position in " + room + " to reach the room's newest change",
                () -> java.util.Objects.equals(lastChange(page, room), rest.changesPosition(token, room)));
    }

    @Test
    void aPageThatWasOfflineShowsTheEditsDeletionsAndEditedNewMessagesOfMeanwhileWithoutAReload()
            throws IOException {
        try (ChatPage fay = ChatPage.open("fay", uri()); ChatPage gil = ChatPage.open("gil", uri())) {
            fay.register("fay");
            fay.createRoom("meanwhile", false);
            gil.register("gil");
            gil.openRoom("meanwhile");
            gil.send("the meeting is at 3");
            gil.send("bring snacks");
            gil.send("see you there");
            fay.awaitMessage("see you there");
            String token = tokenOf(fay);
            awaitPositionOfRoom(fay, token, "meanwhile");
            fay.markDocument();

            fay.goOffline();
            gil.edit("the meeting is at 3", "the meeting is at 4");
            gil.delete("bring snacks");
            gil.send("one more thing");
            gil.awaitMessage("one more thing");
            gil.edit("one more thing", "one more thing: the room changed");
            // (a deleted message shows no text)
            List<String> now = List.of("the meeting is at 4", "", "see you there", "one more thing: the room changed");
            gil.await("gil's own changes", () -> gil.confirmedTexts().equals(now));
            gil.await("the changes to be stored", () -> history(token, "meanwhile").stream()
                    .map(m -> m.getString("body")).collect(Collectors.toList()).equals(now));

            fay.goOnline();
            fay.awaitLive();
            fay.await("the edits and the deletion", () -> fay.confirmedTexts().equals(now));
            List<Shown> shown = fay.messages();
            assertThat(shown).extracting(Shown::seq).containsExactly(1L, 2L, 3L, 4L);
            assertThat(shown).extracting(Shown::edited).containsExactly(true, false, false, true);
            assertThat(shown.get(1).deleted()).isTrue();
            assertThat(fay.sameDocument()).as("no reload").isTrue();
            assertOrderedWithoutDuplicates(fay);
            awaitPositionOfRoom(fay, token, "meanwhile");
        }
    }

    @Test
    void aPositionTheServerCannotContinueMakesThePageReloadTheRoomAndFollowItLiveAgain() throws IOException {
        String ivo = rest.signUp("ivo");
        try (ChatPage hana = ChatPage.open("hana", uri())) {
            hana.register("hana");
            hana.createRoom("lost-place", false);
            assertThat(rest.post("/api/rooms/lost-place/join", ivo, null).status()).isEqualTo(200);
            rest.post("/api/messages", ivo, json("room", "lost-place", "body", "before"));
            hana.awaitMessage("before");
            String token = tokenOf(hana);
            awaitPositionOfRoom(hana, token, "lost-place");
            hana.markDocument();

            // a position beyond the room's end (as after the server's database was replaced): the server answers the
            // page's resume with resync_required, and replays nothing
            hana.goOffline();
            // (the position lives in the page's client, @parley/client; no public setter exists for this test's trick)
            hana.js("window.parley.client.roomsTracker.rooms.get('lost-place').lastChange = 1000000;");
            rest.post("/api/messages", ivo, json("room", "lost-place", "body", "while the page was away"));
            hana.goOnline();
            hana.awaitLive();
            hana.awaitMessage("while the page was away"); // from the reloaded history
            awaitPositionOfRoom(hana, token, "lost-place");
            rest.post("/api/messages", ivo, json("room", "lost-place", "body", "and live again"));
            hana.awaitMessage("and live again");
            assertThat(hana.confirmedTexts()).containsExactly("before", "while the page was away", "and live again");
            assertThat(hana.sameDocument()).as("no reload").isTrue();
            assertOrderedWithoutDuplicates(hana);
        }
    }

    @Test
    void theResumePositionMovesOnlyWithStreamFramesAndNeverPastAReplayThatHasNotArrived() throws IOException {
        try (ChatPage kim = ChatPage.open("kim", uri())) {
            kim.register("kim");
            // frames handed to the page's client (@parley/client) directly, for a room of its own making that the
            // server never hears of; each step reports the room's resume position
            Object positions = kim.js(String.join("\n",
                    "var c = window.parley.client, rooms = c.roomsTracker, out = [];",
                    "var r = rooms.room('sandbox');",
                    "function msg(seq, change) { return {id: 900 + seq, room: 'sandbox', seq: seq, change: change,",
                    "  sender: 'lee', body: 'm' + seq, createdAt: '2030-01-01T00:00:00Z'}; }",
                    "function note() { var p = c.lastChange('sandbox'); out.push(p === undefined ? null : p); }",
                    "function step(frame) { c.frame(frame); note(); }",
                    "function subscribed(sub, resumed) { rooms.subscribed(r, sub, resumed); note(); }",
                    // followed but not yet subscribed: no position; a first join replays nothing, so the position
                    // is the subscription's at once
                    "note();",
                    "subscribed({room: 'sandbox', lastSeq: 10, lastChange: 15, online: []}, false);",
                    // live: stream frames move it, replies and presence online/offline do not
                    "step({type: 'presence', room: 'sandbox', user: {id: 5, username: 'lee'}, state: 'join',",
                    "  change: 16});",
                    "step({type: 'edited', message: msg(9, 20), ref: 'r1'});",
                    "step({type: 'ack', clientMsgId: 'x', message: msg(11, 21), ref: 'r2'});",
                    "step({type: 'presence', room: 'sandbox', user: {id: 5, username: 'lee'}, state: 'online'});",
                    "step({type: 'message', room: 'sandbox', change: 17, message: msg(11, 17)});",
                    // the socket drops; a resume after change 17 replays 18..19 in change order: the subscription's
                    // end (19) is not a position before its frames arrive; each replayed frame is a safe position
                    "rooms.onClosed();",
                    "subscribed({room: 'sandbox', lastSeq: 11, lastChange: 19, online: []}, true);",
                    "step({type: 'deleted', room: 'sandbox', change: 18, message: msg(11, 18)});",
                    "step({type: 'message', room: 'sandbox', change: 17, message: msg(11, 17)});", // seen already
                    "step({type: 'edited', room: 'sandbox', change: 19, message: msg(10, 19)});",
                    "rooms.forget('sandbox');",
                    "return out;"));
            assertThat(positions).isEqualTo(java.util.Arrays.asList(null, 15L, 16L, 16L, 16L, 16L, 17L, 17L, 18L,
                    18L, 19L));
        }
    }

    @Test
    void aMessageTheServerRefusesStaysAsNotSentWithRetryAndDiscard() throws IOException {
        try (ChatPage xia = ChatPage.open("xia", uri())) {
            xia.register("xia");
            xia.createRoom("refusals", false);
            // the composer holds back over-long text itself; the page's send action does not, so the server refuses
            xia.js("window.parley.actions.send('refusals', 'x'.repeat(4001));");
            xia.await("the refusal", () -> xia.messages().stream().anyMatch(m -> m.state().equals("failed")));
            WebElement row = xia.driver.findElement(By.cssSelector("#messages article.msg[data-state='failed']"));
            assertThat(row.findElement(By.className("send-state")).getText())
                    .startsWith("Not sent: The message is too long.").contains("Retry").contains("Discard");
            row.findElement(By.xpath(".//button[text()='Retry']")).click(); // refused again, shown again
            xia.await("the second refusal", () -> xia.messages().stream().filter(m -> m.state().equals("failed"))
                    .count() == 1 && xia.driver.findElements(By.cssSelector("#messages article.msg")).size() == 1);
            xia.driver.findElement(By.xpath("//article[@data-state='failed']//button[text()='Discard']")).click();
            xia.await("the row to go", () -> xia.messages().isEmpty());
            xia.send("a short one");
            xia.awaitMessage("a short one");
            assertOrderedWithoutDuplicates(xia);
        }
    }

    @Test
    void aDirectConversationOpensByUsername() throws IOException {
        String ida = rest.signUp("ida");
        try (ChatPage jon = ChatPage.open("jon", uri())) {
            jon.register("jon");
            jon.openDirect("ida");
            jon.send("psst, ida");
            jon.awaitMessage("psst, ida");
            JsonObject direct = rest.post("/api/direct", ida, json("username", "jon")).json();
            List<JsonObject> messages = history(ida, direct.getString("name"));
            assertThat(messages).extracting(m -> m.getString("body")).containsExactly("psst, ida");
        }
    }

    @Test
    void theSessionSurvivesAReloadAndSigningOutReturnsToTheLoginScreen() throws IOException {
        try (ChatPage lena = ChatPage.open("lena", uri())) {
            lena.register("lena");
            String token = tokenOf(lena);
            lena.reload();
            lena.awaitLive();
            assertThat(lena.driver.findElement(By.id("me-name")).getText()).isEqualTo("lena");
            lena.signOut();
            assertThat(rest.get("/api/rooms", token).status()).isEqualTo(401);
            lena.reload();
            lena.await("the login screen after a reload", lena::onLoginScreen);
        }
    }

    @Test
    void aSessionEndedElsewhereReturnsThePageToTheLoginScreen() throws IOException {
        try (ChatPage nia = ChatPage.open("nia", uri())) {
            nia.register("nia");
            String token = tokenOf(nia);
            assertThat(rest.post("/api/logout", token, null).status()).isEqualTo(204); // closes with logged_out
            nia.await("the login screen", nia::onLoginScreen);
            assertThat(nia.driver.findElement(By.cssSelector(".auth .notice")).getText()).contains("signed out");
            nia.signIn("nia", ChatPage.PASSWORD);
            nia.awaitLive();
        }
    }

    @Test
    void signInProblemsAreExplainedNextToTheForm(@TempDir Path otherDir) throws IOException {
        try (ParleyServer strict = PageE2EBase.startServer(otherDir, 0, "PARLEY_LOGIN_MAX_FAILURES", "2");
                ChatPage page = ChatPage.open("omar", strict.uri())) {
            new TestClient(strict.uri()).signUp("omar");
            page.submitRegistration("omar", ChatPage.PASSWORD);
            page.await("name taken", () -> page.authError().contains("already taken"));
            page.submitRegistration("ab", ChatPage.PASSWORD);
            page.await("bad name", () -> page.authError().contains("3 to 32"));
            page.signIn("omar", "not the password");
            page.await("wrong password", () -> page.authError().equals("Wrong username or password."));
            page.screenshot("sign-in-error");
            page.signIn("omar", "still not it");
            page.await("wrong password again", () -> page.authError().equals("Wrong username or password.")
                    && page.driver.findElement(By.id("auth-submit")).isEnabled());
            page.signIn("omar", "third time");
            page.await("rate limited", () -> page.authError().startsWith("Too many failed attempts."));
            assertThat(page.onLoginScreen()).isTrue();
        }
    }
}
