package io.trueup.desired;

import java.util.List;
import java.util.function.Function;

/**
 * One field of the desired-state format, typed by the value it yields: its dotted name
 * ({@code health.timeout}), the YAML shape it takes and the rule that turns the written text
 * into a value (throwing {@link IllegalArgumentException} with a message for a user). For
 * {@link Shape#TEXT_LIST} the rule applies to each element; for {@link Shape#MAPPING} and
 * {@link Shape#HOST_MAPPING}, to each key. Immutable.
 *
 * @param <T> the value the field yields
 */
record Field<T>(String name, Shape shape, Function<String, ?> rule) {

    static <T> Field<T> text(String name, Function<String, T> rule) {
        return new Field<>(name, Shape.TEXT, rule);
    }

    static <T> Field<T> textOrNumber(String name, Function<String, T> rule) {
        return new Field<>(name, Shape.TEXT_OR_NUMBER, rule);
    }

    static Field<Integer> wholeNumber(String name, Function<String, Integer> rule) {
        return new Field<>(name, Shape.WHOLE_NUMBER, rule);
    }

    static Field<Boolean> bool(String name) {
        return new Field<>(name, Shape.BOOLEAN, Boolean::valueOf);
    }

    static <E> Field<List<E>> list(String name, Function<String, E> elementRule) {
        return new Field<>(name, Shape.TEXT_LIST, elementRule);
    }

    /** A mapping or list of mappings, read by {@link SettingsReader} as its shape says; {@code rule} checks keys. */
    static <T> Field<T> structured(String name, Shape shape, Function<String, ?> keyRule) {
        return new Field<>(name, shape, keyRule);
    }

    /** The mapping this field sits in: {@code health} for {@code health.timeout}, "" at the top. */
    String section() {
        int dot = name.indexOf('.');
        return dot < 0 ? "" : name.substring(0, dot);
    }

    /** The key within its section: {@code timeout} for {@code health.timeout}. */
    String key() {
        return name.substring(name.indexOf('.') + 1);
    }
}
