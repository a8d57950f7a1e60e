package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** A URL per room end to end: {@code #/r/<room>} and {@code #/dm/<user>}, reload, Back and Forward, unknown rooms. */
class PageRoutingE2ETest extends PageE2EBase {

    private static String hash(ChatPage page) {
        return String.valueOf(page.js("return location.hash;"));
    }

    @Test
    void eachRoomHasAUrlThatSurvivesAReloadAndBackAndForwardMoveBetweenRooms() throws IOException {
        String token = rest.signUp("router");
        createRoom(token, "alpha");
        createRoom(token, "beta");
        try (ChatPage page = signedIn("router", "router", "alpha")) {
            page.await("alpha's URL", () -> hash(page).equals("#/r/alpha"));
            page.openRoom("beta");
            page.await("beta's URL", () -> hash(page).equals("#/r/beta"));
            page.reload();
            page.awaitLive();
            page.awaitOpenRoom("beta");
            page.driver.navigate().back();
            page.awaitOpenRoom("alpha");
            assertThat(hash(page)).isEqualTo("#/r/alpha");
            page.driver.navigate().forward();
            page.awaitOpenRoom("beta");
        }
    }

    @Test
    void aLinkToADirectConversationOpensItByTheOtherPersonsName() throws IOException {
        rest.signUp("linker");
        rest.signUp("linked.friend");
        try (ChatPage page = signedIn("linker", "linker", null)) {
            page.awaitOpenRoom("general");
            page.driver.get(uri() + "#/dm/linked.friend");
            page.await("the conversation with linked.friend", () -> page.roomTitle().endsWith("linked.friend"));
            page.await("its URL", () -> hash(page).equals("#/dm/linked.friend"));
            page.send("found you by link");
            page.awaitMessage("found you by link");
            page.reload();
            page.awaitLive();
            page.await("the conversation again after a reload", () -> page.roomTitle().endsWith("linked.friend"));
        }
    }

    @Test
    void aUrlOfARoomThatDoesNotExistIsExplainedAndAPublicRoomOffersToJoin() throws IOException {
        String owner = rest.signUp("opener");
        createRoom(owner, "open-house");
        rest.signUp("visitor");
        try (ChatPage page = signedIn("visitor", "visitor", null)) {
            page.awaitOpenRoom("general");
            page.driver.get(uri() + "#/r/nowhere");
            page.await("the explanation", () -> !page.driver.findElements(By.id("route-problem")).isEmpty());
            assertThat(page.driver.findElement(By.id("route-problem")).getText()).contains("nowhere");

            page.driver.get(uri() + "#/r/open-house");
            page.await("the offer to join", () -> !page.driver.findElements(By.id("route-join")).isEmpty());
            page.driver.findElement(By.id("route-join")).click();
            page.awaitOpenRoom("open-house");
            page.await("its URL", () -> hash(page).equals("#/r/open-house"));
        }
    }
}
