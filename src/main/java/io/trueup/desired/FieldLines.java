package io.trueup.desired;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where each field of one YAML document is written: the 1-based line of every mapping key and
 * of every list element, by path ({@code source}, {@code health.timeout}, {@code hosts[1]}).
 * Jackson's tree keeps no locations, so this index comes from a streaming pass over the same
 * bytes. It also records where the document uses YAML aliases ({@code *name}), which Jackson
 * would silently read as the plain string {@code name}. Immutable, safe to share.
 */
final class FieldLines {

    static final FieldLines NONE = new FieldLines(Map.of(), Map.of());

    private static final YAMLFactory YAML = YamlDocument.factory();

    private final Map<String, Integer> lines;
    private final Map<String, String> aliases;

    private FieldLines(Map<String, Integer> lines, Map<String, String> aliases) {
        this.lines = Map.copyOf(lines);
        this.aliases = Collections.unmodifiableMap(new LinkedHashMap<>(aliases));
    }

    /** Indexes {@code yaml}; only the first occurrence of a path counts (the first document). */
    static FieldLines index(byte[] yaml) throws IOException {
        Map<String, Integer> lines = new HashMap<>();
        Map<String, String> aliases = new LinkedHashMap<>();
        try (YAMLParser parser = YAML.createParser(yaml)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token.isStructEnd()) {
                    continue;
                }
                JsonStreamContext context = parser.getParsingContext();
                String path = pathOf(token.isStructStart() ? context.getParent() : context);
                if (path.isEmpty()) {
                    continue;
                }
                lines.putIfAbsent(path, parser.currentTokenLocation().getLineNr());
                if (parser.isCurrentAlias()) {
                    aliases.putIfAbsent(path, parser.getText());
                }
            }
        }
        return new FieldLines(lines, aliases);
    }

    /** The line of {@code path}'s key or list element, or 0 when the document does not hold it. */
    int lineOf(String path) {
        return lines.getOrDefault(path, 0);
    }

    /** Paths whose value is a YAML alias, with the anchor each names, in document order. */
    Map<String, String> aliases() {
        return aliases;
    }

    private static String pathOf(JsonStreamContext innermost) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = innermost; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray() && c.getCurrentIndex() >= 0) {
                parts.push("[" + c.getCurrentIndex() + "]");
            } else if (c.inObject() && c.getCurrentName() != null) {
                parts.push(c.getCurrentName());
            }
        }
        StringBuilder path = new StringBuilder();
        for (String part : parts) {
            if (!path.isEmpty() && !part.startsWith("[")) {
                path.append('.');
            }
            path.append(part);
        }
        return path.toString();
    }
}
