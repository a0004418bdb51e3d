package io.trueup.render;

import io.quarkus.qute.Engine;
import io.quarkus.qute.Expression;
import io.quarkus.qute.NamespaceResolver;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;
import io.trueup.desired.AppSpec;
import io.trueup.desired.ConfigFile;
import io.trueup.desired.DesiredStateParser;
import io.trueup.desired.HostAddress;
import io.trueup.desired.Problem;
import io.trueup.desired.RenderedConfig;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Renders the {@code config} of a spec for each of its hosts with Qute: each template (a file of
 * the desired-state repository) sees {@code app}, {@code env}, {@code host} (the host's name,
 * without its SSH port), {@code sha}, {@code vars} (the app's and environment's, overridden by
 * the host's {@code hostVars}) and {@code {secret:NAME}}, read from a {@link SecretSource}.
 * Rendering is strict: a template that does not parse, a variable or secret that is not there,
 * is a {@link Problem} naming the template's file and line, and nothing is rendered. No problem
 * ever holds a secret's value. Thread-safe: each call renders on its own.
 */
public final class ConfigRenderer {

    /** The most bytes rendered for one host: config files are settings, not data. */
    static final int MAX_BYTES = 256 * 1024;

    /**
     * What a secret's name may be: the name of a file in the secrets directory, never a path, and
     * without a dot, which a template reads as a property of the secret.
     */
    private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]{0,254}");
    private static final String SECRET = "secret";
    /**
     * The file of the secrets directory that holds trueup's own https logins (git's
     * {@code GitHttp.CREDENTIALS_FILE}): never a template's secret, or any app could write every
     * repository token onto its hosts.
     */
    static final String GIT_CREDENTIALS = "git-credentials";
    /** Qute starts its messages with "... error in template [file:line]:"; a problem says where on its own. */
    private static final Pattern QUTE_PREFIX = Pattern.compile("^(Parser|Rendering) error in template \\[[^]]*]: ");

    private final SecretSource secrets;
    private final DesiredStateParser parser = new DesiredStateParser();

    public ConfigRenderer(SecretSource secrets) {
        this.secrets = secrets;
    }

    /** What rendering gave: the spec with its config rendered for every host, or what stops it. */
    public sealed interface Rendering {
        record Rendered(AppSpec spec) implements Rendering {
        }

        record Failed(List<Problem> problems) implements Rendering {
            public Failed {
                problems = List.copyOf(problems);
            }
        }
    }

    /**
     * Renders {@code spec}'s config for each of its hosts. {@code files} are the desired-state
     * files the spec was read from, its templates among them.
     */
    public Rendering render(AppSpec spec, Map<String, byte[]> files) {
        if (spec.recipe().config().isEmpty()) {
            return new Rendering.Rendered(spec);
        }
        return new Session(spec, files).render();
    }

    /** One rendering of one spec: the secrets it read and the problems it met. Not thread-safe. */
    private final class Session {
        private final AppSpec spec;
        private final Map<String, byte[]> files;
        private final Map<String, String> values = new TreeMap<>();
        private final List<Problem> problems = new ArrayList<>();
        private final Engine engine;

        Session(AppSpec spec, Map<String, byte[]> files) {
            this.spec = spec;
            this.files = files;
            this.engine = Engine.builder().addDefaults().strictRendering(true).removeStandaloneLines(true)
                    .addNamespaceResolver(NamespaceResolver.builder(SECRET).resolve(ctx -> values.get(ctx.getName()))
                            .build())
                    .build();
        }

        Rendering render() {
            List<ConfigFile> config = spec.recipe().config();
            List<Template> templates = new ArrayList<>();
            for (int i = 0; i < config.size(); i++) {
                parse(config.get(i), i).ifPresent(templates::add);
            }
            templates.forEach(this::readSecrets);
            if (!problems.isEmpty()) {
                return failed();
            }
            Map<HostAddress, RenderedConfig> rendered = new LinkedHashMap<>();
            for (HostAddress host : spec.hosts()) {
                List<RenderedConfig.File> out = new ArrayList<>();
                int bytes = 0;
                for (int i = 0; i < config.size(); i++) {
                    Optional<byte[]> content = render(templates.get(i), config.get(i), host);
                    if (content.isEmpty()) {
                        return failed();
                    }
                    bytes += content.get().length;
                    out.add(new RenderedConfig.File(config.get(i).dest(), config.get(i).mode(), content.get()));
                }
                if (bytes > MAX_BYTES) {
                    problems.add(parser.problemAt(files, spec, "config", "the files rendered for " + host + " hold "
                            + bytes + " bytes, more than " + MAX_BYTES + ": config is for settings, not data"));
                    return failed();
                }
                rendered.put(host, new RenderedConfig(out, secrets.real() ? values : Map.of()));
            }
            return new Rendering.Rendered(spec.withRendered(rendered));
        }

        /** The template of {@code file}, the {@code index}th of config; empty (and a problem) when it cannot be read. */
        private Optional<Template> parse(ConfigFile file, int index) {
            byte[] content = files.get(file.template());
            if (content == null) {
                problems.add(parser.problemAt(files, spec, "config[" + index + "].template", file.template()
                        + " is not in the desired-state repository"));
                return Optional.empty();
            }
            try {
                String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(content)).toString();
                return Optional.of(engine.parse(text, null, file.template()));
            } catch (CharacterCodingException e) {
                problems.add(new Problem(file.template(), 0, "", "not UTF-8 text"));
            } catch (TemplateException e) {
                problems.add(problem(file.template(), e, ""));
            }
            return Optional.empty();
        }

        /** Reads each secret {@code template} names, before anything renders: a missing one is a problem at its line. */
        private void readSecrets(Template template) {
            for (Expression expression : template.getExpressions()) {
                if (!SECRET.equals(expression.getNamespace())) {
                    continue;
                }
                String name = expression.toOriginalString().substring(SECRET.length() + 1);
                int line = expression.getOrigin().getLine();
                if (!SECRET_NAME.matcher(name).matches()) {
                    problems.add(new Problem(template.getId(), line, "", "secret " + name + ": {secret:NAME} takes"
                            + " the name of a file in the secrets directory: letters, digits, _ and -, not starting"
                            + " with -"));
                } else if (GIT_CREDENTIALS.equals(name)) {
                    problems.add(new Problem(template.getId(), line, "", "secret " + name + ": reserved, it holds"
                            + " trueup's logins to https git repositories and is never rendered into config"));
                } else if (!values.containsKey(name)) {
                    try {
                        values.put(name, secrets.value(name));
                    } catch (SecretException e) {
                        problems.add(new Problem(template.getId(), line, "", e.getMessage()));
                    }
                }
            }
        }

        private Optional<byte[]> render(Template template, ConfigFile file, HostAddress host) {
            try {
                String text = template.data("app", spec.id().app()).data("env", spec.id().env())
                        .data("host", host.name()).data("sha", spec.sha().hex())
                        .data("vars", spec.recipe().varsFor(host)).render();
                return Optional.of(text.getBytes(StandardCharsets.UTF_8));
            } catch (TemplateException e) {
                problems.add(problem(file.template(), e, "rendering for " + host + ": "));
                return Optional.empty();
            }
        }

        /** Qute's error at the template's line, without Qute's own "in template [...]" and without any secret. */
        private Problem problem(String template, TemplateException e, String prefix) {
            int line = e.getOrigin() == null ? 0 : e.getOrigin().getLine();
            String message = QUTE_PREFIX.matcher(String.valueOf(e.getMessage())).replaceFirst("");
            return new Problem(template, line, "", prefix + message);
        }

        private Rendering failed() {
            RenderedConfig masks = new RenderedConfig(List.of(), secrets.real() ? values : Map.of());
            return new Rendering.Failed(problems.stream().distinct()
                    .map(p -> new Problem(p.file(), p.line(), p.field(), masks.redact(p.message()))).toList());
        }
    }
}
