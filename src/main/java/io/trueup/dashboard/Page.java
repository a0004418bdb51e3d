package io.trueup.dashboard;

import java.util.List;

/**
 * What the dashboard shows, already worded for people: every text a template prints and
 * every choice it makes (a tone, a flag) is decided here, so the template only loops and
 * tests. Immutable.
 *
 * @param generatedAt when the page was made, as text
 * @param refreshSeconds how often the browser reloads it
 */
public record Page(Desired desired, List<App> apps, String generatedAt, int refreshSeconds) {

    public Page {
        apps = List.copyOf(apps);
    }

    /** A commit id, {@code shown} abbreviated to 7 characters (or a dash when unknown), {@code full} for a title. */
    public record Commit(String shown, String full) {
    }

    /** The desired-state repository: where, which revision, fetched when, and what failed. */
    public record Desired(String url, String branch, Commit revision, String fetched, String error,
            List<String> problems) {
        public Desired {
            problems = List.copyOf(problems);
        }
    }

    /**
     * One app/environment.
     *
     * @param tone {@code ok}, {@code busy}, {@code warn} or {@code bad}: the colour of its status
     * @param halted whether a rollout stopped on a failure and waits for an operator
     * @param running what is being rolled out now, when something is
     */
    public record App(String app, String env, String status, String tone, boolean paused, boolean halted,
            Commit desired, String error, List<String> problems, String running, List<Host> hosts,
            List<Rollout> rollouts, String updated) {
        public App {
            problems = List.copyOf(problems);
            hosts = List.copyOf(hosts);
            rollouts = List.copyOf(rollouts);
        }
    }

    /**
     * One host of an app/environment.
     *
     * @param atDesired whether its current release is the desired one
     * @param step the step running now, or the one that failed
     */
    public record Host(String host, String state, String tone, Commit current, Commit desired, boolean atDesired,
            String step, String error, List<String> drift, List<String> detail) {
        public Host {
            drift = List.copyOf(drift);
            detail = List.copyOf(detail);
        }
    }

    /** One past rollout: when, what, how it ended, for how long, and each host's result. */
    public record Rollout(String started, Commit revision, Commit sha, String result, String tone, String took,
            List<HostResult> hosts) {
        public Rollout {
            hosts = List.copyOf(hosts);
        }
    }

    /** One host's part in a rollout: its result and, when it failed, the step and error. */
    public record HostResult(String host, String result, String tone, String step, String error) {
    }
}
