package io.trueup.desired;

import static io.trueup.desired.DesiredFiles.APP_YAML;
import static io.trueup.desired.DesiredFiles.ENV_YAML;
import static io.trueup.desired.DesiredFiles.problems;
import static io.trueup.desired.DesiredFiles.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The fields of a web app's release in desired state: shared, config, vars, hostVars and hooks. */
class ReleaseRecipeParsingTest {

    private static final String WEB_APP = """
            shared: [db/, media/, .env]
            config:
              - template: settings.tmpl
                dest: mysite/trueup_settings.py
                mode: "0600"
              - template: templates/nginx.conf.tmpl
                dest: deploy/nginx.conf
            vars:
              debug: false
              allowed_hosts: example.com
              workers: 4
            hooks:
              build: python manage.py collectstatic --noinput
              migrate: python manage.py migrate --noinput
              beforeSwitch: sudo /usr/local/bin/lb-drain
              afterSwitch: sudo /usr/local/bin/lb-enable
              timeout: 5m
            """;

    private static AppSpec specOf(String appYaml, String envYaml) {
        return spec(DesiredFiles.with("apps/hello/app.yaml", appYaml).and("apps/hello/production.yaml", envYaml)
                .parse(), "hello", "production");
    }

    private static List<String> problemsOf(String appYaml, String envYaml) {
        return problems(DesiredFiles.with("apps/hello/app.yaml", appYaml).and("apps/hello/production.yaml", envYaml)
                .parse(), "hello", "production");
    }

    @Test
    void anAppWithoutTheseFieldsHasAnEmptyRecipe() {
        assertEquals(ReleaseRecipe.NONE, specOf(APP_YAML, ENV_YAML).recipe());
    }

    @Test
    void readsSharedPathsConfigVarsAndHooks() {
        ReleaseRecipe recipe = specOf(APP_YAML + WEB_APP, ENV_YAML).recipe();

        assertEquals(List.of(new SharedPath("db", true), new SharedPath("media", true), new SharedPath(".env", false)),
                recipe.shared());
        assertEquals(List.of(new ConfigFile("apps/hello/settings.tmpl", "mysite/trueup_settings.py", 0600),
                new ConfigFile("apps/hello/templates/nginx.conf.tmpl", "deploy/nginx.conf", 0640)), recipe.config());
        assertEquals(Map.of("debug", false, "allowed_hosts", "example.com", "workers", 4L), recipe.vars());
        assertEquals(new Hooks(Optional.of("python manage.py collectstatic --noinput"),
                Optional.of("python manage.py migrate --noinput"), Optional.of("sudo /usr/local/bin/lb-drain"),
                Optional.of("sudo /usr/local/bin/lb-enable"), Duration.ofMinutes(5)), recipe.hooks());
    }

    @Test
    void varsMergeNameByNameAndHostVarsWinForTheirHost() {
        AppSpec spec = specOf(APP_YAML + WEB_APP, ENV_YAML + """
                vars:
                  debug: true
                  workers: null
                  region: eu
                hostVars:
                  web1.example.com: {workers: 8}
                """);

        assertEquals(Map.of("debug", true, "allowed_hosts", "example.com", "region", "eu"), spec.recipe().vars());
        assertEquals(Map.of("debug", true, "allowed_hosts", "example.com", "region", "eu", "workers", 8L),
                spec.recipe().varsFor(HostAddress.parse("web1.example.com")));
        assertEquals(spec.recipe().vars(), spec.recipe().varsFor(HostAddress.parse("web2.example.com:2222")));
    }

    @Test
    void anEnvironmentClearsEveryVarWithNullAndHooksFieldByField() {
        AppSpec spec = specOf(APP_YAML + WEB_APP, ENV_YAML + """
                vars: null
                hooks:
                  migrate: null
                """);

        assertEquals(Map.of(), spec.recipe().vars());
        assertEquals(Optional.empty(), spec.recipe().hooks().migrate());
        assertEquals(Optional.of("python manage.py collectstatic --noinput"), spec.recipe().hooks().build());
        assertEquals(Hooks.DEFAULT_TIMEOUT, specOf(APP_YAML, ENV_YAML).recipe().hooks().timeout());
    }

    @Test
    void sharedPathsStayInsideTheReleaseAndOutOfWhatTrueupKeepsThere() {
        assertEquals(List.of(
                "apps/hello/production.yaml:4: shared[0]: must be relative to the release, without a leading /",
                "apps/hello/production.yaml:4: shared[1]: must not contain . or .. segments",
                "apps/hello/production.yaml:4: shared[2]: must not be in .venv, which trueup keeps in every release",
                "apps/hello/production.yaml:4: shared[3]: must not be in .git, which trueup keeps in every release",
                "apps/hello/production.yaml:4: shared[4]: must name a path inside the release, such as db/ or .env"),
                problemsOf(APP_YAML, ENV_YAML + "shared: [/srv/db/, ../db/, .venv/, .git/hooks, /]\n"));
    }

