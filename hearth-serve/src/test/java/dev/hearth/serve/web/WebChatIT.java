package dev.hearth.serve.web;

import dev.hearth.model.convert.Llama2cConverter;
import dev.hearth.model.generate.ChatPrompt;
import dev.hearth.model.generate.StopReason;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.serve.engine.Completion;
import dev.hearth.serve.engine.CompletionListener;
import dev.hearth.serve.engine.CompletionRequest;
import dev.hearth.serve.engine.CompletionResult;
import dev.hearth.serve.engine.EngineInfo;
import dev.hearth.serve.engine.EngineOptions;
import dev.hearth.serve.engine.EngineStats;
import dev.hearth.serve.engine.InferenceEngine;
import dev.hearth.serve.engine.InferenceEngines;
import dev.hearth.serve.engine.TokenOutput;
import dev.hearth.serve.http.ApiKeys;
import dev.hearth.serve.http.HearthServer;
import dev.hearth.serve.http.ServerConfig;
import dev.hearth.serve.openai.OpenAiApi;
import dev.hearth.serve.registry.ModelRegistry;
import dev.hearth.serve.registry.ModelSource;
import dev.hearth.serve.registry.RegistryOptions;
import dev.hearth.testdata.TestData;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat page end to end, in headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}) driven through Selenium, against a real server with the real engine on
 * llama2.c's stories260K. The server requires an API key, so every test also goes through the
 * page's key handling. Without Chromium the test is skipped loudly; under CI ({@code CI=true}) that
 * is a failure.
 */
