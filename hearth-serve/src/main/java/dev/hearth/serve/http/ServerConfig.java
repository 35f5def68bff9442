package dev.hearth.serve.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Where a {@link HearthServer} listens and what it allows. Build with {@link #defaults()} and the
 * {@code with…} methods.
 *
 * @param host the address to bind; {@code 127.0.0.1} by default, so nothing off the machine can
 *     reach a server that was not meant to be shared
 * @param port the TCP port; 0 picks a free one ({@link HearthServer#port()} tells which)
 * @param apiKeys the keys every route but {@code /health} requires; {@link ApiKeys#none()} for none
 * @param limits what one request may ask
 * @param shutdownTimeout how long {@link HearthServer#stop()} lets requests in flight run on
 *     before it cancels them
 */
public record ServerConfig(String host, int port, ApiKeys apiKeys, Limits limits, Duration shutdownTimeout) {

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(apiKeys, "apiKeys");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("shutdown timeout must not be negative, got " + shutdownTimeout);
        }
    }

    /** 127.0.0.1:8080, no keys, {@link Limits#defaults()}, 10 s to shut down. */
    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", 8080, ApiKeys.none(), Limits.defaults(), Duration.ofSeconds(10));
    }

    public ServerConfig withHost(String host) {
        return new ServerConfig(host, port, apiKeys, limits, shutdownTimeout);
    }

    public ServerConfig withPort(int port) {
        return new ServerConfig(host, port, apiKeys, limits, shutdownTimeout);
    }

    public ServerConfig withApiKeys(ApiKeys apiKeys) {
        return new ServerConfig(host, port, apiKeys, limits, shutdownTimeout);
    }

    public ServerConfig withLimits(Limits limits) {
        return new ServerConfig(host, port, apiKeys, limits, shutdownTimeout);
    }

    public ServerConfig withShutdownTimeout(Duration timeout) {
        return new ServerConfig(host, port, apiKeys, limits, timeout);
    }
}
