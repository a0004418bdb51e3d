package io.trueup.cli;

/** The command line is wrong: an unknown command or option, a missing value or argument. Exit status 2. */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }
}
