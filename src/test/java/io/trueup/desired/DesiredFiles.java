package io.trueup.desired;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the {@code files} argument of {@link DesiredStateParser#parse} from inline YAML, and reads results. */
final class DesiredFiles {

    static final String SHA = "3f9c2e7a1b4d5e6f708192a3b4c5d6e7f8091a2b";
    static final String HASH = "sha256:" + "9a0b".repeat(16);

    /** A complete app.yaml for app "hello". */
    static final String APP_YAML = """
            source: ssh://git@git.example.com/hello.git
            path: /srv/hello
            restart: sudo systemctl restart hello
            health:
              http: http://{host}:8000/healthz
              timeout: 20s
            """;

    /** A complete environment file, given a complete app.yaml. */
    static final String ENV_YAML = """
            sha: %s
            requirementsHash: %s
            hosts: [web1.example.com, "web2.example.com:2222"]
            """.formatted(SHA, HASH);

    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, String> refused = new LinkedHashMap<>();

    static DesiredFiles with(String path, String yaml) {
        return new DesiredFiles().and(path, yaml);
    }

    DesiredFiles and(String path, String yaml) {
        files.put(path, yaml.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** A file the reader refused to load, for {@code reason}. */
    DesiredFiles refused(String path, String reason) {
        refused.put(path, reason);
        return this;
    }

    DesiredState parse() {
        return new DesiredStateParser().parse("rev1", files, refused, "deploy");
    }

    /** The spec of {@code app/env}, failing the test with its problems if it is invalid. */
    static AppSpec spec(DesiredState state, String app, String env) {
        DesiredEntry entry = state.entries().get(new AppEnv(app, env));
        if (entry instanceof DesiredEntry.Valid valid) {
            return valid.spec();
        }
        throw new AssertionError(app + "/" + env + " is not valid: " + entry);
    }

    /** The problems of {@code app/env} as {@code file:line: field: message}, failing if it is valid. */
    static List<String> problems(DesiredState state, String app, String env) {
        DesiredEntry entry = state.entries().get(new AppEnv(app, env));
        if (entry instanceof DesiredEntry.Invalid invalid) {
            return invalid.problems().stream().map(Problem::toString).toList();
        }
        throw new AssertionError(app + "/" + env + " is not invalid: " + entry);
    }

    /** The problems of the whole desired state as text. */
    static List<String> stateProblems(DesiredState state) {
        return state.problems().stream().map(Problem::toString).toList();
    }
}
