package dev.hearth.serve.web;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Debian's headless Chromium and ChromeDriver for the web pages' end-to-end tests (this one and
 * hearth-kb's): skipped loudly when they are not installed, a failure under CI.
 */
public final class HeadlessChromium {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private HeadlessChromium() {
    }

    /**
     * Aborts the calling test class loudly when Chromium is missing; fails it under {@code CI=true}.
     *
     * @param test what needs it, for the message
     */
    public static void require(String test) {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return;
        }
        String message = "CHROMIUM MISSING: " + CHROMIUM + " and " + CHROMEDRIVER + " are needed for " + test
                + " (apt-get install chromium chromium-driver)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + " (CI=true: this is a failure)");
        }
        System.err.println("*** " + message + " — SKIPPED ***");
        Assumptions.abort(message);
    }

    /** Headless Chromium with a fresh profile, the driver and browser named so Selenium Manager never runs. */
    public static ChromeDriver start(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1200,900");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /**
     * The script errors and Content-Security-Policy violations in the console since the last call,
     * leaving out failed loads (the 4xx answers a test provokes on purpose).
     */
    public static List<String> consoleProblems(ChromeDriver browser) {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::getMessage)
                .filter(m -> !m.contains("Failed to load resource"))
                .filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught") || m.contains("Error"))
                .toList();
    }
}
