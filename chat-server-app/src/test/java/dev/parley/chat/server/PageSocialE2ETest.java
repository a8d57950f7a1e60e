package dev.parley.chat.server;

import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.server.ChatPage.Chip;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Replies, reactions, @mentions and desktop notifications on the chat page, end to end: a real server and headless
 * Chromium (see {@link PageE2EBase}); other people act over REST.
 */
class PageSocialE2ETest extends PageE2EBase {

    @Test
    void replyingFromAMessageQuotesItAndEscapeCancelsTheReply() throws IOException {
        String otto = rest.signUp("otto");
        createRoom(otto, "plans");
        post(otto, "plans", "Shall we ship on Friday?\nOr wait for the fix?");
        try (ChatPage pia = ChatPage.open("pia", uri())) {
            pia.register("pia");
            pia.openRoom("plans");
            pia.awaitMessage("Shall we ship on Friday?\nOr wait for the fix?");

            pia.startReply("Shall we ship on Friday?\nOr wait for the fix?");
            assertThat(pia.replyBar()).isEqualTo("Replying to otto: Shall we ship on Friday?");
            assertThat(pia.driver.switchTo().activeElement().getAttribute("id")).isEqualTo("composer-input");
            pia.composer().sendKeys(Keys.ESCAPE);
            pia.await("the reply to be cancelled", () -> pia.replyBar().isEmpty());
            pia.send("Not a reply");
            pia.awaitMessage("Not a reply");
            assertThat(pia.replyQuote("Not a reply")).isEmpty();

            pia.startReply("Shall we ship on Friday?\nOr wait for the fix?");
            pia.send("Friday works for me");
            pia.awaitMessage("Friday works for me");
            assertThat(pia.replyBar()).as("the bar closes on sending").isEmpty();
            assertThat(pia.replyQuote("Friday works for me")).isEqualTo("otto Shall we ship on Friday?");

            // stored as a reply, not just drawn as one: the server's copy carries the preview
            JsonObject stored = rest.get("/api/messages?room=plans&limit=1", otto).json()
                    .getJsonArray("messages").getJsonObject(0);
            assertThat(stored.getString("body")).isEqualTo("Friday works for me");
            assertThat(stored.getJsonObject("replyTo").getString("excerpt")).isEqualTo("Shall we ship on Friday?");
            assertNoCspViolations(pia);
        }
    }

    @Test
    void clickingAQuoteJumpsToAnOriginalFarAboveAndADeletedOriginalSaysSo() throws IOException {
        String olga = rest.signUp("olga");
        createRoom(olga, "roadmap");
        String original = "Plan: rewrite the importer in Q3";
        long originalId = post(olga, "roadmap", original).getJsonNumber("id").longValue();
        for (int i = 1; i <= 120; i++) {
            post(olga, "roadmap", "status " + i);
        }
        reply(olga, "roadmap", "About that plan: Q4 instead", originalId);
        try (ChatPage rui = ChatPage.open("rui", uri())) {
            rui.register("rui");
            rui.openRoom("roadmap");
            rui.awaitMessage("About that plan: Q4 instead");
            assertThat(rui.confirmedTexts()).doesNotContain(original); // 120 messages above the newest page
            assertThat(rui.replyQuote("About that plan: Q4 instead")).isEqualTo("olga " + original);

            rui.clickReplyQuote("About that plan: Q4 instead");
            rui.await("the original to be shown and highlighted", () -> rui.focusedText().equals(original));
            rui.await("the original to be scrolled into view", () -> rui.inView(original));
            assertOrderedWithoutDuplicates(rui);
            assertThat(rui.confirmedTexts()).contains("status 1", "status 60", "status 120");

            assertThat(rest.delete("/api/messages/" + originalId, olga).status()).isEqualTo(200);
            rui.reload();
            rui.awaitMessage("About that plan: Q4 instead");
            assertThat(rui.replyQuote("About that plan: Q4 instead")).isEqualTo("Original message deleted");
        }
    }

