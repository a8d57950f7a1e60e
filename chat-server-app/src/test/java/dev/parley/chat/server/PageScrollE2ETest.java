package dev.parley.chat.server;

import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import jakarta.json.JsonObject;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The message list's scroll position end to end: paging older messages in keeps one's place, new messages while
 * scrolled up are announced and one's own send brings the view down, the phone layout stays pinned while offline,
 * and a room with many unread messages opens at the first of them.
 */
class PageScrollE2ETest extends PageE2EBase {

    private static int unreadOnServer(TestClient rest, String token, String room) {
        return rest.get("/api/rooms", token).json().getJsonArray("rooms").getValuesAs(JsonObject.class).stream()
                .filter(r -> r.getString("name").equals(room)).findFirst().orElseThrow().getInt("unread");
    }

    @Test
    void olderMessagesPagedInByTheWheelKeepTheTopMessageInPlaceAndScrollingOnLoadsTheRest() throws IOException {
        String token = rest.signUp("wheeler");
        createRoom(token, "wheel-back");
        seed(token, "wheel-back", "wheel", 120);
        try (ChatPage page = signedIn("wheeler", "wheeler", "wheel-back")) {
            page.awaitMessage("wheel 120");
            assertThat(page.confirmedTexts()).hasSize(50);
            page.scrollListTo(200);
            page.awaitScrollSettled();
            assertThat(page.confirmedTexts()).as("nothing loaded yet").hasSize(50);

            long[] top = page.topMessage();
            double scrolled = Math.min(120, page.scrollTop());
            page.wheel(-120); // past the point where the next page loads by itself
            page.await("the next page", () -> page.confirmedTexts().size() == 100);
            page.awaitScrollSettled();
            assertThat(page.offsetOf(top[0])).as("message " + top[0] + " stays where the wheel put it")
                    .isCloseTo(top[1] + scrolled, within(6.0));

            for (int i = 0; i < 20 && page.confirmedTexts().size() < 120; i++) {
                page.wheel(-400);
                page.awaitScrollSettled();
            }
            assertThat(page.confirmedTexts()).as("scrolling on loads the rest").hasSize(120);
            page.await("the start of the room", () ->
                    !page.driver.findElements(By.cssSelector("#messages .start")).isEmpty());
        }
    }

    @Test
    void olderMessagesPagedInByTheButtonKeepTheTopMessageInPlace() throws IOException {
        String token = rest.signUp("clicker");
        createRoom(token, "button-back");
        seed(token, "button-back", "button", 120);
        try (ChatPage page = signedIn("clicker", "clicker", "button-back")) {
            page.awaitMessage("button 120");
            page.scrollListTo(200);
            page.awaitScrollSettled();
            long[] top = page.topMessage();
            // the button, clicked where it is (scrolling it into view would page in by itself)
            page.js("document.getElementById('load-older').click();");
            page.await("the next page", () -> page.confirmedTexts().size() == 100);
            page.awaitScrollSettled();
            assertThat(page.offsetOf(top[0])).as("message " + top[0] + " stays in place").isCloseTo(top[1],
                    within(4.0));
        }
    }

    @Test
    void scrolledUpANewMessageIsAnnouncedAndOnesOwnSendBringsTheViewDown() throws IOException {
        String writer = rest.signUp("writer");
        rest.signUp("reader");
        createRoom(writer, "busy");
        seed(writer, "busy", "busy", 60);
        String readerToken = rest.login("reader");
        joinRoom(readerToken, "busy");
        try (ChatPage page = signedIn("reader", "reader", "busy")) {
            page.awaitMessage("busy 60");
            page.scrollListTo(300);
            page.awaitScrollSettled();
            page.await("a \"Jump to latest\" button while scrolled up", () -> !page.jumpButton().isEmpty());
            long[] top = page.topMessage();

            assertThat(rest.post("/api/messages", writer, json("room", "busy", "body", "fresh news")).status())
                    .isEqualTo(201);
            page.await("the count of new messages", () -> !page.jumpButton().isEmpty()
                    && page.jumpButton().get(0).getText().contains("1 new message"));
            assertThat(page.topMessage()[0]).as("the view did not move").isEqualTo(top[0]);
            page.jumpButton().get(0).click();
            page.await("the view at the newest message", () -> page.distanceFromBottom() < 2
                    && page.inListView(page.row("fresh news")));

            page.scrollListTo(300);
            page.awaitScrollSettled();
            page.send("my own reply");
            page.awaitMessage("my own reply");
            page.await("the view to follow one's own message", () -> page.inListView(page.row("my own reply"))
                    && page.distanceFromBottom() < 4);
        }
    }

    @Test
    void onAPhoneTheOfflineBannerKeepsTheListPinnedAndAnOfflineSendIsInView() throws IOException {
        String token = rest.signUp("pocket");
        seed(token, "general", "pocket", 30);
        try (ChatPage page = signedIn("phone", "pocket", null, 390, 844)) {
            page.awaitOpenRoom("general");
            page.awaitMessage("pocket 30");
            page.await("the list at its end", () -> page.distanceFromBottom() < 2);

            page.goOffline();
            page.await("the offline banner", () -> page.driver.findElement(By.id("conn-banner")).isDisplayed());
            page.awaitScrollSettled();
            assertThat(page.distanceFromBottom()).as("still pinned to the newest message").isLessThan(4);

            page.send("sent while offline");
            WebElement pending = page.driver.findElement(
                    By.cssSelector("#messages article.msg[data-state='pending']"));
            page.await("the offline message in view", () -> page.inListView(pending)
                    && page.distanceFromBottom() < 4);
            page.goOnline();
            page.awaitMessage("sent while offline");
        }
    }

    @Test
    void aRoomWithManyUnreadOpensAtTheFirstOfThemAndMarksThemReadOnlyAtTheBottom() throws IOException {
        String announcer = rest.signUp("announcer");
        String catchup = rest.signUp("catchup");
        createRoom(announcer, "backlog");
        seed(announcer, "backlog", "seen", 5);
        joinRoom(catchup, "backlog");
        assertThat(rest.post("/api/rooms/backlog/read", catchup, json("seq", 5)).status()).isEqualTo(200);
        seed(announcer, "backlog", "unread", 120);
        assertThat(unreadOnServer(rest, catchup, "backlog")).isEqualTo(120);
        try (ChatPage page = signedIn("catchup", "catchup", "backlog")) {
            page.await("the \"New messages\" line", () ->
                    !page.driver.findElements(By.cssSelector("#messages .new-line")).isEmpty());
            page.awaitScrollSettled();
            WebElement line = page.driver.findElement(By.cssSelector("#messages .new-line"));
            assertThat(page.inListView(line)).as("the \"New messages\" line in view").isTrue();
            assertThat(page.inListView(page.row("unread 1"))).as("the first unread message in view").isTrue();
            assertThat(page.distanceFromBottom()).as("not at the newest message").isGreaterThan(200);
            sleep(1500);
            assertThat(unreadOnServer(rest, catchup, "backlog")).as("nothing marked read yet").isEqualTo(120);

            page.await("the \"Jump to latest\" button", () -> !page.jumpButton().isEmpty());
            page.jumpButton().get(0).click();
            page.await("the view at the newest message", () -> page.distanceFromBottom() < 2);
            page.await("everything read on the server", () -> unreadOnServer(rest, catchup, "backlog") == 0);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
