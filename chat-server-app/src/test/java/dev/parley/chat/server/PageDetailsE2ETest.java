package dev.parley.chat.server;

import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The page's smaller details end to end: layout in a 12-hour locale and with long names, keyboard focus. */
class PageDetailsE2ETest extends PageE2EBase {

    @Test
    void inATwelveHourLocaleAFollowOnMessageTakesNoMoreThanItsOwnLines() throws IOException {
        String token = rest.signUp("twelve");
        createRoom(token, "clock");
        assertThat(rest.post("/api/messages", token, json("room", "clock", "body", "first line")).status())
                .isEqualTo(201);
        assertThat(rest.post("/api/messages", token, json("room", "clock", "body", "second line")).status())
                .isEqualTo(201);
        try (ChatPage page = signedIn("twelve", "twelve", "clock")) {
            page.awaitMessage("second line");
            assertThat(page.js("return new Intl.DateTimeFormat().resolvedOptions().locale;")).isEqualTo("en-US");
            WebElement row = page.row("second line");
            assertThat(row.getAttribute("class")).contains("grouped");
            WebElement time = row.findElement(By.cssSelector(".gutter time"));
            assertThat(time.getAttribute("textContent")).as("a 12-hour clock").containsAnyOf("AM", "PM");
            double gutter = height(page, row.findElement(By.className("gutter")));
            double text = height(page, row.findElement(By.className("msg-main")));
            assertThat(gutter).as("the hidden time beside a one-line message").isLessThanOrEqualTo(text + 1);
        }
    }

    @Test
    void longNamesInTheSidebarEndInAnEllipsisAndKeepTheUnreadBadgeInSight() throws IOException {
        String longUser = "a_very_long_username_of_32_chars";
        String longRoom = "a-room-whose-name-is-forty-six-characters-long";
        assertThat(longUser).hasSize(32);
        assertThat(longRoom).hasSize(46);
        String talker = rest.signUp(longUser);
        rest.signUp("narrowview");
        String viewer = rest.login("narrowview");
        createRoom(talker, longRoom);
        joinRoom(viewer, longRoom);
        String direct = rest.post("/api/direct", talker, json("username", "narrowview")).json().getString("name");
        try (ChatPage page = signedIn("narrowview", "narrowview", null)) {
            page.awaitOpenRoom("general");
            assertThat(rest.post("/api/messages", talker, json("room", longRoom, "body", "hello")).status())
                    .isEqualTo(201);
            assertThat(rest.post("/api/messages", talker, json("room", direct, "body", "hi")).status())
                    .isEqualTo(201);
            page.await("both unread badges", () -> page.unread(longRoom) == 1 && page.unread(direct) == 1);
            page.await("the other person's name in the list", () -> page.driver.findElement(
                    By.cssSelector(".room-item[data-room='" + direct + "'] .room-name")).getText().startsWith("a_"));
            WebElement sidebar = page.driver.findElement(By.id("sidebar"));
            for (String room : List.of(longRoom, direct)) {
                WebElement item = page.driver.findElement(By.cssSelector(".room-item[data-room='" + room + "']"));
                WebElement name = item.findElement(By.className("room-name"));
                WebElement badge = item.findElement(By.className("badge"));
                assertThat(page.js("return arguments[0].scrollWidth > arguments[0].clientWidth;", name))
                        .as(room + ": the name is cut with an ellipsis").isEqualTo(true);
                assertThat(right(page, name)).as(room + ": the name within the sidebar")
                        .isLessThanOrEqualTo(right(page, sidebar));
                assertThat(right(page, badge)).as(room + ": the badge within the sidebar")
                        .isLessThanOrEqualTo(right(page, sidebar));
                assertThat(right(page, item)).as(room + ": the row within the sidebar")
                        .isLessThanOrEqualTo(right(page, sidebar));
            }
        }
    }

