package io.trueup.desired;

/**
 * How many hosts a rollout works on at once: a count, or a percentage of the environment's
 * hosts (rounded up, at least one host).
 */
public record BatchSize(int value, boolean percent) {

    public BatchSize {
        if (value < 1 || (percent && value > 100)) {
            throw new IllegalArgumentException("batch must be a number of hosts >= 1 or a percentage 1%-100%");
        }
    }

    /** Parses {@code 3} or {@code "25%"}. */
    public static BatchSize parse(String text) {
        String t = text.strip();
        boolean pct = t.endsWith("%");
        String digits = pct ? t.substring(0, t.length() - 1) : t;
        if (!digits.matches("[0-9]{1,6}")) {
            throw new IllegalArgumentException("batch must be a number of hosts or a percentage such as \"25%\"");
        }
        return new BatchSize(Integer.parseInt(digits), pct);
    }

    /** Hosts per batch for an environment of {@code total} hosts. */
    public int of(int total) {
        if (!percent) {
            return value;
        }
        return Math.max(1, (int) Math.ceil(total * value / 100.0));
    }

    @Override
    public String toString() {
        return percent ? value + "%" : Integer.toString(value);
    }
}
