package io.trueup.desired;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.render.ConfigRenderer;
import io.trueup.render.MaskedSecrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The example desired-state repository is what users copy and what the demo runs: it must be valid. */
class ExampleDesiredStateTest {

    private static final Path EXAMPLE = Path.of("desired-state");

    private static Map<String, byte[]> filesUnder(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).collect(Collectors.toMap(
                    p -> root.relativize(p).toString().replace('\\', '/'), ExampleDesiredStateTest::read));
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void exampleDesiredStateParsesWithoutProblems() throws IOException {
        DesiredState state = new DesiredStateParser().parse("example", filesUnder(EXAMPLE), "deploy");

        assertEquals(List.of(), state.problems());
        assertEquals(List.of(new AppEnv("hello", "production"), new AppEnv("hello", "staging"),
                new AppEnv("mysite", "production")), List.copyOf(state.entries().keySet()));
        state.entries().values().forEach(entry -> assertInstanceOf(DesiredEntry.Valid.class, entry,
                () -> entry instanceof DesiredEntry.Invalid invalid ? invalid.message() : ""));
    }

    @Test
    void exampleTemplatesRenderForEveryHost() throws IOException {
        Map<String, byte[]> files = filesUnder(EXAMPLE);
        DesiredState state = new DesiredStateParser().parse("example", files, "deploy");
        ConfigRenderer renderer = new ConfigRenderer(new MaskedSecrets());

        for (DesiredEntry entry : state.entries().values()) {
            AppSpec spec = ((DesiredEntry.Valid) entry).spec();
            ConfigRenderer.Rendering rendering = renderer.render(spec, files);
            assertInstanceOf(ConfigRenderer.Rendering.Rendered.class, rendering, rendering::toString);
        }
        AppSpec mysite = DesiredFiles.spec(state, "mysite", "production");
        AppSpec rendered = ((ConfigRenderer.Rendering.Rendered) renderer.render(mysite, files)).spec();
        String web1 = new String(rendered.rendered(HostAddress.parse("web1.example.com")).files().get(0).content(),
                java.nio.charset.StandardCharsets.UTF_8);
        String web2 = new String(rendered.rendered(HostAddress.parse("web2.example.com")).files().get(0).content(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(web1.contains("SECRET_KEY = \"[secret mysite_secret_key]\""), web1);
        assertTrue(web1.contains("ALLOWED_HOSTS = \"www.example.com,example.com\".split(\",\")"), web1);
        assertTrue(web1.contains("DEBUG = False"), web1);
        assertTrue(web1.contains("RUN_CRON = True") && web2.contains("RUN_CRON = False"), web1 + web2);
    }

    @Test
    void exampleAppYamlSetsWhatTheDemoExpects() throws IOException {
        AppSpec production = DesiredFiles.spec(
                new DesiredStateParser().parse("example", filesUnder(EXAMPLE), "nobody"), "hello", "production");

        assertEquals("ssh://git@git.example.com/hello.git", production.source());
        assertEquals("/srv/hello", production.path());
        assertEquals("deploy", production.user());
        assertEquals(Optional.of("sudo systemctl restart hello"), production.restart());
        assertEquals(Optional.of("http://{host}:8000/healthz"), production.health().http());
        assertEquals(new BatchSize(1, false), production.rollout().batch());
        assertEquals(5, production.keep());
    }
}
