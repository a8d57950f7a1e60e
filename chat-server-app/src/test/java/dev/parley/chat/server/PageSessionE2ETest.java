package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;

/**
 * The page's session end to end: kept in localStorage, so a new tab is signed in too; signing out in one tab signs
 * out the others; "Sign out on every device" ends the account's sessions in other browsers as well.
 */
class PageSessionE2ETest extends PageE2EBase {

    private static String token(ChatPage page) {
        Object token = page.js("var s = localStorage.getItem('parley.session'); return s ? JSON.parse(s).token : null;");
        return token == null ? null : token.toString();
    }

    @Test
    void aNewTabIsSignedInWithTheSameSessionAndSigningOutInOneTabSignsOutTheOther() throws IOException {
        rest.signUp("tabby");
        try (ChatPage page = signedIn("tabby", "tabby", null)) {
            String first = page.driver.getWindowHandle();
            String token = token(page);
            assertThat(token).isNotNull();

            page.driver.switchTo().newWindow(WindowType.TAB);
            page.driver.get(uri().toString());
            page.awaitLive();
            assertThat(page.driver.findElement(By.id("me-name")).getText()).isEqualTo("tabby");
            assertThat(token(page)).as("the same session, not a new sign-in").isEqualTo(token);
            String second = page.driver.getWindowHandle();

            page.driver.switchTo().window(first);
            page.signOut();
            page.driver.switchTo().window(second);
            page.await("the other tab to return to the login screen", page::onLoginScreen);
            assertThat(rest.get("/api/rooms", token).status()).isEqualTo(401);
            page.driver.close();
            page.driver.switchTo().window(first);
        }
    }

    @Test
    void signingOutOnEveryDeviceEndsTheSessionsOfOtherBrowsersToo() throws IOException {
        rest.signUp("everywhere");
        String sdk = rest.login("everywhere"); // a third session, as an SDK client would hold
        try (ChatPage laptop = signedIn("laptop", "everywhere", null);
                ChatPage phone = signedIn("phone", "everywhere", null, 390, 844)) {
            String phoneToken = token(phone);
            assertThat(phoneToken).isNotEqualTo(token(laptop));
            laptop.driver.findElement(By.id("logout-everywhere")).click();
            laptop.await("the login screen", laptop::onLoginScreen);
            phone.await("the other browser's login screen", phone::onLoginScreen);
            assertThat(phone.driver.findElement(By.cssSelector(".auth .notice")).getText()).contains("signed out");
            assertThat(rest.get("/api/rooms", phoneToken).status()).isEqualTo(401);
            assertThat(rest.get("/api/rooms", sdk).status()).isEqualTo(401);
            phone.reload();
            phone.await("still signed out after a reload", phone::onLoginScreen);
        }
    }
}
