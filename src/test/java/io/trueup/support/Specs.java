package io.trueup.support;

import io.trueup.desired.AppEnv;
import io.trueup.desired.AppSpec;
import io.trueup.desired.BatchSize;
import io.trueup.desired.Health;
import io.trueup.desired.HostAddress;
import io.trueup.desired.ReleaseId;
import io.trueup.desired.ReleaseRecipe;
import io.trueup.desired.RequirementsHash;
import io.trueup.desired.Rollout;
import io.trueup.desired.Sha;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small fixtures for specs: an app "hello" in "prod", and SHAs and hashes made from a letter. */
public final class Specs {

    private Specs() {
    }

    public static Sha sha(char c) {
        return new Sha(String.valueOf(c).repeat(40));
    }

    /** The release of {@link #sha} {@code c}, with no config rendered into it. */
    public static ReleaseId release(char c) {
        return ReleaseId.of(sha(c));
    }

    public static RequirementsHash env(char c) {
        return new RequirementsHash(String.valueOf(c).repeat(64));
    }

    public static List<HostAddress> hosts(String... names) {
        return Arrays.stream(names).map(HostAddress::parse).toList();
    }

    public static AppSpec spec(Sha sha, RequirementsHash env, List<HostAddress> hosts, BatchSize batch, int keep) {
        return spec(sha, env, hosts, new Rollout(batch, 0, 0, Duration.ZERO, Duration.ZERO, Rollout.OnFailure.HALT),
                keep);
    }

    public static AppSpec spec(Sha sha, RequirementsHash env, List<HostAddress> hosts, Rollout rollout, int keep) {
        return new AppSpec(new AppEnv("hello", "prod"), "/src/hello.git", "/srv/hello", "deploy", "requirements.txt",
                "wheels", "python3", Optional.of("true"), Optional.empty(), Health.NONE, rollout, keep, true, sha, env, hosts,
                "apps/hello/prod.yaml", ReleaseRecipe.NONE, Map.of());
    }

    /** {@code spec} with its base directory at {@code path}. */
    public static AppSpec at(AppSpec spec, String path) {
        return new AppSpec(spec.id(), spec.source(), path, spec.user(), spec.requirements(), spec.wheelhouse(),
                spec.python(), spec.restart(), spec.stop(), spec.health(), spec.rollout(), spec.keep(), spec.selfHeal(),
                spec.sha(), spec.requirementsHash(), spec.hosts(), spec.file(), spec.recipe(), spec.rendered());
    }

    public static AppSpec spec(Sha sha, RequirementsHash env, String... hosts) {
        return spec(sha, env, hosts(hosts), BatchSize.parse("1"), 5);
    }
}
