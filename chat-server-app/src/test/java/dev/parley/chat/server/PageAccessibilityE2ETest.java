package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The page checked with axe-core (the {@code org.webjars.npm:axe-core} webjar, test scope; its {@code axe.min.js} is
 * injected through WebDriver, which the page's CSP does not govern): no violation of impact serious or critical on
 * the login screen, the signed-in desktop view, and the phone view with the rooms drawer open. Also the message
 * list's live region.
 */
class PageAccessibilityE2ETest extends PageE2EBase {
    private static final String AXE = "META-INF/resources/webjars/axe-core/" + axeVersion() + "/axe.min.js";

    private static String axeVersion() {
        try (InputStream in = PageAccessibilityE2ETest.class.getResourceAsStream(
                "/META-INF/maven/org.webjars.npm/axe-core/pom.properties")) {
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("axe-core webjar not on the test class path", e);
        }
    }

    private static String axeSource() {
        try (InputStream in = PageAccessibilityE2ETest.class.getClassLoader().getResourceAsStream(AXE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serious and critical violations axe finds in the page as it is now, one line each. */
    @SuppressWarnings("unchecked")
    private static List<String> violations(ChatPage page) {
        page.js(axeSource());
        page.driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(90));
        return (List<String>) page.driver.executeAsyncScript(String.join("\n",
                "var done = arguments[arguments.length - 1];",
                "axe.run(document, {resultTypes: ['violations']}).then(function (r) {",
                "  done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })",
                "    .map(function (v) { return v.id + ' (' + v.impact + '): ' + v.help + ' at '",
                "      + v.nodes.slice(0, 5).map(function (n) { return n.target.join(' '); }).join(', '); }));",
                "}, function (e) { done(['axe failed: ' + e]); });"));
    }

    @Test
    void theLoginScreenHasNoSeriousAccessibilityViolations() throws IOException {
        try (ChatPage page = ChatPage.open("axe-login", uri())) {
            assertThat(violations(page)).isEmpty();
        }
    }

    @Test
    void theSignedInDesktopViewHasNoSeriousAccessibilityViolations() throws IOException {
        String token = rest.signUp("axeler");
        createRoom(token, "a11y");
        seed(token, "a11y", "see https://example.com and read on", 3);
        try (ChatPage page = signedIn("axeler", "axeler", "a11y")) {
            page.awaitMessage("see https://example.com and read on 3");
            page.send("my own message with actions");
            page.awaitMessage("my own message with actions");
            assertThat(violations(page)).isEmpty();
        }
    }

    @Test
    void repliesReactionsMentionsAndSearchHaveNoSeriousAccessibilityViolations() throws IOException {
        String token = rest.signUp("axesocial");
        String other = rest.signUp("axeother");
        createRoom(token, "social");
        joinRoom(other, "social");
        long original = post(other, "social", "the original question about axe").getJsonNumber("id").longValue();
        reply(other, "social", "@axesocial a reply that mentions you", original);
        try (ChatPage page = signedIn("axesocial", "axesocial", "social")) {
            page.awaitMessage("@axesocial a reply that mentions you");
            page.react("the original question about axe", "👍");
            page.await("the chip", () -> page.reactions("the original question about axe").size() == 1);
            page.startReply("@axesocial a reply that mentions you");
            page.openPicker("the original question about axe");
            assertThat(violations(page)).as("reply quote, mention, chips, picker, reply bar").isEmpty();
            page.search("axe");
            assertThat(page.searchResults()).hasSize(2);
            assertThat(violations(page)).as("search results").isEmpty();
        }
    }

    @Test
    void thePhoneViewWithTheRoomsDrawerOpenHasNoSeriousAccessibilityViolations() throws IOException {
        rest.signUp("axephone");
        try (ChatPage page = signedIn("axephone", "axephone", null, 390, 844)) {
            page.awaitOpenRoom("general");
            assertThat(violations(page)).as("the room").isEmpty();
            page.driver.findElement(By.cssSelector(".room-header .menu")).click();
            page.await("the drawer", () -> page.driver.findElement(By.id("sidebar")).isDisplayed());
            assertThat(violations(page)).as("the rooms drawer").isEmpty();
        }
    }

    @Test
    void theMessageListIsAPoliteLiveRegionThatIsNotBusyOnceLoaded() throws IOException {
        String token = rest.signUp("announcer2");
        createRoom(token, "live-region");
        seed(token, "live-region", "history", 5);
        try (ChatPage page = signedIn("listener", "announcer2", "live-region")) {
            page.awaitMessage("history 5");
            org.openqa.selenium.WebElement list = page.messageList();
            assertThat(list.getAttribute("role")).isEqualTo("log");
            assertThat(list.getAttribute("aria-live")).isEqualTo("polite");
            page.await("the list not busy once loaded", () -> "false".equals(list.getAttribute("aria-busy")));
            assertThat(list.getAttribute("aria-label")).isEqualTo("Messages in live-region");
        }
    }
}
