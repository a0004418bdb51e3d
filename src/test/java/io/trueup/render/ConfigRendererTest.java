package io.trueup.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.desired.AppSpec;
import io.trueup.desired.ConfigFile;
import io.trueup.desired.Hooks;
import io.trueup.desired.HostAddress;
import io.trueup.desired.Problem;
import io.trueup.desired.ReleaseRecipe;
import io.trueup.desired.RenderedConfig;
import io.trueup.support.Specs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigRendererTest {

    private static final String TEMPLATE_PATH = "apps/hello/settings.tmpl";
    private static final String KEY = "k3y-of-the-app-that-must-not-leak";

    @TempDir
    Path secretsDir;

    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private ConfigRenderer renderer;
    private AppSpec spec;

    @BeforeEach
    void anAppWithOneTemplateOnTwoHosts() throws IOException {
        Files.writeString(secretsDir.resolve("django_key"), KEY + "\n");
        renderer = new ConfigRenderer(new SecretsDir(Optional.of(secretsDir)));
        spec = Specs.spec(Specs.sha('a'), Specs.env('1'), "web1", "web2:2222").withRecipe(new ReleaseRecipe(List.of(),
                List.of(new ConfigFile(TEMPLATE_PATH, "mysite/trueup_settings.py", 0640)),
                Map.of("allowed", "example.com", "debug", false),
                Map.of(HostAddress.parse("web2:2222"), Map.of("debug", true)), Hooks.NONE));
        files.put("apps/hello/prod.yaml", """
                config:
                  - template: settings.tmpl
                    dest: mysite/trueup_settings.py
                """.getBytes(StandardCharsets.UTF_8));
    }

    private void template(String text) {
        files.put(TEMPLATE_PATH, text.getBytes(StandardCharsets.UTF_8));
    }

    private AppSpec rendered() {
        return assertInstanceOf(ConfigRenderer.Rendering.Rendered.class, renderer.render(spec, files)).spec();
    }

    private List<String> problems() {
        return assertInstanceOf(ConfigRenderer.Rendering.Failed.class, renderer.render(spec, files)).problems()
                .stream().map(Problem::toString).toList();
    }

    private static String text(RenderedConfig config) {
        return new String(config.files().get(0).content(), StandardCharsets.UTF_8);
    }

    @Test
    void eachHostGetsTheTemplateRenderedWithItsContextVarsAndSecrets() {
        template("""
                # {app} in {env} on {host}, {sha}
                SECRET_KEY = "{secret:django_key}"
                ALLOWED_HOSTS = ["{vars.allowed}"]
                DEBUG = {#if vars.debug}True{#else}False{/if}
                DATABASES = {'default': {'NAME': 'db/db.sqlite3'}}
                """);

        AppSpec done = rendered();

        assertEquals("""
                # hello in prod on web1, %s
                SECRET_KEY = "%s"
                ALLOWED_HOSTS = ["example.com"]
                DEBUG = False
                DATABASES = {'default': {'NAME': 'db/db.sqlite3'}}
                """.formatted(Specs.sha('a').hex(), KEY), text(done.rendered(HostAddress.parse("web1"))));
        assertTrue(text(done.rendered(HostAddress.parse("web2:2222"))).contains("# hello in prod on web2,"),
                "the host's name, without its port");
        assertTrue(text(done.rendered(HostAddress.parse("web2:2222"))).contains("DEBUG = True"), "hostVars win");
        assertNotEquals(done.release(HostAddress.parse("web1")), done.release(HostAddress.parse("web2:2222")));
        assertTrue(done.release(HostAddress.parse("web1")).name().matches(Specs.sha('a').hex() + "-[0-9a-f]{12}"));
        assertFalse(done.toString().contains(KEY), "a spec never shows a secret");
    }

    @Test
    void aRotatedSecretMakesAnotherReleaseOfTheSameCommit() throws IOException {
        template("KEY = {secret:django_key}\n");
        AppSpec before = rendered();

        Files.writeString(secretsDir.resolve("django_key"), "rotated");

        assertNotEquals(before.release(HostAddress.parse("web1")), rendered().release(HostAddress.parse("web1")));
        assertEquals(before.release(HostAddress.parse("web1")), before.release(HostAddress.parse("web1")));
    }

    @Test
    void aMissingSecretIsAProblemAtItsLineNamingWhereItWasLookedFor() {
        template("A = 1\n{#if vars.debug}\nTOKEN = '{secret:api_token}'\n{/if}\n");

        assertEquals(List.of(TEMPLATE_PATH + ":3: secret api_token: no file " + secretsDir.resolve("api_token")),
                problems(), "even in a branch that does not render");
    }

    @Test
    void withoutASecretsDirectoryASecretSaysWhatToSet() {
        template("X = {secret:django_key}\n");
        renderer = new ConfigRenderer(new SecretsDir(Optional.empty()));

        assertEquals(List.of(TEMPLATE_PATH + ":1: secret django_key: no secrets directory is configured; set"
                + " trueup.secrets.dir (TRUEUP_SECRETS_DIR) to the directory that holds it"), problems());
    }

    @Test
    void aSecretNameIsAFileNameNeverAPath() {
        template("X = 1\nY = {secret:db.password}\n");

        assertEquals(List.of(TEMPLATE_PATH + ":2: secret db.password: {secret:NAME} takes the name of a file in the"
                + " secrets directory: letters, digits, _ and -, not starting with -"), problems());
    }

    @Test
    void theGitLoginsAreNeverASecretATemplateCanRead() throws IOException {
        Files.writeString(secretsDir.resolve("git-credentials"), "https://git.example.com/ ci:token-of-every-repo\n");
        template("X = 1\nY = {secret:git-credentials}\n");

        assertEquals(List.of(TEMPLATE_PATH + ":2: secret git-credentials: reserved, it holds trueup's logins to"
                + " https git repositories and is never rendered into config"), problems());
    }

    @Test
    void aMissingVariableIsAProblemAtItsLineNamingTheHost() {
        template("A = 1\nB = {vars.nope}\n");

        assertEquals(List.of(TEMPLATE_PATH + ":2: rendering for web1: Key \"nope\" not found in the map with keys"
                + " [allowed, debug] in expression {vars.nope}"), problems());
    }

    @Test
    void aTemplateThatDoesNotParseIsAProblemAtItsLine() {
        template("A = 1\n\nB = {vars.allowed.substring(}\n");

        List<String> problems = problems();
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith(TEMPLATE_PATH + ":3: "), problems::toString);
    }

    @Test
    void aTemplateMissingFromTheRepositoryIsAProblemOnItsConfigEntry() {
        assertEquals(List.of("apps/hello/prod.yaml:2: config[0].template: " + TEMPLATE_PATH
                + " is not in the desired-state repository"), problems());
    }

    @Test
    void noProblemEverHoldsASecret() {
        template("X = {#if secret:django_key == 'x'}{secret:django_key.foo}{/if}\nY = {secret:django_key}{vars.nope}\n");

        List<String> problems = problems();
        assertEquals(1, problems.size());
        assertFalse(problems.get(0).contains(KEY), problems::toString);
    }

    @Test
    void aMaskedRenderingShowsWhichSecretGoesWhereAndRevealsNone() {
        template("KEY = {secret:django_key}\n");
        renderer = new ConfigRenderer(new MaskedSecrets());

        RenderedConfig config = rendered().rendered(HostAddress.parse("web1"));

        assertEquals("KEY = [secret django_key]\n", text(config));
        assertEquals(Map.of(), config.secrets(), "nothing to mask in host output");
    }

    @Test
    void secretsAreMaskedInHostOutputLineByLine() throws IOException {
        Files.writeString(secretsDir.resolve("tls_key"), "-----BEGIN KEY-----\nMIIEabcdefgh\n-----END KEY-----\n");
        template("{secret:django_key}\n{secret:tls_key}\n");

        RenderedConfig config = rendered().rendered(HostAddress.parse("web1"));

        assertEquals("key=[secret django_key] line=[secret tls_key] ok", config.redact("key=" + KEY
                + " line=MIIEabcdefgh ok"));
    }

    @Test
    void theStartOfASecretThatEndsACutTextIsMaskedToo() throws IOException {
        template("{secret:django_key}\n");

        RenderedConfig config = rendered().rendered(HostAddress.parse("web1"));

        String cut = "503: key=" + KEY.substring(0, 6);
        assertEquals("503: key=[secret django_key]", config.redact(cut), "a body's first bytes ending in a secret");
        assertEquals("503: key=" + KEY.substring(0, 3), config.redact("503: key=" + KEY.substring(0, 3)),
                "fewer than 4 characters: ordinary text");
    }
}