    @Test
    void reactionsToggledByTwoPeopleShowLiveOnBothPagesWithTheirPressedState() throws IOException {
        try (ChatPage sara = ChatPage.open("sara", uri()); ChatPage tom = ChatPage.open("tom", uri())) {
            sara.register("sara");
            sara.createRoom("kitchen", false);
            tom.register("tom"); // after the room exists: the list shows others' new rooms at its next refresh
            tom.openRoom("kitchen");
            sara.send("Cake in the kitchen");
            sara.awaitMessage("Cake in the kitchen");
            tom.awaitMessage("Cake in the kitchen");

            sara.react("Cake in the kitchen", "👍");
            tom.await("sara's reaction", () -> tom.reactions("Cake in the kitchen")
                    .equals(List.of(new Chip("👍", 1, false, "👍 1 reaction"))));
            sara.await("sara's chip pressed", () -> sara.reactions("Cake in the kitchen")
                    .equals(List.of(new Chip("👍", 1, true, "👍 1 reaction, including you"))));

            tom.clickChip("Cake in the kitchen", "👍");
            sara.await("tom's reaction too", () -> sara.reactions("Cake in the kitchen")
                    .equals(List.of(new Chip("👍", 2, true, "👍 2 reactions, including you"))));
            tom.await("tom's chip pressed", () -> tom.reactions("Cake in the kitchen").get(0).pressed());

            // the picker by keyboard: the React button, the second emoji, Enter
            WebElement react = tom.row("Cake in the kitchen").findElement(By.cssSelector("button.react"));
            tom.js("arguments[0].focus();", react);
            tom.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
            tom.await("the picker's first emoji to take the focus", () ->
                    "👍".equals(tom.driver.switchTo().activeElement().getAttribute("data-emoji")));
            tom.driver.switchTo().activeElement().sendKeys(Keys.ARROW_RIGHT);
            tom.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
            sara.await("tom's heart", () -> sara.reactions("Cake in the kitchen").size() == 2);
            assertThat(sara.reactions("Cake in the kitchen").get(1)).isEqualTo(new Chip("❤️", 1, false,
                    "❤️ 1 reaction"));
            sara.startReply("Cake in the kitchen");
            sara.screenshot("reactions-and-reply");
            sara.composer().sendKeys(Keys.ESCAPE);

            sara.clickChip("Cake in the kitchen", "👍"); // sara takes hers back
            tom.await("sara's reaction gone", () -> tom.reactions("Cake in the kitchen").get(0)
                    .equals(new Chip("👍", 1, true, "👍 1 reaction, including you")));
            sara.await("sara's chip released", () -> !sara.reactions("Cake in the kitchen").get(0).pressed());
            assertNoCspViolations(sara);
            assertNoCspViolations(tom);
        }
    }

    @Test
    void aMentionShowsABadgeInTheRoomListUntilReadAndHighlightsTheMessage() throws IOException {
        String uma = rest.signUp("uma");
        String vic = rest.signUp("vic");
        createRoom(vic, "ops");
        joinRoom(uma, "ops");
        post(vic, "ops", "@uma the backup failed overnight");
        try (ChatPage page = ChatPage.open("uma", uri())) {
            page.signIn("uma", ChatPage.PASSWORD);
            page.awaitLive();
            page.awaitOpenRoom("general");
            page.await("the mention badge from the room list", () -> page.mentionBadge("ops") == 1);

            post(vic, "ops", "and the disk is at 91%");
            post(vic, "ops", "@UMA can you look?");
            post(vic, "ops", "mail uma@example.com for access"); // not a mention
            page.await("the live mention", () -> page.mentionBadge("ops") == 2);
            page.await("the unread count", () -> page.unread("ops") == 4);
            assertThat(page.mentionBadge("general")).isZero();

            page.openRoom("ops");
            page.awaitMessage("@UMA can you look?");
            assertThat(page.highlightedAsMention("@uma the backup failed overnight")).isTrue();
            assertThat(page.highlightedAsMention("@UMA can you look?")).isTrue();
            assertThat(page.highlightedAsMention("and the disk is at 91%")).isFalse();
            assertThat(page.highlightedAsMention("mail uma@example.com for access")).isFalse();

            // "@" offers the room's members; Enter takes the suggestion, the next Enter sends
            WebElement box = page.composer();
            box.sendKeys("thanks @v");
            page.await("the member suggestion", () -> page.driver.findElements(
                    By.cssSelector("#mention-suggest [role=option][data-user='vic']")).size() == 1);
            box.sendKeys(Keys.ENTER);
            assertThat(box.getAttribute("value")).isEqualTo("thanks @vic ");
            box.sendKeys("on it", Keys.ENTER);
            page.awaitMessage("thanks @vic on it");

            page.openRoom("general");
            assertThat(page.mentionBadge("ops")).isZero();
            String token = rest.login("uma");
            page.await("the read position to reach the server", () -> rest.get("/api/rooms", token).json()
                    .getJsonArray("rooms").getValuesAs(JsonObject.class).stream()
                    .filter(r -> r.getString("name").equals("ops"))
                    .allMatch(r -> r.getInt("unreadMentions", 0) == 0));
            page.reload();
            page.awaitLive();
            page.awaitOpenRoom("general");
            assertThat(page.mentionBadge("ops")).isZero();
        }
    }

