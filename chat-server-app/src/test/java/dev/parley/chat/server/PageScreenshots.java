package dev.parley.chat.server;

import static dev.parley.chat.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.OutputType;

/**
 * Takes the documentation's screenshots of the page: {@code screenshot.png} (desktop, 1280x800) and
 * {@code screenshot-phone.png} (390x844), written to the folder named by {@code -Dparley.screenshots}; not part of
 * an ordinary build. From the repository's root:
 * {@code mvn -B -pl chat-server-app -am verify -Dtest=PageScreenshots -Dsurefire.failIfNoSpecifiedTests=false
 * -DskipITs -Dparley.screenshots=$PWD/docs}.
 */
@EnabledIfSystemProperty(named = "parley.screenshots", matches = ".+")
class PageScreenshots extends PageE2EBase {

    private long say(String token, String room, String body) {
        return post(token, room, body).getJsonNumber("id").longValue();
    }

    private void react(String token, long message, String emoji) {
        String path = "/api/messages/" + message + "/reactions/"
                + java.net.URLEncoder.encode(emoji, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(rest.put(path, token).status()).isEqualTo(200);
    }

    private static void save(ChatPage page, String name) throws IOException {
        Path dir = Path.of(System.getProperty("parley.screenshots"));
        Files.createDirectories(dir);
        Path shot = page.driver.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void takeTheScreenshots() throws IOException {
        String ann = rest.signUp("ann");
        String ben = rest.signUp("ben");
        String cleo = rest.signUp("cleo");
        createRoom(ann, "design");
        joinRoom(ben, "design");
        joinRoom(cleo, "design");
        createRoom(ann, "release-planning");
        joinRoom(ben, "release-planning");
        long morning = say(ann, "design", "Morning! The new sidebar is up on staging.");
        long calm = reply(ben, "design", "Looks calm. I like the smaller badges.", morning).getJsonNumber("id")
                .longValue();
        say(ben, "design", "Long room names end in an ellipsis now, too.");
        say(cleo, "design", "The notes are at https://example.com/parley/design-notes if anyone wants the details.");
        react(cleo, morning, "\uD83C\uDF89");
        react(ben, morning, "\uD83C\uDF89");
        react(ann, calm, "\uD83D\uDC4D");
        say(ann, "design", "Thanks Cleo. @ben, let's try it on phones this afternoon.");
        say(ann, "release-planning", "Release candidate on Thursday?");
        rest.post("/api/direct", cleo, json("username", "ben"));
        try (ChatPage page = signedIn("shot-desktop", "ben", "design");
                ChatPage phone = signedIn("shot-phone", "ann", null, 390, 844)) {
            phone.driver.get(uri() + "#/r/design"); // the room list is a closed drawer on a phone: by its URL
            phone.awaitOpenRoom("design");
            page.awaitMessage("Thanks Cleo. @ben, let's try it on phones this afternoon.");
            page.composer().sendKeys("Sounds good, I'll bring mine.");
            save(page, "screenshot.png");
            phone.awaitMessage("Thanks Cleo. @ben, let's try it on phones this afternoon.");
            save(phone, "screenshot-phone.png");
        }
    }
}
