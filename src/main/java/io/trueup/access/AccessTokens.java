package io.trueup.access;

import io.quarkus.runtime.Startup;
import io.trueup.TrueupException;
import io.trueup.config.TrueupConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The tokens that open trueup's HTTP endpoints, read once at start, and what each grants: the read
 * token reads ({@code /}, {@code /api/*}); the actions' token reads and acts; the metrics token
 * reads {@code /q/metrics}. A blank token is no token. Tokens are compared in constant time.
 * Immutable; safe to call from any thread.
 */
@Startup
@Singleton
public class AccessTokens {

    /** What a token grants, as the role names of the identity it makes. */
    public enum Grant {
        /** The dashboard and the GET endpoints of the API. */
        READ,
        /** The API's actions (which also check the token themselves). */
        ACT,
        /** The Prometheus metrics. */
        METRICS;

        /** The role name of this grant. */
        public String role() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Optional<byte[]> read;
    private final Optional<byte[]> act;
    private final Optional<byte[]> metrics;

    @Inject
    public AccessTokens(TrueupConfig config) {
        this(readToken(config.api()), config.api().token(), config.metrics().token());
    }

    AccessTokens(Optional<String> read, Optional<String> act, Optional<String> metrics) {
        this.read = bytes(read);
        this.act = bytes(act);
        this.metrics = bytes(metrics);
    }

    /** Whether the dashboard and the API's reads need a token or a login. */
    public boolean readsNeedToken() {
        return read.isPresent();
    }

    /** Whether {@code /q/metrics} needs the metrics token. */
    public boolean metricsNeedToken() {
        return metrics.isPresent();
    }

    /** Whether any token is set, so that a bearer token means something. */
    public boolean any() {
        return read.isPresent() || act.isPresent() || metrics.isPresent();
    }

    /** What {@code presented} grants: none when it is no configured token. */
    public Set<Grant> grants(String presented) {
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        Set<Grant> grants = EnumSet.noneOf(Grant.class);
        if (matches(read, given)) {
            grants.add(Grant.READ);
        }
        if (matches(act, given)) {
            grants.add(Grant.READ);
            grants.add(Grant.ACT);
        }
        if (matches(metrics, given)) {
            grants.add(Grant.METRICS);
        }
        return grants;
    }

    /** Whether {@code presented} is the read token: the password of the dashboard's login form. */
    public boolean isReadToken(String presented) {
        return matches(read, presented.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean matches(Optional<byte[]> token, byte[] given) {
        return token.isPresent() && MessageDigest.isEqual(token.get(), given);
    }

    private static Optional<byte[]> bytes(Optional<String> token) {
        return token.map(String::strip).filter(t -> !t.isEmpty()).map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code trueup.api.read-token}, or the content of {@code trueup.api.read-token-file} (not both). */
    private static Optional<String> readToken(TrueupConfig.Api api) {
        Optional<Path> file = api.readTokenFile();
        if (file.isEmpty()) {
            return api.readToken();
        }
        if (api.readToken().filter(t -> !t.isBlank()).isPresent()) {
            throw new TrueupException("trueup.api.read-token and trueup.api.read-token-file are both set: set one");
        }
        try {
            String token = Files.readString(file.get(), StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new TrueupException("trueup.api.read-token-file " + file.get() + " is empty");
            }
            return Optional.of(token);
        } catch (IOException e) {
            throw new TrueupException("cannot read trueup.api.read-token-file " + file.get() + ": " + e, e);
        }
    }
}