class WebChatIT {
    private static final String KEY = "sk-hearth-web-test";
    private static final String MODEL = "stories260K";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static ModelRegistry registry;
    static HearthServer server;
    static ChromeDriver browser;
    static volatile PacedEngine engine;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.require("the web page's end-to-end test");
        Path data = TestData.file("stories260k");
        Path model = Llama2cConverter.convert(data.resolve("stories260K.bin"), data.resolve("tok512.bin"),
                dir.resolve(MODEL + ".gguf")).file();
        EngineOptions options = EngineOptions.defaults().withThreads(2).withKvMemoryBudget(16L << 20).withKvBlockSize(16);
        registry = ModelRegistry.create(List.of(new ModelSource(MODEL, model)),
                new RegistryOptions(options, Duration.ofSeconds(-1), 1L << 30),
                (file, o) -> engine = new PacedEngine(InferenceEngines.open(file, o)));
        Path keys = Files.writeString(dir.resolve("keys"), ApiKeys.hash(KEY) + "\n");
        server = HearthServer.create(ServerConfig.defaults().withPort(0).withApiKeys(ApiKeys.load(keys)), registry,
                List.of(OpenAiApi.create(), new WebChat()), line -> { }).start();
        chat(Map.of("model", MODEL, "max_tokens", 1, "messages", List.of(Map.of("role", "user", "content", "Hi"))));
        assertThat(engine).as("the model is loaded, so every test finds its engine").isNotNull();
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
        }
    }

    /** No test may leave a script error or a Content-Security-Policy violation in the console. */
    @AfterEach
    void consoleIsClean() {
        List<String> problems = HeadlessChromium.consoleProblems(browser);
        assertThat(problems).isEmpty();
        if (engine != null) {
            engine.pauseMillis = 0;
        }
    }

    // ---- the tests ----

    @Test
    void streamsAGreedyAnswerEqualToTheApisAnswer() throws Exception {
        browser.get(server.url() + "/");
        browser.executeScript("localStorage.clear()");
        browser.navigate().refresh();
        WebElement error = browser.findElement(By.id("error"));
        waitUntil(b -> error.isDisplayed());
        assertThat(error.getText()).contains("Cannot list the models", "this server requires an API key");

        browser.findElement(By.cssSelector(".settings summary")).click();
        browser.findElement(By.id("api-key")).sendKeys(KEY);
        browser.findElement(By.id("temperature")).sendKeys("0"); // leaving the key field loads the models
        browser.findElement(By.id("max-tokens")).sendKeys("40");
        waitForModels();
        new Select(browser.findElement(By.id("model"))).selectByValue(MODEL);
        browser.findElement(By.id("error-close")).click();

        engine.pauseMillis = 15;
        ask("Once upon a time");
        waitUntil(b -> "streaming".equals(answer().get(0)) && !answer().get(1).isEmpty()); // part of it is shown
        waitUntil(b -> "done".equals(answer().get(0)));

        String expected = chat(Map.of("model", MODEL, "temperature", 0, "max_tokens", 40,
                "messages", List.of(Map.of("role", "user", "content", "Once upon a time"))))
                .path("choices").path(0).path("message").path("content").asText();
        assertThat(expected).isNotBlank();
        assertThat(storedMessages(0)).containsExactly(
                Map.of("role", "user", "content", "Once upon a time"),
                Map.of("role", "assistant", "content", expected, "state", "done", "model", MODEL));
        assertThat(browser.executeAsyncScript("""
                const [text, done] = arguments;
                import('/assets/markdown.js').then((m) => {
                  const rendered = document.createElement('template');
                  rendered.innerHTML = m.renderMarkdown(text);
                  done(rendered.innerHTML === document.querySelector('article.assistant:last-child .content').innerHTML);
                });""", expected))
                .as("the answer on the page is the API's answer, rendered").isEqualTo(true);
        assertThat(browser.findElement(By.id("send")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("stop")).isDisplayed()).isFalse();
    }

    @Test
    void stopEndsTheGenerationOnTheServer() {
        openWithSettings(400);
        engine.pauseMillis = 40; // 400 tokens would take 16 s
        engine.last = null;
        ask("Once upon a time");
        waitUntil(b -> "streaming".equals(answer().get(0)) && !answer().get(1).isEmpty());
        browser.findElement(By.id("stop")).click();
        long generatedAtStop = engine.stats().generatedTokens();

        waitUntil(b -> "stopped".equals(answer().get(0)));
        String shown = answer().get(1);
        assertThat(browser.findElement(By.cssSelector("article.assistant .note")).getText()).isEqualTo("Stopped.");
        waitUntil(b -> engine.last != null && engine.stats().active() == 0);
        assertThat(engine.last.reason()).as("the server cancelled the generation").isEqualTo(StopReason.CANCELLED);
        assertThat(engine.stats().generatedTokens() - generatedAtStop).as("tokens after Stop").isLessThan(10);
        assertThat(answer().get(1)).isEqualTo(shown);
        Map<String, Object> stored = storedMessages(0).get(1);
        assertThat(stored).containsEntry("state", "stopped");
        // the page shows the answer as rendered Markdown, which drops a trailing space: a stop just
        // after a token such as " " keeps that space in the stored text only
        assertThat(((String) stored.get("content")).stripTrailing()).isEqualTo(shown);
        assertThat(browser.findElement(By.id("send")).isDisplayed()).isTrue();
    }

    @Test
    void keepsConversationsAcrossReloads() {
        openWithSettings(20);
        browser.findElement(By.id("prompt")).sendKeys("Lily", Keys.chord(Keys.SHIFT, Keys.ENTER), "and Tom", Keys.ENTER);
        waitUntil(b -> "done".equals(answer().get(0)));
        assertThat(storedMessages(0).getFirst()).containsEntry("content", "Lily\nand Tom"); // Shift+Enter: a new line
        String lilyAnswer = answer().get(1);
        browser.findElement(By.id("new-chat")).click();
        ask("Tom");
        waitUntil(b -> "done".equals(answer().get(0)));
        String tomAnswer = answer().get(1);

        browser.navigate().refresh();
        waitUntil(b -> answer().get(1).equals(tomAnswer)); // the conversation open before the reload
        assertThat(sidebar()).containsExactly("Tom", "Lily");
        assertThat(browser.findElement(By.cssSelector(".conversations [aria-current=true]")).getText()).isEqualTo("Tom");

        browser.findElement(By.xpath("//ul[@id='conversations']//button[text()='Lily']")).click();
        assertThat(browser.findElement(By.cssSelector("article.user .content")).getText()).isEqualTo("Lily\nand Tom");
        assertThat(answer().get(1)).isEqualTo(lilyAnswer);

        browser.findElement(By.cssSelector("[aria-label='Delete conversation: Tom']")).click();
        assertThat(sidebar()).containsExactly("Lily");
        browser.navigate().refresh();
        waitUntil(b -> answer().get(1).equals(lilyAnswer));
        assertThat(sidebar()).containsExactly("Lily");
    }

    @Test
    void showsTheServersErrorAndGivesTheQuestionBack() throws Exception {
        openWithSettings(20);
        String tooLong = "Once upon a time there was a little girl. ".repeat(80); // far past the 512-token context
        browser.executeScript("document.getElementById('prompt').value = arguments[0]", tooLong);
        browser.findElement(By.id("prompt")).sendKeys(Keys.ENTER);
        WebElement error = browser.findElement(By.id("error"));
        waitUntil(b -> error.isDisplayed());

        String expected = chat(Map.of("model", MODEL, "temperature", 0, "max_tokens", 20, "stream", true,
                "messages", List.of(Map.of("role", "user", "content", tooLong)))).path("error").path("message").asText();
        assertThat(expected).isNotBlank();
        assertThat(browser.findElement(By.id("error-text")).getText()).isEqualTo(expected);
        assertThat(browser.findElement(By.id("prompt")).getDomProperty("value")).isEqualTo(tooLong);
        assertThat(browser.findElements(By.cssSelector("article.message"))).isEmpty();
        assertThat(sidebar()).containsExactly("New chat");
    }

    /** The renderer alone, on crafted input: each construct, and markup that must stay text. */
    @Test
    void rendersMarkdownSafely() {
        openWithSettings(20);
        String markdown = """
                ## Title
                Some **bold**, *italic* and `x < y`; a [link](https://example.com/?q=1&r=2), \
                a [trap](javascript:alert(1)) and <img src=x onerror=alert(1)>.

                ```js
                document.write("<script>alert(1)</script>");
                ```

                - one
                  - nested <b>not bold</b>
                - two

                > quoted

                | name | size |
                |------|-----:|
                | a    | 1    |
                <svg onload=alert(1)></svg>
                """;
        browser.executeAsyncScript("""
                const [text, done] = arguments;
                import('/assets/markdown.js').then((m) => {
                  const probe = document.createElement('div');
                  probe.id = 'probe';
                  probe.innerHTML = m.renderMarkdown(text);
                  document.body.append(probe);
                  done();
                });""", markdown);
        Function<String, List<String>> texts = css -> browser.findElements(By.cssSelector("#probe " + css)).stream()
                .map(e -> e.getDomProperty("textContent")).toList();

        assertThat(texts.apply("h2")).containsExactly("Title");
        assertThat(texts.apply("strong")).containsExactly("bold");
        assertThat(texts.apply("em")).containsExactly("italic");
        assertThat(texts.apply("p > code")).containsExactly("x < y");
        assertThat(texts.apply("pre code")).containsExactly("document.write(\"<script>alert(1)</script>\");");
        assertThat(texts.apply(".code-language")).containsExactly("js");
        assertThat(texts.apply(".code-block button.copy")).containsExactly("Copy");
        assertThat(texts.apply("ul > li > ul > li")).containsExactly("nested <b>not bold</b>");
        assertThat(texts.apply("blockquote")).containsExactly("quoted");
        assertThat(texts.apply("th")).containsExactly("name", "size");
        assertThat(browser.findElements(By.cssSelector("#probe td.align-right"))).hasSize(1);
        List<WebElement> links = browser.findElements(By.cssSelector("#probe a"));
        assertThat(links).hasSize(1);
        assertThat(links.getFirst().getDomAttribute("href")).isEqualTo("https://example.com/?q=1&r=2");
        assertThat(texts.apply("p").getFirst()).contains("[trap](javascript:alert(1))", "<img src=x onerror=alert(1)>");
        assertThat(texts.apply("").getFirst()).contains("<svg onload=alert(1)></svg>");
        assertThat(browser.findElements(By.cssSelector("#probe img, #probe svg, #probe script, #probe b, "
                + "#probe [onerror], #probe [onload]"))).isEmpty();
    }

    /** The page's SSE reader alone, on streams cut at awkward places: inside a line, between CR and LF, inside a character. */
    @Test
    void readsServerSentEventsHoweverTheStreamIsCut() {
        openWithSettings(20);
        List<String> chunks = List.of(": keep-alive\n\n", "data: {\"a\":", "1}\r", "\n\r\ndata: x\r", "\ndata:y\n\n",
                "event: ignored\ndata: é\n\n", "data: [DONE]\n\n", "data: never ended");
        Object events = browser.executeAsyncScript("""
                const [chunks, done] = arguments;
                const read = async (m, pieces) => {
                  const body = new ReadableStream({ start(c) { pieces.forEach((p) => c.enqueue(p)); c.close(); } });
                  const events = [];
                  for await (const data of m.sseData(body)) events.push(data);
                  return events;
                };
                import('/assets/sse.js').then(async (m) => {
                  const encoder = new TextEncoder();
                  const bytes = encoder.encode(chunks.join(''));
                  const fives = [];
                  for (let i = 0; i < bytes.length; i += 5) fives.push(bytes.slice(i, i + 5));
                  done([await read(m, chunks.map((c) => encoder.encode(c))), await read(m, fives)]);
                });""", chunks);
        List<String> expected = List.of("{\"a\":1}", "x\ny", "é", "[DONE]");
        assertThat(events).isEqualTo(List.of(expected, expected));
    }

    /** A Markdown answer kept in the browser renders in the conversation, and its code can be copied. */
    @Test
    void rendersAStoredMarkdownAnswerWithACopyButton() {
        openWithSettings(20);
        browser.executeScript("""
                localStorage.setItem('hearth.conversations', JSON.stringify([{id: 'md', title: 'Code', updated: 1,
                  messages: [{role: 'user', content: 'Show me code'},
                             {role: 'assistant', content: '# Here\\n\\n```python\\nprint("hi")\\n```', model: 'm'}]}]));
                localStorage.setItem('hearth.current', 'md');""");
        browser.navigate().refresh();
        waitUntil(b -> !b.findElements(By.cssSelector("article.assistant pre code")).isEmpty());
        assertThat(browser.findElement(By.cssSelector("article.assistant h1")).getText()).isEqualTo("Here");
        assertThat(browser.findElement(By.cssSelector("article.assistant pre code")).getText()).isEqualTo("print(\"hi\")");
        assertThat(browser.findElement(By.cssSelector("article.assistant .code-language")).getText()).isEqualTo("python");
        WebElement copy = browser.findElement(By.cssSelector("article.assistant button.copy"));
        copy.click();
        waitUntil(b -> !copy.getText().equals("Copy")); // "Copied", or the code selected where there is no clipboard
    }

    // ---- helpers ----

    /** A fresh page with the key, greedy sampling and {@code maxTokens} in its settings, and the models listed. */
    private static void openWithSettings(int maxTokens) {
        browser.get(server.url() + "/");
        browser.executeScript("localStorage.clear(); localStorage.setItem('hearth.settings', JSON.stringify(arguments[0]))",
                Map.of("apiKey", KEY, "temperature", "0", "maxTokens", Integer.toString(maxTokens), "model", MODEL));
        browser.navigate().refresh();
        waitForModels();
    }

    private static void waitForModels() {
        waitUntil(b -> !b.findElements(By.cssSelector("#model option[value='" + MODEL + "']")).isEmpty());
    }

    private static void ask(String text) {
        browser.findElement(By.id("prompt")).sendKeys(text, Keys.ENTER);
    }

    /** The last answer's state and text, read in one script, so a redraw cannot make them stale. */
    @SuppressWarnings("unchecked")
    private static List<String> answer() {
        List<String> answer = (List<String>) browser.executeScript("""
                const a = document.querySelector('article.assistant:last-child');
                return a ? [a.dataset.state, a.querySelector('.content').textContent] : ['none', ''];""");
        return answer;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> storedMessages(int conversation) {
        List<Map<String, Object>> conversations = (List<Map<String, Object>>) browser.executeScript(
                "return JSON.parse(localStorage.getItem('hearth.conversations'))");
        return (List<Map<String, Object>>) conversations.get(conversation).get("messages");
    }

    private static List<String> sidebar() {
        return browser.findElements(By.cssSelector("#conversations .open")).stream().map(WebElement::getText).toList();
    }

    private static void waitUntil(Function<ChromeDriver, Boolean> condition) {
        new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(10)).until(b -> condition.apply(browser));
    }

    /** The API's answer to the same request, outside the browser. */
    private static JsonNode chat(Map<String, Object> request) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    /**
     * The real engine, with each token held back {@link #pauseMillis} when a test asks, so a click
     * at a person's pace can land mid-answer; it also keeps the last completion's result.
     */
    static final class PacedEngine implements InferenceEngine {
        private final InferenceEngine engine;
        volatile long pauseMillis;
        volatile CompletionResult last;

        PacedEngine(InferenceEngine engine) {
            this.engine = engine;
        }

        @Override
        public Completion submit(CompletionRequest request, CompletionListener listener) {
            return engine.submit(request, new CompletionListener() {
                @Override
                public void onToken(TokenOutput output) {
                    try {
                        Thread.sleep(pauseMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    listener.onToken(output);
                }

                @Override
                public void onComplete(CompletionResult result) {
                    last = result;
                    listener.onComplete(result);
                }

                @Override
                public void onError(Throwable error) {
                    listener.onError(error);
                }
            });
        }

        @Override
        public EngineInfo info() {
            return engine.info();
        }

        @Override
        public Tokenizer tokenizer() {
            return engine.tokenizer();
        }

        @Override
        public ChatPrompt chatPrompt() {
            return engine.chatPrompt();
        }

        @Override
        public List<float[]> embed(List<int[]> inputs) {
            return engine.embed(inputs);
        }

        @Override
        public EngineStats stats() {
            return engine.stats();
        }

        @Override
        public void shutdown(Duration deadline) {
            engine.shutdown(deadline);
        }

        @Override
        public void close() {
            engine.close();
        }
    }
}
