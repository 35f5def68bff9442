package dev.hearth.kb.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.kb.IngestionListener;
import dev.hearth.kb.KnowledgeBaseOptions;
import dev.hearth.kb.KnowledgeBases;
import dev.hearth.kb.embed.ConceptBagEmbedder;
import dev.hearth.serve.engine.EngineOptions;
import dev.hearth.serve.engine.InferenceEngines;
import dev.hearth.serve.http.HearthServer;
import dev.hearth.serve.http.ServerConfig;
import dev.hearth.serve.openai.OpenAiApi;
import dev.hearth.serve.registry.ModelRegistry;
import dev.hearth.serve.registry.RegistryOptions;
import dev.hearth.serve.web.HeadlessChromium;
import dev.hearth.serve.web.WebChat;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The knowledge-base page ({@code /kb}) end to end, in headless Chromium driven through Selenium,
 * against a real server with the knowledge-base API, extractive answers (no model: an answer is
 * the passages themselves) and a test embedder. Everything goes through the page as a person
 * would use it: the create form, the file input, the question box, the citation markers, the
 * Remove and Delete buttons and the browser's confirm dialog. Without Chromium the test is
 * skipped loudly; under CI ({@code CI=true}) that is a failure.
 */
class WebKnowledgeBaseIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    static ModelRegistry registry;
    static KnowledgeBases bases;
    static HearthServer server;
    static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.require("the knowledge-base page's end-to-end test");
        registry = ModelRegistry.create(List.of(), new RegistryOptions(EngineOptions.defaults().withThreads(1),
                Duration.ofMinutes(5), 1L << 30), InferenceEngines::open);
        bases = KnowledgeBases.open(KnowledgeBaseOptions.defaults(dir.resolve("data")).withMinRelevance(0.3),
                new ConceptBagEmbedder(64));
        KnowledgeBaseApi api = KnowledgeBaseApi.create(bases, Optional.empty());
        server = HearthServer.create(ServerConfig.defaults().withPort(0), registry,
                List.of(OpenAiApi.create(api.grounding()), api, new WebChat()), line -> { }).start();
        browser = HeadlessChromium.start(dir.resolve("profile"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.stop();
            registry.close();
            bases.close();
        }
    }

    /** No test may leave a script error or a Content-Security-Policy violation in the console. */
    @AfterEach
    void consoleIsClean() {
        List<String> problems = HeadlessChromium.consoleProblems(browser);
        browser.manage().window().setSize(new Dimension(1200, 900));
        assertThat(problems).isEmpty();
    }

    // ---- the tests ----

    @Test
    void managesAKnowledgeBaseFromCreationToDeletion() throws Exception {
        openKnowledgeBases("");
        assertThat(browser.findElement(By.id("empty")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("base")).isDisplayed()).isFalse();

        create("plant", "plant manuals");
        assertThat(browser.findElement(By.cssSelector("#bases .open[aria-current=true]")).getText()).isEqualTo("plant");
        assertThat(text("base-name")).isEqualTo("plant");
        assertThat(text("base-summary")).isEqualTo("plant manuals · 0 documents, 0 chunks");
        assertThat(browser.getCurrentUrl()).endsWith("/kb#plant");

        Path safety = Files.writeString(dir.resolve("safety.md"),
                "# Hot work\n\nHot work needs a permit signed by the shift manager.\n");
        Path tool = Files.writeString(dir.resolve("tool.exe"), "MZ not a document");
        String status = upload(safety, tool);
        assertThat(status).startsWith("Added 1 of 2 files, 1 chunk. Not added: tool.exe: ").contains("unsupported");
        waitUntil(b -> documents().containsKey("safety.md"));
        assertThat(documents().get("safety.md")).containsExactly("1", "indexed", "Remove");
        assertThat(documents().get("tool.exe")).satisfiesExactly(chunks -> assertThat(chunks).isEqualTo("0"),
                state -> assertThat(state).startsWith("failed: unsupported format .exe"),
                action -> assertThat(action).isEqualTo("Remove"));
        assertThat(text("base-summary")).isEqualTo("plant manuals · 2 documents, 1 chunk");

        watchAnswerStates();
        ask("who signs the hot work permit?");
        assertThat(browser.executeScript("return window.answerStates")).as("the answer streamed, then ended")
                .isEqualTo(List.of("streaming", "done"));
        assertThat(answerText()).startsWith("These passages of the knowledge base are the most relevant:")
                .contains("[1] Hot work needs a permit signed by the shift manager.");
        List<WebElement> sources = browser.findElements(By.cssSelector("#answer ol.citations > li"));
        assertThat(sources).hasSize(1);
        WebElement passage = browser.findElement(By.cssSelector("#answer details[data-citation='1']"));
        assertThat(passage.findElement(By.tagName("summary")).getText()).isEqualTo("safety.md — Hot work");
        assertThat(passage.getDomProperty("open")).isEqualTo("false");
        assertThat(passage.findElement(By.cssSelector(".passage")).isDisplayed()).isFalse();

        browser.findElement(By.cssSelector("#answer .content a.cite[data-citation='1']")).click();
        waitUntil(b -> "true".equals(passage.getDomProperty("open")));
        WebElement passageText = passage.findElement(By.cssSelector(".passage"));
        assertThat(passageText.isDisplayed()).isTrue();
        assertThat(passageText.getText()).contains("Hot work needs a permit signed by the shift manager.");
        assertThat(browser.getCurrentUrl()).as("the marker's link goes nowhere").endsWith("/kb#plant");

        removeButton("safety.md").click();
        waitUntil(b -> !documents().containsKey("safety.md"));
        waitUntil(b -> text("base-summary").equals("plant manuals · 1 document, 0 chunks"));

        browser.findElement(By.id("delete-base")).click();
        Alert dismissed = awaitAlert();
        assertThat(dismissed.getText()).isEqualTo("Delete the knowledge base plant and everything in it?");
        dismissed.dismiss();
        assertThat(status("/v1/kb/plant")).as("kept when the dialog is dismissed").isEqualTo(200);

        browser.findElement(By.id("delete-base")).click();
        awaitAlert().accept();
        waitUntil(b -> browser.findElement(By.id("empty")).isDisplayed());
        waitUntil(b -> !sidebar().contains("plant"));
        assertThat(browser.findElement(By.id("base")).isDisplayed()).isFalse();
        assertThat(browser.getCurrentUrl()).endsWith("/kb");
        assertThat(status("/v1/kb/plant")).isEqualTo(404);
    }

    @Test
    void citesThePageOfAPdfPassage() throws Exception {
        openKnowledgeBases("");
        create("reports", "");
        String status = upload(twoPagePdf(dir.resolve("boiler.pdf")));
        assertThat(status).isEqualTo("Added 1 of 1 file, 2 chunks.");
        waitUntil(b -> documents().containsKey("boiler.pdf"));
        assertThat(documents().get("boiler.pdf")).containsExactly("2", "indexed", "Remove");

        ask("what is the boiler pressure limit?");
        WebElement first = browser.findElement(By.cssSelector("#answer details[data-citation='1']"));
        assertThat(first.findElement(By.tagName("summary")).getText()).isEqualTo("boiler.pdf, p. 2");
        assertThat(first.findElement(By.cssSelector(".passage")).getDomProperty("textContent"))
                .isEqualTo("The boiler pressure limit is twelve bar.");
        assertThat(answerText()).contains("[1] The boiler pressure limit is twelve bar.");
    }

    @Test
    void theChatPageLinksToTheKnowledgeBases() {
        browser.get(server.url() + "/");
        browser.executeScript("localStorage.clear()");
        browser.navigate().refresh();
        WebElement link = browser.findElement(By.id("kb-link"));
        waitUntil(b -> link.isDisplayed());
        assertThat(link.getText()).isEqualTo("Knowledge bases");
        link.click();
        waitUntil(b -> b.getCurrentUrl().endsWith("/kb"));
        waitUntil(b -> browser.findElement(By.id("empty")).isDisplayed());
        assertThat(browser.getTitle()).isEqualTo("Hearth — knowledge bases");
    }

    /** On the chat page, model kb:NAME answers with its sources, which are kept with the conversation. */
    @Test
    void theChatPageShowsAKnowledgeBasesSources() throws Exception {
        bases.create("office", "");
        Path passwords = Files.writeString(dir.resolve("passwords.txt"), "Passwords must be changed every ninety days.\n");
        bases.add("office", List.of(passwords), Set.of(), IngestionListener.NONE);
        browser.get(server.url() + "/");
        browser.executeScript("localStorage.clear(); localStorage.setItem('hearth.settings', JSON.stringify(arguments[0]))",
                Map.of("model", "kb:office"));
        browser.navigate().refresh();
        waitUntil(b -> "kb:office".equals(b.executeScript("return document.getElementById('model').value")));

        browser.findElement(By.id("prompt")).sendKeys("how often must passwords be changed?", Keys.ENTER);
        String answer = "article.assistant:last-child";
        waitUntil(b -> "done".equals(b.executeScript("return document.querySelector(arguments[0])?.dataset.state", answer)));
        assertThat(browser.findElement(By.cssSelector(answer + " .content")).getText())
                .contains("[1] Passwords must be changed every ninety days.");
        WebElement passage = browser.findElement(By.cssSelector(answer + " .citations details[data-citation='1']"));
        assertThat(passage.findElement(By.tagName("summary")).getText()).isEqualTo("passwords.txt");
        browser.findElement(By.cssSelector(answer + " .content a.cite[data-citation='1']")).click();
        waitUntil(b -> "true".equals(passage.getDomProperty("open")));
        assertThat(passage.findElement(By.cssSelector(".passage")).getText())
                .isEqualTo("Passwords must be changed every ninety days.");

        browser.navigate().refresh();
        waitUntil(b -> !b.findElements(By.cssSelector(answer + " .content a.cite[data-citation='1']")).isEmpty());
        assertThat(browser.findElement(By.cssSelector(answer + " .citations summary")).getText()).isEqualTo("passwords.txt");
    }

    @Test
    void reportsAnUnknownKnowledgeBaseInTheAddress() {
        openKnowledgeBases("#nowhere");
        WebElement error = browser.findElement(By.id("error"));
        waitUntil(b -> error.isDisplayed());
        assertThat(text("error-text")).contains("nowhere");
        assertThat(browser.findElement(By.id("base")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("empty")).isDisplayed()).isTrue();
        browser.findElement(By.id("error-close")).click();
        assertThat(error.isDisplayed()).isFalse();
    }

    /** At 400 px the page is still usable (the sidebar's form is on screen) and nothing scrolls sideways. */
    @Test
    void fitsANarrowScreen() throws Exception {
        browser.manage().window().setSize(new Dimension(400, 800));
        openKnowledgeBases("");
        waitUntil(b -> (Long) b.executeScript("return window.innerWidth") <= 400);
        WebElement name = browser.findElement(By.id("new-name"));
        assertThat(insideViewport(name)).as("the create form is on screen").isTrue();

        create("narrow", "a knowledge base looked at on a phone");
        Path longName = Files.writeString(dir.resolve("quarterly-maintenance-schedule-for-the-north-plant-2025.md"),
                "# Maintenance\n\nThe north plant's pumps are serviced every quarter by the maintenance crew.\n");
        upload(longName);
        waitUntil(b -> documents().containsKey(longName.getFileName().toString()));
        ask("how often are the pumps serviced?");
        browser.findElement(By.cssSelector("#answer .content a.cite[data-citation='1']")).click();

        assertThat(insideViewport(browser.findElement(By.id("delete-base")))).isTrue();
        assertThat(insideViewport(browser.findElement(By.id("ask-send")))).isTrue();
        assertThat(browser.executeScript("""
                const wide = (e) => e.scrollWidth > e.clientWidth;
                return [document.documentElement, document.querySelector('main.kb'), document.querySelector('.sidebar')]
                  .filter(wide).map((e) => e.tagName + '.' + e.className + ' ' + e.scrollWidth + ' > ' + e.clientWidth);"""))
                .as("elements that scroll sideways").isEqualTo(List.of());
    }

    // ---- helpers ----

    private static void openKnowledgeBases(String hash) {
        browser.get(server.url() + "/kb" + hash);
        waitUntil(b -> "complete".equals(b.executeScript("return document.readyState")));
    }

    /** Creates a knowledge base through the sidebar's form and waits until the page shows it. */
    private static void create(String name, String description) {
        browser.findElement(By.id("new-name")).sendKeys(name);
        browser.findElement(By.id("new-description")).sendKeys(description);
        browser.findElement(By.cssSelector("#create button[type=submit]")).click();
        waitUntil(b -> sidebar().contains(name) && text("base-name").equals(name));
        assertThat(browser.findElement(By.id("new-name")).getDomProperty("value")).isEmpty();
    }

    /** Chooses the files in the file input, presses Upload, and returns the status line once the job ended. */
    private static String upload(Path... files) {
        browser.findElement(By.id("files")).sendKeys(Arrays.stream(files).map(Path::toString).collect(Collectors.joining("\n")));
        browser.findElement(By.cssSelector("#upload button[type=submit]")).click();
        waitUntil(b -> text("upload-status").startsWith("Added"));
        assertThat(browser.findElement(By.id("upload-progress")).getDomProperty("value")).isEqualTo("1");
        return text("upload-status");
    }

    /** Asks in the question box (Enter asks) and waits until the answer and its sources are drawn. */
    private static void ask(String question) {
        browser.findElement(By.id("question")).sendKeys(question, Keys.ENTER);
        waitUntil(b -> "done".equals(b.findElement(By.id("answer")).getDomAttribute("data-state"))
                && !b.findElements(By.cssSelector("#answer ol.citations")).isEmpty());
    }

    /** Records every state the answer passes through, in {@code window.answerStates}. */
    private static void watchAnswerStates() {
        browser.executeScript("""
                window.answerStates = [];
                new MutationObserver(() => {
                  const state = document.getElementById('answer').dataset.state;
                  if (window.answerStates.at(-1) !== state) window.answerStates.push(state);
                }).observe(document.getElementById('answer'), { attributes: true, attributeFilter: ['data-state'] });""");
    }

    private static String answerText() {
        return browser.findElement(By.cssSelector("#answer .content")).getDomProperty("textContent");
    }

    /** The documents table: each row's name to its other cells. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> documents() {
        List<List<String>> rows = (List<List<String>>) browser.executeScript("""
                return [...document.querySelectorAll('#documents tr')]
                  .map((tr) => [...tr.cells].map((td) => td.textContent));""");
        return rows.stream().collect(Collectors.toMap(List::getFirst, r -> r.subList(1, r.size())));
    }

    private static WebElement removeButton(String document) {
        return browser.findElement(By.xpath("//tbody[@id='documents']/tr[td[1][text()='" + document + "']]//button[text()='Remove']"));
    }

    /** The knowledge bases the sidebar lists, read in one script, so a redraw cannot make them stale. */
    @SuppressWarnings("unchecked")
    private static List<String> sidebar() {
        return (List<String>) browser.executeScript(
                "return [...document.querySelectorAll('#bases .open')].map((b) => b.textContent)");
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static Alert awaitAlert() {
        return new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.alertIsPresent());
    }

    private static boolean insideViewport(WebElement element) {
        return (Boolean) browser.executeScript("""
                const r = arguments[0].getBoundingClientRect();
                return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth;""", element);
    }

    private static void waitUntil(Function<ChromeDriver, Boolean> condition) {
        new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(10)).until(b -> condition.apply(browser));
    }

    private static int status(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * A two-page PDF whose answer is on page 2. Page 1 is one passage of 388 chars, two sentences
     * too long to be carried over as overlap, that page 2's sentence would take past the 400-char
     * passage size, so page 2 starts a passage of its own.
     */
    private static Path twoPagePdf(Path file) throws IOException {
        List<List<String>> pages = List.of(
                List.of("The plant history begins with the founding of the old works beside the river in the year",
                        "eighteen ninety, when the first mill wheel was raised by the farming families of the valley below.",
                        "Electric looms replaced the water wheel in nineteen twenty, and the old mill house by the bridge then",
                        "became the office where the accounts of the whole cooperative were kept for more than fifty years."),
                List.of("The boiler pressure limit is twelve bar."));
        try (PDDocument pdf = new PDDocument()) {
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            for (List<String> lines : pages) {
                PDPage page = new PDPage();
                pdf.addPage(page);
                try (PDPageContentStream content = new PDPageContentStream(pdf, page)) {
                    content.beginText();
                    content.setFont(font, 11);
                    content.newLineAtOffset(72, 700);
                    for (String line : lines) {
                        content.showText(line);
                        content.newLineAtOffset(0, -14);
                    }
                    content.endText();
                }
            }
            pdf.save(file.toFile());
        }
        return file;
    }
}
