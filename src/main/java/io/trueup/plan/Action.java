package io.trueup.plan;

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
     * again) unchanged and linked to that env.
     */
    record Verify(String currentLink, String previousLink, RequirementsHash env, boolean envComplete,
            Optional<Sha> usedAsIs) implements Action {

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

    /** @param replaces whether a release of that SHA is there already (modified by hand) */
    record MakeRelease(Sha sha, boolean replaces) implements Action {
        public String step() {
            return "release";
        }
    }

    record BuildEnv(RequirementsHash env) implements Action {
        public String step() {
            return "env";
        }
    }

    record Switch(Sha sha) implements Action {
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

    record Prune(List<Sha> releases, List<RequirementsHash> envs) implements Action {
        public Prune {
            releases = List.copyOf(releases);
            envs = List.copyOf(envs);
        }

        public String step() {
            return "prune";
        }
    }
}
