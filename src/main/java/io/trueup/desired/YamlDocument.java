package io.trueup.desired;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.CharConversionException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * One desired-state file read as a YAML mapping, with the line of each field. When the file
 * cannot be read as one mapping (bad syntax, a duplicate key, a list or scalar at the top,
 * several documents, aliases), {@code problems} says why and {@code root} is empty. An empty
 * file is an empty mapping.
 *
 * @param file the path relative to the desired-state root, for messages
 * @param root the top-level mapping
 * @param lines where each field is written
 * @param problems why the file could not be read; empty when it could
 */
record YamlDocument(String file, ObjectNode root, FieldLines lines, List<Problem> problems) {

    /** The deepest nesting of mappings and lists read: desired state nests three levels at most. */
    static final int MAX_DEPTH = 32;

    /**
     * A YAML reader of desired state, bounded so that a small crafted file cannot make much work:
     * strings and names no longer than {@link FileLimits#MAX_FILE_BYTES}, and {@link #MAX_DEPTH}
     * levels. Aliases are never expanded: Jackson reads the events of snakeyaml's parser, not
     * its composed nodes, and {@link FieldLines} reports each alias, which makes the file invalid.
     * The file itself is at most {@link FileLimits#MAX_FILE_BYTES}, below snakeyaml's own limit
     * of 3 MB of code points.
     */
    static YAMLFactory factory() {
        YAMLFactory factory = new YAMLFactory();
        factory.setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength((int) FileLimits.MAX_FILE_BYTES)
                .maxNameLength((int) FileLimits.MAX_FILE_BYTES)
                .maxNestingDepth(MAX_DEPTH)
                .build());
        return factory;
    }

    private static final YAMLMapper MAPPER = YAMLMapper.builder(factory())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    YamlDocument {
        problems = List.copyOf(problems);
    }

    /** Reads {@code content}; never throws for bad content. */
    static YamlDocument read(String file, byte[] content) {
        try (JsonParser parser = MAPPER.createParser(content)) {
            JsonNode root = MAPPER.readTree(parser);
            if (anotherDocument(parser)) {
                return unreadable(file, line(parser.currentTokenLocation()),
                        "holds more than one YAML document; put one mapping in the file");
            }
            return ofTree(file, root, FieldLines.index(content));
        } catch (JsonProcessingException e) {
            return unreadable(file, line(e.getLocation()), syntaxMessage(e));
        } catch (IOException e) {
            return unreadable(file, 0, "cannot be read as UTF-8 YAML: " + e.getMessage());
        }
    }

    /** True when a document with content follows; empty ones (a trailing "---") do not count. */
    private static boolean anotherDocument(JsonParser parser) throws IOException {
        JsonToken next = parser.nextToken();
        while (next == JsonToken.VALUE_NULL) {
            next = parser.nextToken();
        }
        return next != null;
    }

    private static YamlDocument ofTree(String file, JsonNode root, FieldLines lines) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new YamlDocument(file, JsonNodeFactory.instance.objectNode(), lines, List.of());
        }
        if (!(root instanceof ObjectNode mapping)) {
            return unreadable(file, 1, "must be a mapping of field: value, not " + Shape.describe(root));
        }
        List<Problem> aliases = new ArrayList<>();
        lines.aliases().forEach((path, anchor) -> aliases.add(new Problem(file, lines.lineOf(path), path,
                "YAML aliases (*" + anchor + ") are not supported; write the value out")));
        if (!aliases.isEmpty()) {
            return new YamlDocument(file, JsonNodeFactory.instance.objectNode(), FieldLines.NONE, aliases);
        }
        return new YamlDocument(file, mapping, lines, List.of());
    }

    /** A file the reader refused to load, for {@code reason} (too large, a symbolic link). */
    static YamlDocument refused(String file, String reason) {
        return unreadable(file, 0, reason);
    }

    private static YamlDocument unreadable(String file, int line, String message) {
        return new YamlDocument(file, JsonNodeFactory.instance.objectNode(), FieldLines.NONE,
                List.of(new Problem(file, line, "", message)));
    }

    private static String syntaxMessage(JsonProcessingException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof MarkedYAMLException marked && marked.getProblem() != null) {
                String context = marked.getContext();
                return "not valid YAML: " + marked.getProblem() + (context == null ? "" : " (" + context + ")");
            }
            if (cause instanceof CharConversionException encoding) {
                return "not UTF-8 text: " + encoding.getMessage();
            }
        }
        return "not valid YAML: " + e.getOriginalMessage();
    }

    private static int line(JsonLocation location) {
        return location == null ? 0 : Math.max(0, location.getLineNr());
    }

    /** True when the file was read as a mapping, so its fields can be checked. */
    boolean readable() {
        return problems.isEmpty();
    }
}
