package io.trueup.rollout;

import io.trueup.TrueupException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Who holds a host's lock while trueup deploys there (from its first command to its last, the
 * health check and any switch back between): this controller (an id kept in its
 * state directory, so a restarted trueup recognises the locks it left), this run of it, and
 * how long an untouched lock lasts before another controller may take it over. The host
 * scripts read these as environment variables.
 */
public record HostLock(String controller, String instance, Duration ttl) {

    /** The TTL the host scripts take when TRUEUP_LOCK_TTL is not given (common.sh), in minutes. */
    static final long DEFAULT_TTL_MINUTES = 30;

    public HostLock {
        if (!controller.matches("[A-Za-z0-9._-]+") || !instance.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("lock owner names are letters, digits, . _ -");
        }
    }

    /** This controller's lock identity: its id from {@code stateDir} (made on first use) and a new run id. */
    public static HostLock of(Path stateDir, Duration ttl) {
        Path file = stateDir.resolve("controller-id");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(stateDir);
                Files.writeString(file, fresh() + "\n");
            }
            return new HostLock(Files.readString(file).strip(), UUID.randomUUID().toString().substring(0, 8), ttl);
        } catch (IOException e) {
            throw new TrueupException("cannot read or write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A run of the controller {@code controller} that others share too (trueup's replicas): a new
     * run id. {@code controller} comes from {@link #fresh} on the first replica.
     */
    public static HostLock run(String controller, Duration ttl) {
        return new HostLock(controller, UUID.randomUUID().toString().substring(0, 8), ttl);
    }

    /** A new controller id: this machine's host name and 8 random hex characters. */
    public static String fresh() {
        return host() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "");
        } catch (IOException e) {
            return "trueup";
        }
    }

    /**
     * The variables the host scripts' {@code lock} function reads, for a lock taken at {@code now}
     * and freed when the command ends.
     */
    public Map<String, String> env(java.time.Instant now) {
        return env(now, false);
    }

    /**
     * The same; with {@code hold}, the lock is kept when the command ends, for the next command of
     * the same deploy, which takes it again (the last one frees it).
     */
    public Map<String, String> env(java.time.Instant now, boolean hold) {
        // The controller is what the owner begins with (common.sh reads it there), and the host's
        // TTL is DEFAULT_TTL_MINUTES unless told: neither travels with every command when it need not.
        Map<String, String> env = new java.util.HashMap<>(Map.of("TRUEUP_LOCK_OWNER", controller + "/" + instance,
                "TRUEUP_LOCK_SINCE", now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()));
        long minutes = Math.max(1, ttl.toMinutes());
        if (minutes != DEFAULT_TTL_MINUTES) {
            env.put("TRUEUP_LOCK_TTL", Long.toString(minutes));
        }
        if (hold) {
            env.put("TRUEUP_LOCK_HOLD", "1");
        }
        return Map.copyOf(env);
    }
}
