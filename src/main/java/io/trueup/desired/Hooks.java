package io.trueup.desired;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Commands run on hosts around a deploy, each as the app's user in a release, with its
 * virtualenv first on {@code PATH}, and bounded by {@code timeout}.
 *
 * @param build run in each new release after its env is linked and its config rendered, before the switch
 * @param migrate run once per rollout of a new release, on its first host, before that host switches
 * @param beforeSwitch run on each host just before its switch (to take it out of a load balancer)
 * @param afterSwitch run on each host once it is healthy after its switch, or after a rollback (to put it back)
 * @param timeout how long each hook may run
 */
public record Hooks(Optional<String> build, Optional<String> migrate, Optional<String> beforeSwitch,
        Optional<String> afterSwitch, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    public static final Hooks NONE = new Hooks(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            DEFAULT_TIMEOUT);

    public Hooks {
        Objects.requireNonNull(build);
        Objects.requireNonNull(migrate);
        Objects.requireNonNull(beforeSwitch);
        Objects.requireNonNull(afterSwitch);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("hooks.timeout must be positive");
        }
    }
}