    @Test
    void aSharedPathMustNotLieInsideAnother() {
        assertEquals(List.of("apps/hello/production.yaml:4: shared[1]: db/sqlite lies inside db/ (shared[0]),"
                + " which is shared already"), problemsOf(APP_YAML, ENV_YAML + "shared: [db/, db/sqlite]\n"));
    }

    @Test
    void eachConfigEntryNamesATemplateAndADestWithAQuotedMode() {
        assertEquals(List.of(
                "apps/hello/production.yaml:5: config[0]: dest is missing",
                "apps/hello/production.yaml:6: config[1].template: must not end in .yaml or .yml, which trueup reads"
                        + " as an environment file; name it settings.yaml.tmpl, say",
                "apps/hello/production.yaml:7: config[1].dest: must not be in .git, which trueup keeps in every"
                        + " release",
                "apps/hello/production.yaml:8: config[1].mode: must be a string in quotes, such as \"0640\": YAML"
                        + " reads 416 unquoted as a number",
                "apps/hello/production.yaml:11: config[2].mode: must let the owner read the file (0400), as trueup"
                        + " checks it",
                "apps/hello/production.yaml:12: config[3].owner: unknown field; allowed in a config entry are"
                        + " template, dest, mode",
                "apps/hello/production.yaml:16: config[5].dest: a.py is already the dest of config[4]"),
                problemsOf(APP_YAML, ENV_YAML + """
                        config:
                          - template: a.tmpl
                          - template: settings.yaml
                            dest: .git/config
                            mode: 0640
                          - template: b.tmpl
                            dest: b.py
                            mode: "0200"
                          - owner: www-data
                            template: c.tmpl
                            dest: c.py
                          - {template: d.tmpl, dest: a.py}
                          - {template: e.tmpl, dest: a.py}
                        """));
    }

    @Test
    void aConfigFileMayNotBeRenderedIntoASharedDirectory() {
        assertEquals(List.of("apps/hello/production.yaml:4: config: dest media/settings.py lies in the shared"
                + " directory media/; a rendered file belongs to its release (so that a rollback brings back its"
                + " config): write it elsewhere"), problemsOf(APP_YAML + "shared: [media/, .env]\n", ENV_YAML + """
                config:
                  - {template: s.tmpl, dest: media/settings.py}
                  - {template: e.tmpl, dest: .env}
                """));
    }

    @Test
    void varNamesAreIdentifiersAndValuesAreScalars() {
        assertEquals(List.of(
                "apps/hello/production.yaml:5: vars.bad-name: must be a variable name: a letter or _, then at most 63"
                        + " letters, digits or _",
                "apps/hello/production.yaml:6: vars.list: must be a string, a number or true/false, not a list"),
                problemsOf(APP_YAML, ENV_YAML + """
                        vars:
                          bad-name: 1
                          list: [1, 2]
                        """));
    }

    @Test
    void hostVarsNameHostsOfTheEnvironmentAndOnlyInItsFile() {
        assertEquals(List.of(
                "apps/hello/app.yaml:7: hostVars: set it in an environment file: it names that environment's hosts",
                "apps/hello/production.yaml:4: hostVars: web9.example.com is not one of hosts"),
                problemsOf(APP_YAML + "hostVars:\n  web1.example.com: {a: 1}\n",
                        ENV_YAML + "hostVars:\n  web9.example.com: {a: 1}\n"));
        assertEquals(List.of("apps/hello/production.yaml:6: hostVars.web1.example.com:22: names the same host as"
                + " web1.example.com"), problemsOf(APP_YAML, ENV_YAML + """
                hostVars:
                  web1.example.com: {a: 1}
                  "web1.example.com:22": {a: 2}
                """));
    }

    @Test
    void hooksAreOneLineCommandsWithADuration() {
        assertEquals(List.of(
                "apps/hello/production.yaml:5: hooks.build: must not be empty",
                "apps/hello/production.yaml:6: hooks.timeout: must be a duration such as 500ms, 30s, 2m or 1h",
                "apps/hello/production.yaml:7: hooks.deploy: unknown field; allowed in hooks are build, migrate,"
                        + " beforeSwitch, afterSwitch, timeout"),
                problemsOf(APP_YAML, ENV_YAML + """
                        hooks:
                          build: " "
                          timeout: forever
                          deploy: make
                        """));
    }
}
