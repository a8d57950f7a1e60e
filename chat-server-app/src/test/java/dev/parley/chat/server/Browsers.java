package dev.parley.chat.server;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium for the page's end-to-end tests: the system's {@code /usr/bin/chromium} driven by its own
 * {@code /usr/bin/chromedriver} (Debian packages {@code chromium} and {@code chromium-driver}). Both paths are given
 * explicitly and Selenium Manager is not on the class path, so nothing is ever downloaded. Override the paths with
 * {@code -Dparley.e2e.chromium=...} and {@code -Dparley.e2e.chromedriver=...}.
 *
 * <p>Without a browser the tests are skipped with the reason, except under {@code CI=true}, where they fail.
 */
final class Browsers {
    static final Path CHROMIUM = Path.of(System.getProperty("parley.e2e.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("parley.e2e.chromedriver", "/usr/bin/chromedriver"));

    private Browsers() {}

    /**
     * Skips the calling test with the reason (printed once to the build log too), or fails it under CI=true, if
     * Chromium or chromedriver is missing.
     */
    static void requireBrowser() {
        String missing = null;
        if (!Files.isExecutable(CHROMIUM)) {
            missing = "Chromium (" + CHROMIUM + ")";
        } else if (!Files.isExecutable(CHROMEDRIVER)) {
            missing = "chromedriver (" + CHROMEDRIVER + ")";
        }
        if (missing == null) {
            return;
        }
        String reason = "End-to-end tests of the chat page need " + missing
                + ": install the Debian packages chromium and chromium-driver";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(reason + " (CI=true: these tests must run in CI)");
        }
        if (!toldSkip) {
            toldSkip = true;
            System.err.println("[parley e2e] SKIPPED: " + reason + ". Under CI=true this fails instead.");
        }
        Assumptions.abort(reason + "; skipping.");
    }

    private static boolean toldSkip;

    /** A started headless browser with a fresh profile in a temporary folder, removed on {@link #close()}. */
    static final class Browser implements AutoCloseable {
        final ChromeDriver driver;
        private final ChromeDriverService service;
        private final Path profile;
        private boolean size;

        private Browser(ChromeDriver driver, ChromeDriverService service, Path profile) {
            this.driver = driver;
            this.service = service;
            this.profile = profile;
        }

        @Override
        public void close() {
            try {
                driver.quit();
            } catch (RuntimeException e) {
                // already gone
            }
            service.stop();
            deleteQuietly(profile);
        }
    }

    /** Browsers of the default size kept for the next test: starting Chromium costs seconds. */
    private static final java.util.Deque<Browser> IDLE = new java.util.ArrayDeque<>();
    private static final int KEEP = 2;
    static final int WIDTH = 1280;
    static final int HEIGHT = 800;

    /** A browser on a blank page with no session state: a kept one, or a new one. */
    static synchronized Browser acquire(int width, int height) throws IOException {
        if (width == WIDTH && height == HEIGHT && !IDLE.isEmpty()) {
            return IDLE.pop();
        }
        Browser browser = start(width, height);
        browser.size = width == WIDTH && height == HEIGHT;
        return browser;
    }

    /** Takes a browser back: wiped (storage, network emulation, console log) and kept, or closed. */
    static synchronized void release(Browser browser) {
        if (browser.size && IDLE.size() < KEEP) {
            try {
                try {
                    browser.driver.deleteNetworkConditions();
                } catch (RuntimeException e) {
                    // none were set
                }
                browser.driver.executeScript("try { sessionStorage.clear(); localStorage.clear(); } catch (e) {}");
                browser.driver.get("about:blank");
                browser.driver.manage().deleteAllCookies();
                browser.driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER);
                IDLE.push(browser);
                return;
            } catch (RuntimeException e) {
                // not reusable
            }
        }
        browser.close();
    }

    static synchronized void closeIdle() {
        while (!IDLE.isEmpty()) {
            IDLE.pop().close();
        }
    }

    static Browser start(int width, int height) throws IOException {
        Path profile = Files.createTempDirectory("parley-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--no-default-browser-check", "--disable-default-apps", "--disable-extensions",
                "--disable-client-side-phishing-detection", "--disable-features=Translate,MediaRouter,OptimizationHints",
                "--password-store=basic", "--lang=en-US", "--force-device-scale-factor=1",
                "--window-size=" + width + "," + height, "--user-data-dir=" + profile);
        if (width < 500) {
            // headless windows are at least 500 px wide: emulate a phone's screen instead
            options.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics",
                    Map.of("width", width, "height", height, "pixelRatio", 1.0, "touch", false)));
        }
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withSilent(true)
                .withTimeout(Duration.ofSeconds(30))
                .withLogFile(new File(System.getProperty("java.io.tmpdir"), "parley-chromedriver.log"))
                .build();
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
            return new Browser(driver, service, profile);
        } catch (RuntimeException e) {
            service.stop();
            deleteQuietly(profile);
            throw e;
        }
    }

    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // a temporary folder; the OS cleans up eventually
        }
    }
}
