package cn.tongban.console;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium for the console's browser tests (Debian's chromium and
 * chromium-driver, which .ci/run installs), with the steps every page test takes: open a page,
 * log in and out, wait for an element, leave a screenshot under target/screenshots/. One per test
 * class: start it in {@code @BeforeAll}, close it in {@code @AfterAll}.
 */
final class ConsoleBrowser implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target/screenshots");

    private final ChromeDriver driver;
    private int port;

    private ConsoleBrowser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Starts Chromium, or skips the test class where this machine has none. */
    static ConsoleBrowser start() throws IOException {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "no /usr/bin/chromium and /usr/bin/chromedriver here: apt-get install -y chromium chromium-driver"
                        + " (.ci/run does)");
        Path profile = Files.createTempDirectory("console-it-chromium");
        ChromeOptions options = new ChromeOptions();
        // A named binary and driver: Selenium Manager then downloads nothing.
        options.setBinary(CHROMIUM.toString());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,900",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .build();
        Files.createDirectories(SCREENSHOTS);
        return new ConsoleBrowser(new ChromeDriver(service, options));
    }

    /** The hub this browser talks to (the test's {@code @LocalServerPort}). */
    ConsoleBrowser at(int port) {
        this.port = port;
        return this;
    }

    WebDriver driver() {
        return driver;
    }

    void open(String path) {
        driver.get("http://localhost:" + port + path);
    }

    void login(String user, String password) {
        if (!driver.getCurrentUrl().contains("/console/login")) {
            open("/console/login");
        }
        find(By.id("username")).sendKeys(user);
        find(By.id("password")).sendKeys(password);
        WebElement submit = find(By.id("login-submit"));
        submit.click();
        waitFor(gone(submit));
    }

    /**
     * The element has left the page (a navigation or an htmx swap). Chromium sometimes answers a
     * question about a node of the page just replaced with "Node with given id does not belong to
     * the document" instead of a stale-element error: that too means it is gone.
     */
    static ExpectedCondition<Boolean> gone(WebElement element) {
        return driver -> {
            try {
                element.isEnabled();
                return false;
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                return true;
            } catch (org.openqa.selenium.WebDriverException e) {
                if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                    return true;
                }
                throw e;
            }
        };
    }

    void logout() {
        find(By.cssSelector(".logout button")).click();
        waitFor(ExpectedConditions.urlContains("/console/login?logout"));
    }

    WebElement find(By by) {
        return waitFor(ExpectedConditions.presenceOfElementLocated(by));
    }

    <T> T waitFor(ExpectedCondition<T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(10)).until(condition);
    }

    void shot(String name) {
        try {
            Path taken = driver.getScreenshotAs(OutputType.FILE).toPath();
            Files.move(taken, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
