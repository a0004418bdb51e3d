package io.trueup.desired;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The settings of one file, or of app.yaml merged with an environment file, by field name. Immutable. */
record Settings(Map<String, Setting> byField) {

    static final Settings NONE = new Settings(Map.of());

    Settings {
        byField = Collections.unmodifiableMap(new LinkedHashMap<>(byField));
    }

    /**
     * These settings with each field that {@code overrides} sets replaced by its setting there. A
     * mapping of names ({@code vars}) merges name by name; cleared as a whole ({@code vars: null}),
     * it drops every name it had here.
     */
    Settings overriddenBy(Settings overrides) {
        var merged = new LinkedHashMap<>(byField);
        overrides.byField.forEach((name, setting) -> {
            if (setting instanceof Setting.Cleared) {
                merged.keySet().removeIf(key -> key.startsWith(name + "."));
            }
            merged.put(name, setting);
        });
        return new Settings(merged);
    }

    /** The named values of a mapping field such as {@code vars}, each set one by one ({@code vars.NAME}). */
    Map<String, Object> mapping(Field<?> field) {
        String prefix = field.name() + ".";
        Map<String, Object> values = new LinkedHashMap<>();
        byField.forEach((name, setting) -> {
            if (name.startsWith(prefix) && setting instanceof Setting.Value v) {
                values.put(name.substring(prefix.length()), v.value());
            }
        });
        return values;
    }

    /** What is said about {@code field}, if anything. */
    Optional<Setting> setting(Field<?> field) {
        return Optional.ofNullable(byField.get(field.name()));
    }

    /** The checked value of {@code field}; empty when unset, cleared or rejected. */
    @SuppressWarnings("unchecked") // Field's factories tie T to what its rule yields
    <T> Optional<T> value(Field<T> field) {
        return setting(field)
                .filter(Setting.Value.class::isInstance)
                .map(s -> (T) ((Setting.Value) s).value());
    }

    /** True when {@code field} has a value or a rejected one: it is written and not cleared. */
    boolean written(Field<?> field) {
        return setting(field).filter(s -> !(s instanceof Setting.Cleared)).isPresent();
    }
}
