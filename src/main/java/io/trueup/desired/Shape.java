package io.trueup.desired;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** The YAML shape a field's value must have before its rule looks at the text. */
enum Shape {
    /** A string. Numbers and booleans are refused: YAML would have changed what was written. */
    TEXT,
    /** A whole number. */
    WHOLE_NUMBER,
    /** A string or a whole number. */
    TEXT_OR_NUMBER,
    /** A list of strings. */
    TEXT_LIST,
    /** true or false. */
    BOOLEAN,
    /** A mapping of names to strings, numbers or booleans ({@code vars}). */
    MAPPING,
    /** A mapping of hosts to mappings of names to strings, numbers or booleans ({@code hostVars}). */
    HOST_MAPPING,
    /** A list of mappings ({@code config}). */
    MAPPING_LIST;

    /** What is wrong with {@code node}'s shape, or empty when it fits (lists: the list itself). */
    Optional<String> complaint(JsonNode node) {
        boolean fits = switch (this) {
            case TEXT -> node.isTextual();
            case WHOLE_NUMBER -> node.isIntegralNumber();
            case TEXT_OR_NUMBER -> node.isTextual() || node.isIntegralNumber();
            case TEXT_LIST -> node.isArray();
            case BOOLEAN -> node.isBoolean();
            case MAPPING, HOST_MAPPING -> node.isObject();
            case MAPPING_LIST -> node.isArray();
        };
        if (fits) {
            return Optional.empty();
        }
        String wanted = switch (this) {
            case TEXT -> "a string";
            case WHOLE_NUMBER -> "a whole number";
            case TEXT_OR_NUMBER -> "a string or a whole number";
            case TEXT_LIST -> "a list of strings";
            case BOOLEAN -> "true or false";
            case MAPPING -> "a mapping of names to values";
            case HOST_MAPPING -> "a mapping of hosts to mappings of names to values";
            case MAPPING_LIST -> "a list of mappings";
        };
        boolean quotingHelps = this == TEXT && (node.isNumber() || node.isBoolean());
        return Optional.of("must be " + wanted + ", not " + describe(node) + (quotingHelps ? "; put it in quotes" : ""));
    }

    /** {@code node}'s kind in a user's words. */
    static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT, POJO -> "a mapping";
            case ARRAY -> "a list";
            case NUMBER -> "the number " + node.asText();
            case BOOLEAN -> "true/false (YAML reads yes, no, on and off as true/false)";
            case STRING -> "a string";
            case BINARY -> "binary data";
            case NULL, MISSING -> "empty";
        };
    }
}