    @Test
    void savingAnEditWithEnterKeepsTheKeyboardFocusOnTheMessage() throws IOException {
        String token = rest.signUp("keyboarder");
        createRoom(token, "keys");
        try (ChatPage page = signedIn("keyboarder", "keyboarder", "keys")) {
            page.send("fix me");
            page.awaitMessage("fix me");
            page.edit("fix me", "fixed");
            page.awaitMessage("fixed");
            WebElement row = page.row("fixed");
            page.await("the focus on the edited message", () -> Boolean.TRUE.equals(page.js(
                    "var a = document.activeElement; return !!a && a !== document.body && arguments[0].contains(a);",
                    row)));
        }
    }

    @Test
    void linksAreSafeAnchorsRightToLeftTextRunsRightToLeftAndLongMessagesFoldBehindShowMore() throws IOException {
        String token = rest.signUp("linkposter");
        createRoom(token, "links");
        String link = "read https://example.com/docs?a=1&b=2. then reply";
        String unsafe = "javascript:alert(1) <a href=\"https://evil.example\">x</a> data:text/html,hi";
        String arabic = "مرحبا بالعالم";
        String longText = String.join("\n", java.util.Collections.nCopies(30, "a line of a long message"));
        for (String body : List.of(link, unsafe, arabic, longText)) {
            assertThat(rest.post("/api/messages", token, json("room", "links", "body", body)).status())
                    .isEqualTo(201);
        }
        try (ChatPage page = signedIn("linkposter", "linkposter", "links")) {
            page.awaitMessage(arabic);
            WebElement anchor = page.row(link).findElement(By.cssSelector(".text a"));
            assertThat(anchor.getAttribute("href")).isEqualTo("https://example.com/docs?a=1&b=2");
            assertThat(anchor.getAttribute("rel")).isEqualTo("noopener noreferrer");
            assertThat(anchor.getAttribute("target")).isEqualTo("_blank");
            assertThat(anchor.getText()).isEqualTo("https://example.com/docs?a=1&b=2");
            WebElement unsafeRow = page.row(unsafe);
            assertThat(unsafeRow.findElements(By.cssSelector(".text a"))).as("only http(s) links, never markup")
                    .hasSize(1);
            assertThat(unsafeRow.findElement(By.cssSelector(".text a")).getAttribute("href"))
                    .isEqualTo("https://evil.example/");
            assertThat(page.js("return arguments[0].querySelector('.text').textContent;", unsafeRow))
                    .isEqualTo(unsafe);

            WebElement arabicBody = page.row(arabic).findElement(By.className("body"));
            assertThat(page.js("return getComputedStyle(arguments[0]).direction;", arabicBody)).isEqualTo("rtl");
            assertThat(page.composer().getAttribute("dir")).isEqualTo("auto");

            WebElement longRow = page.driver.findElement(By.cssSelector("#messages article.msg:last-of-type"));
            WebElement more = longRow.findElement(By.className("show-more"));
            WebElement text = longRow.findElement(By.className("text"));
            assertThat(more.getAttribute("aria-expanded")).isEqualTo("false");
            assertThat(page.js("return arguments[0].scrollHeight > arguments[0].clientHeight;", text)).isEqualTo(true);
            more.click();
            page.await("the whole message", () -> "true".equals(longRow.findElement(By.className("show-more"))
                    .getAttribute("aria-expanded")) && Boolean.TRUE.equals(page.js(
                    "return arguments[0].scrollHeight <= arguments[0].clientHeight;", longRow.findElement(
                            By.className("text")))));

            page.js("var t = document.getElementById('composer-input'); t.value = 'x'.repeat(4001);"
                    + "t.dispatchEvent(new Event('input'));");
            page.await("the over-limit hint", () -> page.driver.findElement(By.id("composer-hint")).getText()
                    .equals("1 character over the limit of 4000."));
        }
    }

    private static double height(ChatPage page, WebElement e) {
        return ((Number) page.js("return arguments[0].getBoundingClientRect().height;", e)).doubleValue();
    }

    private static double right(ChatPage page, WebElement e) {
        return ((Number) page.js("return arguments[0].getBoundingClientRect().right;", e)).doubleValue();
    }
}
