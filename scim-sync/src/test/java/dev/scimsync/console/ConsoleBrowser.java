package dev.scimsync.console;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium for browser tests: Debian's {@code chromium} and {@code chromium-driver} packages
 * (installed by {@code .ci/run}), never a downloaded browser — the driver's path is given, so Selenium Manager
 * is not asked. Missing binaries fail the test with what to install; only {@code -Dscimsync.skipBrowserTests=true}
 * (or {@code SCIM_SYNC_SKIP_BROWSER_TESTS=true}) skips it, on purpose.
 */
final class ConsoleBrowser {

    static final String CHROMIUM = System.getProperty("scimsync.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("scimsync.chromedriver", "/usr/bin/chromedriver");

    private ConsoleBrowser() {
    }

    static ChromeDriver start() {
        boolean skip = Boolean.parseBoolean(System.getProperty("scimsync.skipBrowserTests",
                System.getenv().getOrDefault("SCIM_SYNC_SKIP_BROWSER_TESTS", "false")));
        Assumptions.assumeFalse(skip, "browser tests skipped on request (scimsync.skipBrowserTests)");
        if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(CHROMEDRIVER))) {
            Assertions.fail("the console's browser test needs Chromium and its driver at " + CHROMIUM + " and "
                    + CHROMEDRIVER + ": `apt-get install -y chromium chromium-driver` (.ci/run does), point "
                    + "-Dscimsync.chromium / -Dscimsync.chromedriver elsewhere, or skip on purpose with "
                    + "-Dscimsync.skipBrowserTests=true");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,800", "--hide-scrollbars", "--no-first-run", "--disable-extensions",
                "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return driver;
    }

    /** A PNG of the window, kept under docs/console/ of the repository (shown in the README). */
    static void screenshot(ChromeDriver driver, String name) throws IOException {
        Path docs = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent().resolve("docs/console");
        Files.createDirectories(docs);
        File png = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), docs.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
