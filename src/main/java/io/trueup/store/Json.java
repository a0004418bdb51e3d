package io.trueup.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON of the values the PostgreSQL store keeps (halts, history entries, pending undeploys,
 * statuses), as the file stores write theirs: records by their components, {@code Optional}s as
 * their value or null, times as ISO-8601 text; fields it does not know are skipped. Rollout
 * records are {@code RecordJson}'s.
 */
final class Json {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .registerModule(new Jdk8Module()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // A replica reads what a newer version of trueup wrote, while replicas are upgraded one by one.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** @throws IOException when {@code json} is not a {@code type} */
    static <T> T read(String json, Class<T> type) throws IOException {
        return JSON.readValue(json, type);
    }
}
