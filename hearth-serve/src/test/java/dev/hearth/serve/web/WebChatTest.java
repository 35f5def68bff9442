package dev.hearth.serve.web;

import dev.hearth.serve.engine.EngineOptions;
import dev.hearth.serve.http.ApiKeys;
import dev.hearth.serve.http.HearthServer;
import dev.hearth.serve.http.ServerConfig;
import dev.hearth.serve.registry.ModelRegistry;
import dev.hearth.serve.registry.RegistryOptions;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The page and its assets as HTTP answers: types, headers, caching, what is found and what is not. No browser. */
class WebChatTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String KEY = "sk-web-test";

    @TempDir
    static Path dir;
    static ModelRegistry registry;
    static HearthServer server;

    @BeforeAll
    static void start() throws IOException {
        Path keys = Files.writeString(dir.resolve("keys"), ApiKeys.hash(KEY) + "\n");
        registry = ModelRegistry.create(List.of(), new RegistryOptions(EngineOptions.defaults(), Duration.ZERO, 1L << 30),
                (file, options) -> {
                    throw new AssertionError("no model is served");
                });
        server = HearthServer.create(ServerConfig.defaults().withPort(0).withApiKeys(ApiKeys.load(keys)),
                registry, List.of(new WebChat()), line -> { }).start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        registry.close();
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesThePageWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html;charset=utf-8");
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:", "*");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(page.body()).contains("<script type=\"module\" src=\"/assets/app.js\"></script>");
    }

    @Test
    void thePageHasNothingInlineThatThePolicyWouldBlock() throws Exception {
        String html = get("/").body();
        Matcher scripts = Pattern.compile("<script([^>]*)>([\\s\\S]*?)</script>").matcher(html);
        while (scripts.find()) {
            assertThat(scripts.group(1)).as("a script element").contains("src=\"/assets/");
            assertThat(scripts.group(2)).as("a script element's body").isBlank();
        }
        assertThat(html).doesNotContainPattern("(?i)<style|\\sstyle=|\\son[a-z]+=|javascript:")
                .doesNotContainPattern("(?i)(src|href)=\"(https?:)?//"); // nothing from another host
    }

    @Test
    void servesEveryAssetThePageAndItsModulesNameWithItsContentType() throws Exception {
        String html = get("/").body();
        Matcher links = Pattern.compile("(?:src|href)=\"/assets/([^\"]+)\"").matcher(html);
        List<String> fromPage = links.results().map(m -> m.group(1)).toList();
        assertThat(fromPage).contains("app.js", "app.css", "icon.svg");
        for (String asset : fromPage) {
            HttpResponse<String> response = get("/assets/" + asset);
            assertThat(response.statusCode()).as(asset).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).as(asset).hasValue(switch (asset) {
                case "app.js" -> "text/javascript;charset=utf-8";
                case "app.css" -> "text/css;charset=utf-8";
                default -> "image/svg+xml";
            });
            assertThat(response.headers().firstValue("Content-Security-Policy")).as(asset).isPresent();
        }
        for (String module : List.of("app.js", "api.js")) {
            Matcher imports = Pattern.compile("from '\\./([a-z]+\\.js)'").matcher(get("/assets/" + module).body());
            for (String imported : imports.results().map(m -> m.group(1)).toList()) {
                HttpResponse<String> response = get("/assets/" + imported);
                assertThat(response.statusCode()).as(module + " imports " + imported).isEqualTo(200);
                assertThat(response.headers().firstValue("Content-Type")).hasValue("text/javascript;charset=utf-8");
            }
        }
    }

    @Test
    void answersNotModifiedWhenTheBrowserHasTheCurrentVersion() throws Exception {
        HttpResponse<String> first = get("/assets/app.js");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(get("/assets/app.js", "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(get("/assets/app.js", "If-None-Match", "\"stale\"").statusCode()).isEqualTo(200);
    }

    @Test
    void anUnknownAssetIsNotFound() throws Exception {
        HttpResponse<String> response = get("/assets/nothing.js");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("\"code\":\"not_found\"");
    }

    @Test
    void noRequestReachesAResourceOutsideTheAssetsFolder() throws Exception {
        for (String path : List.of("/assets/..%2Findex.html", "/assets/..%2FWebChat.class", "/assets/%2e%2e%2fWebChat.class",
                "/assets/..%5CWebChat.class", "/assets/../web/WebChat.class", "/assets/index.html", "/assets/.hidden.js")) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isIn(400, 404);
            assertThat(response.body()).as(path).startsWith("{\"error\"").doesNotContain("<html", "java/lang");
        }
        WebChat web = new WebChat();
        assertThat(web.asset("app.js")).isPresent();
        for (String name : List.of("../WebChat.class", "../index.html", "..", "./app.js", "/app.js", "assets/app.js",
                "app.js/", "..\\WebChat.class", "app.js%00.css", "app.class", "")) {
            assertThat(web.asset(name)).as(name).isEmpty();
        }
    }

    @Test
    void thePageNeedsNoKeyButTheServerStillDoes() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(200);
        assertThat(get("/assets/app.js").statusCode()).isEqualTo(200);
        assertThat(get("/metrics").statusCode()).isEqualTo(401);
        assertThat(get("/metrics", "Authorization", "Bearer " + KEY).statusCode()).isEqualTo(200);
    }
}
