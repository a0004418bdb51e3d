package io.trueup.desired;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks every field of one {@link YamlDocument} against the {@link Schema}: unknown fields,
 * shapes, and each value's rule. Reports every problem, not just the first, each at the line of
 * its key or list element. One instance reads one document; use {@link #read}.
 */
final class SettingsReader {

    private final String file;
    private final FieldLines lines;
    private final Map<String, Setting> settings = new LinkedHashMap<>();
    private final List<Problem> problems = new ArrayList<>();

    private SettingsReader(YamlDocument document) {
        this.file = document.file();
        this.lines = document.lines();
    }

    /** The checked settings of {@code document}, with everything wrong in it. */
    static FileSettings read(YamlDocument document) {
        if (!document.readable()) {
            return new FileSettings(document.file(), Settings.NONE, document.problems(), false);
        }
        var reader = new SettingsReader(document);
        reader.readMapping("", document.root());
        return new FileSettings(document.file(), new Settings(reader.settings), reader.problems, true);
    }

    private void readMapping(String section, ObjectNode mapping) {
        mapping.properties().forEach(entry -> readEntry(section, entry.getKey(), entry.getValue()));
    }

    private void readEntry(String section, String key, JsonNode value) {
        String name = section.isEmpty() ? key : section + "." + key;
        Optional<Field<?>> field = Schema.field(name);
        if (field.isPresent()) {
            settings.put(name, readField(field.get(), value));
        } else if (section.isEmpty() && Schema.isSection(key)) {
            readSection(key, value);
        } else {
            String where = section.isEmpty() ? "fields are " : "in " + section + " are ";
            problem(name, "unknown field; allowed " + where + String.join(", ", Schema.keysOf(section)));
        }
    }

    private void readSection(String section, JsonNode value) {
        if (value instanceof ObjectNode mapping) {
            readMapping(section, mapping);
        } else if (value.isNull()) {
            Schema.fieldsOf(section).forEach(f -> settings.put(f.name(), cleared(section)));
        } else {
            problem(section, "must be a mapping of " + String.join(", ", Schema.keysOf(section))
                    + ", not " + Shape.describe(value));
        }
    }

    private Setting readField(Field<?> field, JsonNode value) {
        if (value.isNull()) {
            return cleared(field.name());
        }
        if (field.shape() == Shape.TEXT_LIST) {
            return readList(field.name(), field.rule(), value);
        }
        return readValue(field.name(), field.shape(), field.rule(), value);
    }

    private Setting readList(String name, Function<String, ?> elementRule, JsonNode list) {
        Optional<String> wrongShape = Shape.TEXT_LIST.complaint(list);
        if (wrongShape.isPresent()) {
            return rejected(name, wrongShape.get());
        }
        if (list.isEmpty()) {
            return rejected(name, "must not be empty");
        }
        Map<Object, String> seen = new HashMap<>();
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String element = name + "[" + i + "]";
            if (readValue(element, Shape.TEXT, elementRule, list.get(i)) instanceof Setting.Value v) {
                String first = seen.putIfAbsent(v.value(), element);
                if (first != null) {
                    rejected(element, v.value() + " is already listed as " + first);
                }
                values.add(v.value());
            }
        }
        boolean allGood = values.size() == list.size() && seen.size() == list.size();
        return allGood ? value(name, List.copyOf(values)) : new Setting.Rejected(file, lines.lineOf(name));
    }

    private Setting readValue(String name, Shape shape, Function<String, ?> rule, JsonNode node) {
        Optional<String> wrongShape = shape.complaint(node);
        if (wrongShape.isPresent()) {
            return rejected(name, wrongShape.get());
        }
        try {
            return value(name, rule.apply(node.asText()));
        } catch (IllegalArgumentException e) {
            return rejected(name, e.getMessage());
        }
    }

    private Setting value(String name, Object value) {
        return new Setting.Value(value, file, lines.lineOf(name));
    }

    private Setting cleared(String name) {
        return new Setting.Cleared(file, lines.lineOf(name));
    }

    private Setting rejected(String name, String message) {
        problem(name, message);
        return new Setting.Rejected(file, lines.lineOf(name));
    }

    private void problem(String name, String message) {
        problems.add(new Problem(file, lines.lineOf(name), name, message));
    }
}
