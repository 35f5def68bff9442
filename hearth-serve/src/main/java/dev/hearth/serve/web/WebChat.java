package dev.hearth.serve.web;

import dev.hearth.serve.http.Api;
import dev.hearth.serve.http.ApiContext;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.ErrorFormat;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The chat page at {@code /} and the knowledge-base page at {@code /kb}: HTML files and its scripts and styles under {@code /assets/},
 * all read from this package's resources inside the jar, so the page works with no network but
 * the server's. Its scripts talk to the OpenAI API of the same server ({@code /v1/models},
 * {@code /v1/chat/completions}) and keep conversations in the browser's storage.
 *
 * <p>Every answer carries a Content-Security-Policy that allows scripts, styles, images and
 * connections from this server only, and no inline script or style. Files are answered with an
 * ETag and {@code Cache-Control: no-cache}: browsers revalidate, so a new server version's page
 * is never mixed with an old one's cached modules.
 *
 * <p>An asset name is one path segment of letters, digits, {@code .}, {@code _} and {@code -}
 * that starts with a letter or digit and ends in a known extension; it is looked up in the
 * {@code assets} folder beside this class and nowhere else, so no request reaches another resource.
 * The page and its assets hold nothing secret and are {@linkplain #isPublic public}: a browser
 * loads them before it can send a key (the page then sends the key the user typed to the API).
 */
public final class WebChat implements Api {
    static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self'",
            "connect-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'none'",
            "form-action 'none'", "frame-ancestors 'none'");
    private static final String ASSETS = "/assets/";
    /** The knowledge-base page: a client of {@code /v1/kb}, which a server with knowledge bases serves. */
    private static final String KNOWLEDGE_BASES = "/kb";
    private static final Pattern ASSET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*\\.(js|css|svg)");
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html;charset=utf-8",
            "js", "text/javascript;charset=utf-8",
            "css", "text/css;charset=utf-8",
            "svg", "image/svg+xml");

    /** A file as served: its bytes, content type and ETag. */
    record Resource(byte[] bytes, String contentType, String etag) {}

    private final Map<String, Resource> loaded = new ConcurrentHashMap<>(); // only files that exist

    @Override
    public String pathPrefix() {
        return "";
    }

    @Override
    public ErrorFormat errorFormat() {
        return ErrorFormat.OPENAI;
    }

    @Override
    public void addRoutes(RoutesConfig routes, ApiContext context) {
        routes.get("/", ctx -> serve(ctx, resource("index.html").orElseThrow(() -> notFound("/"))));
        routes.get(KNOWLEDGE_BASES, ctx -> serve(ctx, resource("kb.html").orElseThrow(() -> notFound(KNOWLEDGE_BASES))));
        routes.get(ASSETS + "{name}", ctx -> {
            String name = ctx.pathParam("name");
            serve(ctx, asset(name).orElseThrow(() -> notFound(ASSETS + name)));
        });
    }

    @Override
    public boolean isPublic(String path) {
        return path.equals("/") || path.equals(KNOWLEDGE_BASES) || path.startsWith(ASSETS);
    }

    /** The asset called {@code name}, if the name is well-formed and the file exists. */
    Optional<Resource> asset(String name) {
        return ASSET_NAME.matcher(name).matches() ? resource("assets/" + name) : Optional.empty();
    }

    private Optional<Resource> resource(String relative) {
        Resource cached = loaded.get(relative);
        if (cached != null) {
            return Optional.of(cached);
        }
        try (InputStream in = WebChat.class.getResourceAsStream(relative)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            String extension = relative.substring(relative.lastIndexOf('.') + 1);
            Resource resource = new Resource(bytes, CONTENT_TYPES.get(extension), etag(bytes));
            loaded.put(relative, resource);
            return Optional.of(resource);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the web page's resource " + relative, e);
        }
    }

    private static void serve(Context ctx, Resource resource) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-cache");
        ctx.header("ETag", resource.etag());
        if (resource.etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType(resource.contentType()).result(resource.bytes());
    }

    private static ApiException notFound(String path) {
        return new ApiException(404, "invalid_request_error", "not_found", null, "there is no file " + path, 0);
    }

    /** A strong ETag: the first 128 bits of the content's SHA-256, quoted. */
    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
