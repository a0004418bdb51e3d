package io.trueup.access;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.TrueupException;
import io.trueup.access.AccessTokens.Grant;
import io.trueup.config.TrueupConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessTokensTest {

    @TempDir
    Path tmp;

    @Test
    void eachTokenGrantsWhatItIsFor() {
        AccessTokens tokens = new AccessTokens(Optional.of("r"), Optional.of("a"), Optional.of("m"));

        assertAll(
                () -> assertEquals(Set.of(Grant.READ), tokens.grants("r")),
                () -> assertEquals(Set.of(Grant.READ, Grant.ACT), tokens.grants("a")),
                () -> assertEquals(Set.of(Grant.METRICS), tokens.grants("m")),
                () -> assertEquals(Set.of(), tokens.grants("r ")),
                () -> assertEquals(Set.of(), tokens.grants("")));
    }

    @Test
    void blankTokensAreNoTokens() {
        AccessTokens tokens = new AccessTokens(Optional.of("  "), Optional.empty(), Optional.of(""));

        assertAll(
                () -> assertFalse(tokens.readsNeedToken()),
                () -> assertFalse(tokens.metricsNeedToken()),
                () -> assertFalse(tokens.any()),
                () -> assertEquals(Set.of(), tokens.grants("")));
    }

    @Test
    void theReadTokenIsReadFromAFileAsSystemdPassesIt() throws IOException {
        Path file = Files.writeString(tmp.resolve("read-token"), "from-a-credential\n");

        AccessTokens tokens = new AccessTokens(config(Optional.empty(), Optional.of(file)));

        assertTrue(tokens.readsNeedToken());
        assertEquals(Set.of(Grant.READ), tokens.grants("from-a-credential"));
    }

    @Test
    void aMissingOrEmptyTokenFileOrBothSettingsStopTheStart() throws IOException {
        Path missing = tmp.resolve("nope");
        Path empty = Files.writeString(tmp.resolve("empty"), "\n");

        assertAll(
                () -> assertTrue(assertThrows(TrueupException.class,
                        () -> new AccessTokens(config(Optional.empty(), Optional.of(missing)))).getMessage()
                        .contains("cannot read trueup.api.read-token-file " + missing)),
                () -> assertTrue(assertThrows(TrueupException.class,
                        () -> new AccessTokens(config(Optional.empty(), Optional.of(empty)))).getMessage()
                        .contains("is empty")),
                () -> assertTrue(assertThrows(TrueupException.class,
                        () -> new AccessTokens(config(Optional.of("x"), Optional.of(empty)))).getMessage()
                        .contains("both set")));
    }

    private static TrueupConfig config(Optional<String> readToken, Optional<Path> readTokenFile) {
        TrueupConfig.Api api = new TrueupConfig.Api() {
            @Override
            public Optional<String> token() {
                return Optional.empty();
            }

            @Override
            public Optional<String> readToken() {
                return readToken;
            }

            @Override
            public Optional<Path> readTokenFile() {
                return readTokenFile;
            }
        };
        TrueupConfig.Metrics metrics = Optional::empty;
        return (TrueupConfig) java.lang.reflect.Proxy.newProxyInstance(TrueupConfig.class.getClassLoader(),
                new Class<?>[] {TrueupConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "api" -> api;
                    case "metrics" -> metrics;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
