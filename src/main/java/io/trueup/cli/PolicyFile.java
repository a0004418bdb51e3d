package io.trueup.cli;

import io.trueup.desired.Policy;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The policy a check from the command line applies ({@code --policy FILE}): the
 * {@code trueup.policy.*} keys of a properties file, such as the service's own
 * {@code application.properties}; other keys are ignored, and so are profiles' keys
 * ({@code %prod.trueup.policy.users}). Without the option, everything is allowed, as in the
 * service without {@code trueup.policy.*}.
 */
final class PolicyFile {

    private PolicyFile() {
    }

    /** The policy of {@code --policy}, or {@link Policy#OPEN} without it. */
    static Policy of(Args args) {
        return args.option("policy").map(Path::of).map(PolicyFile::read).orElse(Policy.OPEN);
    }

    private static Policy read(Path file) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UsageException("--policy: cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new HashMap<>();
        for (String key : properties.stringPropertyNames()) {
            Optional.of(key).filter(k -> k.startsWith(Policy.PREFIX))
                    .ifPresent(k -> values.put(k.substring(Policy.PREFIX.length()), properties.getProperty(k)));
        }
        try {
            return Policy.of(values);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--policy " + file + ": " + e.getMessage());
        }
    }
}
