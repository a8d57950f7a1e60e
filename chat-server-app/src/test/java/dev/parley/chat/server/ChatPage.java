package dev.parley.chat.server;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The chat page in one headless browser, seen the way a person uses it (page object). */
final class ChatPage implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final String PASSWORD = "correct horse battery";
    private static final Duration WAIT = Duration.ofSeconds(20);

    final String label;
    final ChromeDriver driver;
    private final Browsers.Browser browser;

    /** One message row as shown: its state (confirmed, pending, failed), seq (confirmed only) and text. */
    record Shown(String state, long seq, String sender, String text, boolean edited, boolean deleted) {}

    private ChatPage(String label, Browsers.Browser browser) {
        this.label = label;
        this.browser = browser;
        this.driver = browser.driver;
    }

    static ChatPage open(String label, URI base) throws IOException {
        return open(label, base, Browsers.WIDTH, Browsers.HEIGHT);
    }

    static ChatPage open(String label, URI base, int width, int height) throws IOException {
        ChatPage page = new ChatPage(label, Browsers.acquire(width, height));
        page.driver.get(base.toString());
        page.await("the page to start", () -> !page.driver.findElements(By.id("auth-username")).isEmpty()
                || !page.driver.findElements(By.id("conn-state")).isEmpty());
        return page;
    }

    @Override
    public void close() {
        Browsers.release(browser);
    }

    // ---- waiting -----------------------------------------------------------------------------------------------

    /** Waits until the condition holds; on timeout saves a screenshot and says what the page showed. */
    void await(String what, Supplier<Boolean> condition) {
        await(what, WAIT, condition);
    }

    void await(String what, Duration timeout, Supplier<Boolean> condition) {
        try {
            new WebDriverWait(driver, timeout, Duration.ofMillis(100))
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .ignoring(org.openqa.selenium.NoSuchElementException.class)
                    .until(d -> condition.get());
        } catch (TimeoutException e) {
            String shot = screenshot("failure-" + label + "-" + System.currentTimeMillis());
            throw new AssertionError("[" + label + "] timed out waiting for " + what + "; connection: "
                    + connectionState() + "; messages: " + messages() + "; screenshot: " + shot, e);
        }
    }

    // ---- signing in --------------------------------------------------------------------------------------------

    void register(String username) {
        driver.findElement(By.id("tab-register")).click();
        fillCredentials(username, PASSWORD);
        awaitLive();
        await("a room to open", () -> !driver.findElements(By.id("composer-input")).isEmpty());
    }

    void signIn(String username, String password) {
        driver.findElement(By.id("tab-login")).click();
        fillCredentials(username, password);
    }

    void submitRegistration(String username, String password) {
        driver.findElement(By.id("tab-register")).click();
        fillCredentials(username, password);
    }

    private void fillCredentials(String username, String password) {
        WebElement user = driver.findElement(By.id("auth-username"));
        user.clear();
        user.sendKeys(username);
        WebElement pass = driver.findElement(By.id("auth-password"));
        pass.clear();
        pass.sendKeys(password);
        driver.findElement(By.id("auth-submit")).click();
    }

    String authError() {
        List<WebElement> error = driver.findElements(By.id("auth-error"));
        return error.isEmpty() ? "" : error.get(0).getText();
    }

    boolean onLoginScreen() {
        return !driver.findElements(By.id("auth-username")).isEmpty();
    }

    void awaitLive() {
        await("the connection to be live", () -> "live".equals(connectionState()));
    }

    String connectionState() {
        Object state = js("var e = document.getElementById('conn-state'); return e ? e.dataset.state : null;");
        return state == null ? "signed-out" : state.toString();
    }

    void reload() {
        driver.navigate().refresh();
    }

    void signOut() {
        driver.findElement(By.id("logout")).click();
        await("the login screen", this::onLoginScreen);
    }

    // ---- rooms -------------------------------------------------------------------------------------------------

    void createRoom(String name, boolean isPrivate) {
        driver.findElement(By.id("new-room-toggle")).click();
        driver.findElement(By.id("new-room-name")).sendKeys(name);
        if (isPrivate) {
            driver.findElement(By.id("new-room-private")).click();
        }
        driver.findElement(By.id("new-room-create")).click();
        awaitOpenRoom(name);
    }

    /** Clicks the room in the list: opens it, or joins it first if it is a public room one is not in. */
    void openRoom(String name) {
        await("room " + name + " in the list", () -> !roomButtons(name).isEmpty());
        roomButtons(name).get(0).click();
        awaitOpenRoom(name);
    }

    void openDirect(String username) {
        driver.findElement(By.id("new-direct-toggle")).click();
        driver.findElement(By.id("direct-username")).sendKeys(username);
        driver.findElement(By.id("direct-open")).click();
        await("the conversation with " + username, () -> roomTitle().endsWith(username));
    }

    private List<WebElement> roomButtons(String name) {
        return driver.findElements(By.cssSelector(".room-item[data-room='" + name + "']"));
    }

    void awaitOpenRoom(String name) {
        await("room " + name + " to open", () -> roomTitle().endsWith(name)
                && driver.findElements(By.cssSelector("#messages .list-note")).isEmpty());
    }

    String roomTitle() {
        List<WebElement> title = driver.findElements(By.id("room-title"));
        return title.isEmpty() ? "" : title.get(0).getText().strip();
    }

    /** The unread badge of a room in the list; 0 without one. */
    int unread(String room) {
        Object text = js("var b = document.querySelector(\".room-item[data-room='\" + arguments[0] + \"'] .badge\");"
                + "return b ? b.firstChild.textContent : '0';", room);
        return Integer.parseInt(text.toString().replace("+", ""));
    }

    String typingLine() {
        return driver.findElement(By.id("typing")).getText().strip();
    }

    List<String> onlineMembers() {
        return driver.findElements(By.cssSelector("#members .member.online")).stream()
                .map(e -> e.getAttribute("data-user")).collect(Collectors.toList());
    }

    // ---- messages ----------------------------------------------------------------------------------------------

    WebElement composer() {
        return driver.findElement(By.id("composer-input"));
    }

    /** Types the text and presses Enter. */
    void send(String text) {
        WebElement box = composer();
        box.sendKeys(text);
        box.sendKeys(Keys.ENTER);
    }

    /** Every message row of the open room, top to bottom. */
    @SuppressWarnings("unchecked")
    List<Shown> messages() {
        Object rows;
        try {
            rows = js("return Array.from(document.querySelectorAll('#messages article.msg')).map(function (a) {"
                    + "  var t = a.querySelector('.text');"
                    + "  return [a.dataset.state, a.dataset.seq || '0', a.dataset.sender || '',"
                    + "    t ? t.textContent : '', !!a.querySelector('.edited'), a.classList.contains('deleted')];"
                    + "});");
        } catch (RuntimeException e) {
            return List.of();
        }
        List<Shown> shown = new ArrayList<>();
        for (Object row : (List<Object>) rows) {
            List<Object> r = (List<Object>) row;
            shown.add(new Shown((String) r.get(0), Long.parseLong((String) r.get(1)), (String) r.get(2),
                    (String) r.get(3), (Boolean) r.get(4), (Boolean) r.get(5)));
        }
        return shown;
    }

    List<String> confirmedTexts() {
        return messages().stream().filter(m -> m.state().equals("confirmed")).map(Shown::text)
                .collect(Collectors.toList());
    }

    long count(String text) {
        return messages().stream().filter(m -> m.text().equals(text)).count();
    }

    void awaitMessage(String text) {
        await("message \"" + text + "\"", () -> confirmedTexts().contains(text));
    }

    /** The row of a confirmed message with this text. */
    WebElement row(String text) {
        for (WebElement row : driver.findElements(By.cssSelector("#messages article.msg[data-state='confirmed']"))) {
            List<WebElement> t = row.findElements(By.className("text"));
            if (!t.isEmpty() && t.get(0).getText().equals(text)) {
                return row;
            }
        }
        throw new org.openqa.selenium.NoSuchElementException("no message " + text);
    }

    /** Edits one's own message through its hover action: the editor, the new text, Enter. */
    void edit(String text, String newText) {
        hover(text).findElement(By.cssSelector("button.edit")).click();
        WebElement editor = driver.findElement(By.cssSelector("textarea.edit-box"));
        editor.sendKeys(Keys.chord(Keys.CONTROL, "a"), newText, Keys.ENTER);
    }

    /** Deletes one's own message through its hover action and the confirmation. */
    void delete(String text) {
        hover(text).findElement(By.cssSelector("button.delete")).click();
        driver.findElement(By.cssSelector("button.confirm-delete")).click();
    }

    /** The hover actions of a message row, shown the way a pointer shows them. */
    private WebElement hover(String text) {
        WebElement row = row(text);
        new Actions(driver).moveToElement(row).perform();
        return row;
    }

    // ---- replies, reactions, mentions (issue 17) ---------------------------------------------------------------

    /** Starts a reply to the message with this text through its "Reply" action. */
    void startReply(String text) {
        hover(text).findElement(By.cssSelector("button.reply")).click();
        await("the composer's reply bar", () -> !driver.findElements(By.id("reply-bar")).isEmpty());
    }

    /** The composer's "Replying to ..." line, or "" without one. */
    String replyBar() {
        List<WebElement> bar = driver.findElements(By.cssSelector("#reply-bar .reply-bar-text"));
        return bar.isEmpty() ? "" : bar.get(0).getText().strip();
    }

    /** The quoted original above the message with this text ("sender excerpt"), or "" without one. */
    String replyQuote(String text) {
        List<WebElement> quote = row(text).findElements(By.className("reply-quote"));
        return quote.isEmpty() ? "" : quote.get(0).getText().replace('\n', ' ').strip();
    }

    void clickReplyQuote(String text) {
        row(text).findElement(By.cssSelector("button.reply-quote")).click();
    }

    /** The message just jumped to (highlighted), as its text, or "" if none. */
    String focusedText() {
        Object text = js("var a = document.querySelector('#messages article.msg.focused .text');"
                + "return a ? a.textContent : '';");
        return text == null ? "" : text.toString();
    }

    /** Whether the message with this text is inside the visible part of the message list. */
    boolean inView(String text) {
        return Boolean.TRUE.equals(js("var r = arguments[0].getBoundingClientRect();"
                + "var l = document.getElementById('messages').getBoundingClientRect();"
                + "return r.bottom > l.top && r.top < l.bottom;", row(text)));
    }

    /** One reaction chip as shown: its emoji, count, pressed state and accessible name. */
    record Chip(String emoji, int count, boolean pressed, String label) {}

    @SuppressWarnings("unchecked")
    List<Chip> reactions(String text) {
        List<Object> rows = (List<Object>) js("return Array.from(arguments[0].querySelectorAll('.reaction'))"
                + ".map(function (b) { return [b.dataset.emoji, b.querySelector('.reaction-count').textContent,"
                + "  b.getAttribute('aria-pressed'), b.getAttribute('aria-label')]; });", row(text));
        List<Chip> chips = new ArrayList<>();
        for (Object row : rows) {
            List<Object> r = (List<Object>) row;
            chips.add(new Chip((String) r.get(0), Integer.parseInt((String) r.get(1)), "true".equals(r.get(2)),
                    (String) r.get(3)));
        }
        return chips;
    }

    /** Adds a reaction through the message's "React" button and the emoji picker, by keyboard-free clicks. */
    void react(String text, String emoji) {
        openPicker(text);
        driver.findElement(By.cssSelector(".emoji-picker button[data-emoji='" + emoji + "']")).click();
    }

    /** Opens the emoji picker of the message with this text through its "React" button. */
    void openPicker(String text) {
        hover(text).findElement(By.cssSelector("button.react")).click();
        await("the emoji picker", () -> !driver.findElements(By.cssSelector(".emoji-picker")).isEmpty());
    }

    /** Clicks a message's reaction chip (toggles one's own reaction). */
    void clickChip(String text, String emoji) {
        row(text).findElement(By.cssSelector(".reaction[data-emoji='" + emoji + "']")).click();
    }

    /** The mention badge of a room in the list; 0 without one. */
    int mentionBadge(String room) {
        Object count = js("var b = document.querySelector(\".room-item[data-room='\" + arguments[0]"
                + " + \"'] .mention-badge\"); return b ? b.dataset.count : '0';", room);
        return Integer.parseInt(count.toString());
    }

    boolean highlightedAsMention(String text) {
        return row(text).getAttribute("class").contains("mention");
    }

    // ---- search ------------------------------------------------------------------------------------------------

    /** Opens the search column (if closed), searches and waits for the answer. */
    void search(String query) {
        if (driver.findElements(By.id("search-input")).isEmpty()) {
            driver.findElement(By.id("search-toggle")).click();
        }
        WebElement box = driver.findElement(By.id("search-input"));
        box.clear();
        box.sendKeys(query, Keys.ENTER);
        await("search results for " + query, () -> !driver.findElements(By.id("search-status")).isEmpty()
                && driver.findElement(By.id("search-submit")).isEnabled());
    }

    /** One search result as shown: room, sender, body text, and the marked parts. */
    record Result(String id, String room, String sender, String body, List<String> marks) {}

    @SuppressWarnings("unchecked")
    List<Result> searchResults() {
        List<Object> rows = (List<Object>) js("return Array.from(document.querySelectorAll('#search-results"
                + " .search-result')).map(function (b) { return [b.dataset.id, b.dataset.room,"
                + " b.querySelector('.sender').textContent, b.querySelector('.result-body').textContent,"
                + " Array.from(b.querySelectorAll('.result-body mark')).map(function (m) { return m.textContent; })];"
                + "});");
        List<Result> results = new ArrayList<>();
        for (Object row : rows) {
            List<Object> r = (List<Object>) row;
            results.add(new Result((String) r.get(0), (String) r.get(1), (String) r.get(2), (String) r.get(3),
                    (List<String>) r.get(4)));
        }
        return results;
    }

    void clickSearchResult(String messageId) {
        driver.findElement(By.cssSelector("#search-results .search-result[data-id='" + messageId + "']")).click();
    }

    // ---- the message list's scroll position ----------------------------------------------------------------------

    /** The message list element. */
    WebElement messageList() {
        return driver.findElement(By.id("messages"));
    }

    /**
     * The seq of the topmost confirmed message whose top edge is in view, and that edge's distance from the list's
     * top edge in pixels: {@code [seq, offset]}.
     */
    @SuppressWarnings("unchecked")
    long[] topMessage() {
        List<Number> r = (List<Number>) js("var list = document.getElementById('messages');"
                + "var top = list.getBoundingClientRect().top;"
                + "var rows = list.querySelectorAll(\"article.msg[data-state='confirmed']\");"
                + "for (var i = 0; i < rows.length; i++) {"
                + "  var y = rows[i].getBoundingClientRect().top - top;"
                + "  if (y >= 0) return [Number(rows[i].dataset.seq), y];"
                + "}"
                + "return [0, 0];");
        return new long[] {r.get(0).longValue(), Math.round(r.get(1).doubleValue())};
    }

    /** Where the top edge of the confirmed message with this seq is, in pixels below the list's top edge. */
    double offsetOf(long seq) {
        return ((Number) js("var list = document.getElementById('messages');"
                + "var row = list.querySelector(\"article.msg[data-seq='\" + arguments[0] + \"']\");"
                + "return row.getBoundingClientRect().top - list.getBoundingClientRect().top;", seq)).doubleValue();
    }

    /** Whether the element's box lies (at least partly) within the message list's visible area. */
    boolean inListView(WebElement element) {
        return Boolean.TRUE.equals(js("var l = arguments[0].getBoundingClientRect(),"
                + " e = arguments[1].getBoundingClientRect();"
                + "return e.bottom > l.top + 1 && e.top < l.bottom - 1;", messageList(), element));
    }

    /** The distance between the list's visible bottom and the end of its content, in pixels. */
    double distanceFromBottom() {
        return ((Number) js("var l = document.getElementById('messages');"
                + "return l.scrollHeight - l.scrollTop - l.clientHeight;")).doubleValue();
    }

    double scrollTop() {
        return ((Number) js("return document.getElementById('messages').scrollTop;")).doubleValue();
    }

    void scrollListTo(double top) {
        js("document.getElementById('messages').scrollTop = arguments[0];", top);
    }

    /** Turns the mouse wheel over the message list by {@code dy} pixels (negative: up), as a person would. */
    void wheel(int dy) {
        new Actions(driver).scrollFromOrigin(
                org.openqa.selenium.interactions.WheelInput.ScrollOrigin.fromElement(messageList()), 0, dy).perform();
    }

    /** Waits until the list's scroll position has not moved for a few frames (smooth scrolling has ended). */
    void awaitScrollSettled() {
        double[] last = {-1};
        int[] still = {0};
        await("the scroll position to settle", () -> {
            double now = scrollTop();
            still[0] = now == last[0] ? still[0] + 1 : 0;
            last[0] = now;
            return still[0] >= 3;
        });
    }

    /** The "Jump to latest" button, if shown. */
    List<WebElement> jumpButton() {
        return driver.findElements(By.cssSelector(".list-wrap .jump"));
    }

    /** Cuts the browser off the network (the page sees {@code offline}); {@link #goOnline()} undoes it. */
    void goOffline() {
        ChromiumNetworkConditions offline = new ChromiumNetworkConditions();
        offline.setOffline(true);
        driver.setNetworkConditions(offline);
        await("the page to notice it is offline", () -> !connectionState().equals("live"));
    }

    void goOnline() {
        driver.deleteNetworkConditions();
    }

    /** Marks the current document, so that {@link #sameDocument()} tells whether the page was reloaded since. */
    void markDocument() {
        js("window.__parleyTestMark = true;");
    }

    boolean sameDocument() {
        return Boolean.TRUE.equals(js("return window.__parleyTestMark === true;"));
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Browser console entries at warning level or above (CSP violations show up here). */
    List<String> consoleProblems() {
        List<String> problems = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                problems.add(entry.getMessage());
            }
        }
        return problems;
    }

    /** Saves a PNG under target/screenshots; returns its path. */
    String screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
            return target.toAbsolutePath().toString();
        } catch (IOException | RuntimeException e) {
            return "(no screenshot: " + e + ")";
        }
    }
}