    @Test
    void aMentionOrADirectMessageWhileTheTabIsHiddenRaisesADesktopNotificationThatOpensTheRoom()
            throws IOException {
        String will = rest.signUp("will");
        String xia = rest.signUp("xia");
        createRoom(will, "deploys");
        joinRoom(xia, "deploys");
        try (ChatPage page = ChatPage.open("xia", uri())) {
            page.signIn("xia", ChatPage.PASSWORD);
            page.awaitLive();
            page.awaitOpenRoom("general");
            String origin = uri().toString().replaceAll("/+$", "");
            page.driver.executeCdpCommand("Browser.grantPermissions",
                    Map.of("origin", origin, "permissions", List.of("notifications")));
            WebElement bell = page.driver.findElement(By.id("notify-toggle"));
            assertThat(bell.getAttribute("aria-pressed")).isEqualTo("false");
            bell.click();
            page.await("notifications to be on", () -> "true".equals(bell.getAttribute("aria-pressed")));

            // the browser's Notification, wrapped to record what the page shows; the tab is made hidden
            page.js("window.__notes = [];"
                    + "var Real = window.Notification;"
                    + "function Recorder(title, options) {"
                    + "  window.__notes.push({ title: title, body: options.body }); window.__lastNote = this;"
                    + "  this.close = function () {};"
                    + "}"
                    + "Recorder.permission = Real.permission;"
                    + "Recorder.requestPermission = function () { return Real.requestPermission(); };"
                    + "window.Notification = Recorder;"
                    + "Object.defineProperty(document, 'hidden', { configurable: true, get: function () { return true; } });"
                    + "Object.defineProperty(document, 'visibilityState', { configurable: true,"
                    + "  get: function () { return 'hidden'; } });");

            post(will, "deploys", "nothing for xia here");
            post(will, "deploys", "@xia the deploy is done");
            page.await("a notification", () -> ((Number) page.js("return window.__notes.length;")).intValue() > 0);
            assertThat(page.js("return window.__notes;")).isEqualTo(List.of(
                    Map.of("title", "will mentioned you in #deploys", "body", "will: @xia the deploy is done")));

            JsonObject dm = rest.post("/api/direct", will, json("username", "xia")).json();
            String dmRoom = dm.getString("name");
            page.await("the conversation in the list", () -> !page.driver.findElements(
                    By.cssSelector(".room-item[data-room='" + dmRoom + "']")).isEmpty());
            page.await("the page to follow the conversation", () -> Boolean.TRUE.equals(page.driver
                    .executeAsyncScript("var done = arguments[1];"
                            + "window.parley.client.join(arguments[0]).then(function () { done(true); },"
                            + "  function () { done(false); });", dmRoom)));
            post(will, dmRoom, "are you around?");
            page.await("the direct message's notification", () ->
                    ((Number) page.js("return window.__notes.length;")).intValue() == 2);
            assertThat(page.js("return window.__notes[1];"))
                    .isEqualTo(Map.of("title", "will (direct message)", "body", "will: are you around?"));

            page.js("window.__lastNote.onclick();");
            page.await("the conversation to open", () -> page.roomTitle().endsWith("will"));
        }
    }
}
