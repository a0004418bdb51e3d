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
        if (field.isPresent() && field.get().shape() == Shape.MAPPING) {
            readNames(field.get(), value);
        } else if (field.isPresent()) {
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
        return switch (field.shape()) {
            case TEXT_LIST -> field == Schema.SHARED ? readShared(value) : readList(field.name(), field.rule(), value);
            case HOST_MAPPING -> readHostVars(field, value);
            case MAPPING_LIST -> readConfig(field.name(), value);
            default -> readValue(field.name(), field.shape(), field.rule(), value);
        };
    }

    /**
     * A mapping of names to values ({@code vars}), kept name by name ({@code vars.NAME}) so that an
     * environment file overrides app.yaml's names one at a time; {@code null} for the whole
     * mapping, or for one name, drops what app.yaml gave.
     */
    private void readNames(Field<?> field, JsonNode value) {
        String name = field.name();
        if (value.isNull()) {
            settings.put(name, cleared(name));
            return;
        }
        Optional<String> wrongShape = field.shape().complaint(value);
        if (wrongShape.isPresent()) {
            settings.put(name, rejected(name, wrongShape.get()));
            return;
        }
        value.properties().forEach(entry -> {
            String element = name + "." + entry.getKey();
            settings.put(element, entry.getValue().isNull() ? cleared(element)
                    : namedValue(field.rule(), element, entry.getKey(), entry.getValue()));
        });
    }

    /** One name and its value in a mapping of names: the name checked by {@code keyRule}, the value a scalar. */
    private Setting namedValue(Function<String, ?> keyRule, String element, String key, JsonNode node) {
        try {
            keyRule.apply(key);
        } catch (IllegalArgumentException e) {
            return rejected(element, e.getMessage());
        }
        if (node.isTextual()) {
            return value(element, node.asText());
        }
        if (node.isBoolean()) {
            return value(element, node.booleanValue());
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return value(element, node.longValue());
        }
        if (node.isNumber()) {
            return value(element, node.decimalValue());
        }
        return rejected(element, "must be a string, a number or true/false, not " + Shape.describe(node));
    }

    /** {@code hostVars}: for each host of the environment, names and values that override {@code vars} there. */
    private Setting readHostVars(Field<?> field, JsonNode value) {
        String name = field.name();
        Optional<String> wrongShape = field.shape().complaint(value);
        if (wrongShape.isPresent()) {
            return rejected(name, wrongShape.get());
        }
        Map<HostAddress, Map<String, Object>> byHost = new LinkedHashMap<>();
        Map<HostAddress, String> written = new HashMap<>();
        boolean allGood = true;
        for (var hostEntry : value.properties()) {
            String element = name + "." + hostEntry.getKey();
            HostAddress host;
            try {
                host = (HostAddress) field.rule().apply(hostEntry.getKey());
            } catch (IllegalArgumentException e) {
                rejected(element, e.getMessage());
                allGood = false;
                continue;
            }
            String first = written.putIfAbsent(host, hostEntry.getKey());
            if (first != null) {
                rejected(element, "names the same host as " + first);
                allGood = false;
                continue;
            }
            if (!hostEntry.getValue().isObject()) {
                rejected(element, "must be a mapping of names to values, not " + Shape.describe(hostEntry.getValue()));
                allGood = false;
                continue;
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (var varEntry : hostEntry.getValue().properties()) {
                Setting v = namedValue(ValueRules::varName, element + "." + varEntry.getKey(), varEntry.getKey(),
                        varEntry.getValue());
                if (v instanceof Setting.Value ok) {
                    values.put(varEntry.getKey(), ok.value());
                } else {
                    allGood = false;
                }
            }
            byHost.put(host, values);
        }
        return allGood ? value(name, byHost) : new Setting.Rejected(file, lines.lineOf(name));
    }

    /** {@code config}: a list of {@code template}, {@code dest} and {@code mode}, no dest twice. */
    private Setting readConfig(String name, JsonNode list) {
        Optional<String> wrongShape = Shape.MAPPING_LIST.complaint(list);
        if (wrongShape.isPresent()) {
            return rejected(name, wrongShape.get());
        }
        List<ConfigFile> files = new ArrayList<>();
        Map<String, String> dests = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String element = name + "[" + i + "]";
            ConfigFile entry = readConfigEntry(element, list.get(i));
            if (entry == null) {
                continue;
            }
            String first = dests.putIfAbsent(entry.dest(), element);
            if (first != null) {
                rejected(element + ".dest", entry.dest() + " is already the dest of " + first);
                continue;
            }
            files.add(entry);
        }
        return files.size() == list.size() ? value(name, List.copyOf(files)) : new Setting.Rejected(file,
                lines.lineOf(name));
    }

    /** One entry of {@code config}, or null when something is wrong with it (each problem reported). */
    private ConfigFile readConfigEntry(String element, JsonNode node) {
        if (!node.isObject()) {
            rejected(element, "must be a mapping of " + String.join(", ", Schema.CONFIG_KEYS) + ", not "
                    + Shape.describe(node));
            return null;
        }
        boolean good = true;
        for (var field : node.properties()) {
            String key = field.getKey();
            if (!Schema.CONFIG_KEYS.contains(key)) {
                rejected(element + "." + key, "unknown field; allowed in a config entry are "
                        + String.join(", ", Schema.CONFIG_KEYS));
                good = false;
            }
        }
        String appDir = file.substring(0, file.lastIndexOf('/') + 1);
        Object template = required(element, node, "template", t -> appDir + ValueRules.template(t));
        Object dest = required(element, node, "dest", ValueRules::releasePath);
        Object mode = node.has("mode") && !node.get("mode").isNull()
                ? readMode(element + ".mode", node.get("mode")) : ConfigFile.DEFAULT_MODE;
        if (!good || template == null || dest == null || mode == null) {
            return null;
        }
        return new ConfigFile((String) template, (String) dest, (Integer) mode);
    }

    private Object required(String element, JsonNode entry, String key, Function<String, ?> rule) {
        JsonNode node = entry.get(key);
        if (node == null || node.isNull()) {
            rejected(element, key + " is missing");
            return null;
        }
        return readValue(element + "." + key, Shape.TEXT, rule, node) instanceof Setting.Value v ? v.value() : null;
    }

    /** A mode must be a string: YAML reads an unquoted {@code 0640} as the octal number 416. */
    private Object readMode(String element, JsonNode node) {
        if (node.isNumber()) {
            rejected(element, "must be a string in quotes, such as \"0640\": YAML reads " + node.asText()
                    + " unquoted as a number");
            return null;
        }
        return readValue(element, Shape.TEXT, ValueRules::mode, node) instanceof Setting.Value v ? v.value() : null;
    }

    /** {@code shared}: a list of paths, none of which lies inside another. */
    private Setting readShared(JsonNode list) {
        String name = Schema.SHARED.name();
        Setting setting = readList(name, Schema.SHARED.rule(), list);
        if (!(setting instanceof Setting.Value v)) {
            return setting;
        }
        @SuppressWarnings("unchecked") // the rule of SHARED yields SharedPaths
        List<SharedPath> paths = (List<SharedPath>) v.value();
        boolean overlap = false;
        for (int i = 0; i < paths.size(); i++) {
            for (int j = 0; j < paths.size(); j++) {
                if (i != j && paths.get(j).directory() && paths.get(j).covers(paths.get(i).path())) {
                    rejected(name + "[" + i + "]", paths.get(i) + " lies inside " + paths.get(j) + " (" + name + "["
                            + j + "]), which is shared already");
                    overlap = true;
                }
            }
        }
        return overlap ? new Setting.Rejected(file, lines.lineOf(name)) : setting;
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
