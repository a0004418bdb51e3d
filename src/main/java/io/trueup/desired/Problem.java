package io.trueup.desired;

/**
 * One thing wrong with desired state, located for a person: the file (relative to the
 * desired-state root), the line (1-based, 0 when unknown), the field (dotted, empty when the
 * problem is with the whole file) and what is wrong.
 */
public record Problem(String file, int line, String field, String message) {

    /** {@code file:line: field: message}, the form editors and CI logs link. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(file);
        if (line > 0) {
            text.append(':').append(line);
        }
        text.append(": ");
        if (!field.isEmpty()) {
            text.append(field).append(": ");
        }
        return text.append(message).toString();
    }
}
