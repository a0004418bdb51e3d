package io.trueup.rollout;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import io.trueup.desired.ReleaseId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Function;

/**
 * A rollout record as JSON, the same for every store: hosts, releases and app/environments
 * written as desired state writes them, times as ISO-8601 text.
 */
public final class RecordJson {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .registerModule(new Jdk8Module()).registerModule(values())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT)
            // A record a newer trueup wrote (a replica upgraded first) is read, not thrown away.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private RecordJson() {
    }

    public static String write(RolloutRecord record) {
        try {
            return JSON.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write the rollout record of " + record.id(), e);
        }
    }

    /** @throws IOException when {@code json} is not a rollout record */
    public static RolloutRecord read(String json) throws IOException {
        return JSON.readValue(json, RolloutRecord.class);
    }

    /** Hosts, releases and app/environments as the text desired state writes them. */
    private static SimpleModule values() {
        SimpleModule module = new SimpleModule("trueup-values");
        text(module, HostAddress.class, HostAddress::toString, HostAddress::parse);
        text(module, ReleaseId.class, ReleaseId::name, name -> ReleaseId.parse(name)
                .orElseThrow(() -> new IllegalArgumentException("not a release: " + name)));
        text(module, AppEnv.class, AppEnv::toString, text -> {
            int slash = text.indexOf('/');
            return new AppEnv(text.substring(0, Math.max(0, slash)), text.substring(slash + 1));
        });
        return module;
    }

    private static <T> void text(SimpleModule module, Class<T> type, Function<T, String> write,
            Function<String, T> read) {
        module.addSerializer(type, new JsonSerializer<>() {
            @Override
            public void serialize(T value, JsonGenerator out, SerializerProvider provider) throws IOException {
                out.writeString(write.apply(value));
            }
        });
        module.addDeserializer(type, new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser in, DeserializationContext context) throws IOException {
                return read.apply(in.getValueAsString());
            }
        });
    }
}
