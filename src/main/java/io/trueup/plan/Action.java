package io.trueup.plan;

import io.trueup.desired.ReleaseId;
import io.trueup.desired.RequirementsHash;
import io.trueup.desired.Sha;
import java.util.List;
import java.util.Optional;

/** One step of a host's deploy; see the package documentation for the order. */
public sealed interface Action {

    /** A short name for status and messages. */
    String step();

    /** Remove what an interrupted step left behind (temporary releases, incomplete envs). */
    record Cleanup() implements Action {
        public String step() {
            return "cleanup";
        }
    }

    /**
     * Check that the host is still as the earlier inspection the plan was made from saw it:
     * {@code current} and {@code previous} pointing at {@code currentLink} and
     * {@code previousLink} (empty: missing), the desired {@code env} complete when the plan
     * does not build it, and {@code usedAsIs} (a release the plan switches to without making it
     * again) unchanged, linked to that env and, when {@code built}, built to the end.
     */
    record Verify(String currentLink, String previousLink, RequirementsHash env, boolean envComplete,
            Optional<ReleaseId> usedAsIs, boolean built) implements Action {

        public String step() {
            return "verify";
        }
    }

    record Prepare() implements Action {
        public String step() {
            return "prepare";
        }
    }

    record Push(Sha sha) implements Action {
        public String step() {
            return "push";
        }
    }

    /**
     * Make the release: a fresh clone of its commit, with the shared paths linked and the config
     * rendered into it.
     *
     * @param replaces whether that release is there already (modified by hand)
     */
    record MakeRelease(ReleaseId release, boolean replaces) implements Action {
        public String step() {
            return "release";
        }
    }

    record BuildEnv(RequirementsHash env) implements Action {
        public String step() {
            return "env";
        }
    }

    /** Run {@code hooks.build} in the new release, once its env is there. */
    record Build() implements Action {
        public String step() {
            return "build";
        }
    }

    /** Run {@code hooks.migrate} in the new release: once per rollout, on one host, before any host switches. */
    record Migrate() implements Action {
        public String step() {
            return "migrate";
        }
    }

    /** Run {@code hooks.beforeSwitch} (take the host out of a load balancer). */
    record BeforeSwitch() implements Action {
        public String step() {
            return "beforeSwitch";
        }
    }

    record Switch(ReleaseId release) implements Action {
        public String step() {
            return "switch";
        }
    }

    record Restart() implements Action {
        public String step() {
            return "restart";
        }
    }

    record CheckHealth() implements Action {
        public String step() {
            return "health";
        }
    }

    /** Run {@code hooks.afterSwitch} once the host is healthy (put it back into its load balancer). */
    record AfterSwitch() implements Action {
        public String step() {
            return "afterSwitch";
        }
    }

    record Prune(List<ReleaseId> releases, List<RequirementsHash> envs) implements Action {
        public Prune {
            releases = List.copyOf(releases);
            envs = List.copyOf(envs);
        }

        public String step() {
            return "prune";
        }
    }
}
