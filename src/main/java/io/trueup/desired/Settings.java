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

    /** These settings with each field that {@code overrides} sets replaced by its setting there. */
    Settings overriddenBy(Settings overrides) {
        var merged = new LinkedHashMap<>(byField);
        merged.putAll(overrides.byField);
        return new Settings(merged);
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
