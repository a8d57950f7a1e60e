package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.server.ChatPage.Result;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The page's message search end to end: a real server and headless Chromium (see {@link PageE2EBase}). */
class PageSearchE2ETest extends PageE2EBase {

    @Test
    void clickingASearchResultOpensItsRoomAtAMessage200MessagesBack() throws IOException {
        String yara = rest.signUp("yara");
        createRoom(yara, "records");
        String target = "The zebra crossing budget was approved";
        String targetId = post(yara, "records", target).get("id").toString();
        for (int i = 1; i <= 200; i++) {
            post(yara, "records", "routine update " + i);
        }
        post(yara, "general", "a Zebra in general, newer");
        try (ChatPage page = ChatPage.open("yara", uri())) {
            page.signIn("yara", ChatPage.PASSWORD);
            page.awaitLive();
            page.awaitOpenRoom("general");

            page.search("zebr");
            List<Result> results = page.searchResults();
            assertThat(results).extracting(Result::room).containsExactly("general", "records"); // newest first
            assertThat(results).extracting(Result::body).containsExactly("a Zebra in general, newer", target);
            assertThat(results).allSatisfy(r -> assertThat(r.marks()).containsExactly(
                    r.room().equals("general") ? "Zebra" : "zebra"));
            assertThat(results.get(1).sender()).isEqualTo("yara");

            page.clickSearchResult(targetId);
            page.awaitOpenRoom("records");
            page.await("the result's message, highlighted", () -> page.focusedText().equals(target));
            page.await("the message to be scrolled into view", () -> page.inView(target));
            page.screenshot("search-jump");
            assertThat(page.confirmedTexts()).contains("routine update 1", "routine update 200");
            assertOrderedWithoutDuplicates(page);
            assertNoCspViolations(page);
        }
    }

    @Test
    void aResultFarBackLoadsAWindowAroundItAndJumpToLatestReturnsToTheNewest() throws IOException {
        String zed = rest.signUp("zed");
        createRoom(zed, "logs");
        String target = "kiwi harvest report";
        String targetId = post(zed, "logs", target).get("id").toString();
        for (int i = 1; i <= 700; i++) {
            post(zed, "logs", "log line " + i);
        }
        try (ChatPage page = ChatPage.open("zed", uri())) {
            page.signIn("zed", ChatPage.PASSWORD);
            page.awaitLive();
            page.openRoom("logs");
            page.awaitMessage("log line 700");

            page.search("kiwi harvest");
            assertThat(page.searchResults()).extracting(Result::marks).containsExactly(List.of("kiwi", "harvest"));
            page.clickSearchResult(targetId);
            page.await("the result's message, highlighted", () -> page.focusedText().equals(target));
            assertThat(page.confirmedTexts()).contains("log line 20").doesNotContain("log line 700");

            post(zed, "logs", "posted while reading old logs"); // not shown inside the window
            page.driver.findElement(By.id("jump-latest")).click();
            page.awaitMessage("posted while reading old logs");
            page.await("the newest message in view", () -> page.inView("posted while reading old logs"));
            assertThat(page.driver.findElements(By.id("jump-latest"))).isEmpty();
            assertOrderedWithoutDuplicates(page);
        }
    }

    @Test
    void markupInASearchedMessageStaysTextInTheResultsAndInTheRoom() throws IOException {
        String payload = "<img src=x onerror=window.__xss=1> findme";
        try (ChatPage page = ChatPage.open("amos", uri())) {
            page.register("amos");
            page.send(payload);
            page.awaitMessage(payload);
            page.search("onerror findme");
            List<Result> results = page.searchResults();
            assertThat(results).hasSize(1);
            assertThat(results.get(0).body()).isEqualTo(payload);
            assertThat(results.get(0).marks()).containsExactly("onerror", "findme");
            assertThat(page.js("return document.querySelectorAll('#search-results img, #messages img').length;"))
                    .isEqualTo(0L);
            page.clickSearchResult(results.get(0).id());
            page.await("the message, highlighted", () -> page.focusedText().equals(payload));
            assertThat(page.js("return window.__xss;")).isNull();
            assertThat(page.js("return document.querySelectorAll('img').length;")).isEqualTo(0L);
            assertNoCspViolations(page);
        }
    }
}
