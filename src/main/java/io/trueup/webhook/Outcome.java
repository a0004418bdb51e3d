package io.trueup.webhook;

/** What a webhook call comes to, each with a reason a person reading the delivery log can act on. */
public sealed interface Outcome {

    /** Why: shown to the sender. */
    String reason();

    /** Verified, and about the watched branch (or generic): fetch and reconcile now. */
    record Triggers(String reason) implements Outcome {
    }

    /** Verified, but nothing to do: a ping, another branch, another event. */
    record Ignored(String reason) implements Outcome {
    }

    /** The signature or token is missing or wrong: nothing happens. */
    record Unauthorized(String reason) implements Outcome {
    }
}
