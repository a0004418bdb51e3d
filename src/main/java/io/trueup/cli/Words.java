package io.trueup.cli;

/** Counts in words for report lines. Pure. */
final class Words {

    private Words() {
    }

    /** {@code 1 host}, {@code 2 hosts}. */
    static String count(long n, String noun) {
        return count(n, noun, noun + "s");
    }

    /** {@code 1 batch}, {@code 2 batches}. */
    static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
