package io.trueup.git;

import io.trueup.desired.GitUrl;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.lib.Config;

/**
 * The entries of one {@code .gitmodules} file, read as untrusted input: each name and path a
 * plain relative path (letters, digits, {@code . _ -} and slashes, no {@code .}, {@code ..} or
 * {@code .git} segment), each URL a git URL trueup fetches from ({@link GitUrl}) once a relative
 * one ({@code ./} or {@code ../}) is resolved against the URL of the repository holding the
 * file, as git resolves it, and no {@code update = !command}.
 */
final class GitModules {

    /** The largest {@code .gitmodules} read. */
    static final int MAX_BYTES = 64 * 1024;

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*");
    private static final int MAX_CLIMB = 16;

    /** One submodule as {@code .gitmodules} declares it, its URL resolved. */
    record Entry(String name, String path, String url) {
    }

    private GitModules() {
    }

    /**
     * The entries of {@code content}, the {@code .gitmodules} of the repository at {@code baseUrl}.
     *
     * @param where names the file for messages: the app, the commit and, for a nested one, the submodule
     * @throws SubmoduleException naming {@code where} and the submodule when an entry breaks a rule
     */
    static List<Entry> parse(byte[] content, String baseUrl, String where) {
        if (content.length > MAX_BYTES) {
            throw new SubmoduleException(where + ": .gitmodules is larger than " + MAX_BYTES + " bytes");
        }
        Config config = new Config();
        try {
            config.fromText(new String(content, StandardCharsets.UTF_8));
        } catch (ConfigInvalidException e) {
            throw new SubmoduleException(where + ": .gitmodules cannot be read: " + e.getMessage(), e);
        }
        List<Entry> entries = new ArrayList<>();
        for (String name : config.getSubsections("submodule")) {
            String what = where + ": .gitmodules: submodule \"" + name + "\"";
            plain(name, what, "its name");
            String path = config.getString("submodule", name, "path");
            String url = config.getString("submodule", name, "url");
            String update = config.getString("submodule", name, "update");
            if (path == null || url == null) {
                throw new SubmoduleException(what + " has no " + (path == null ? "path" : "url"));
            }
            plain(path, what, "path " + path);
            if (update != null && update.strip().startsWith("!")) {
                throw new SubmoduleException(what + ": update = " + update + " runs a command; trueup does not");
            }
            entries.add(new Entry(name, path, resolve(url, baseUrl, what)));
        }
        return entries;
    }

    /**
     * {@code url} resolved against {@code baseUrl} when it starts with {@code ./} or
     * {@code ../} (each {@code ../} drops the last part of the base), then checked as a git URL.
     */
    static String resolve(String url, String baseUrl, String what) {
        String resolved = url;
        if (url.startsWith("./") || url.startsWith("../")) {
            String base = baseUrl.replaceAll("/+$", "");
            String rest = url;
            for (int i = 0; i <= MAX_CLIMB && (rest.startsWith("./") || rest.startsWith("../")); i++) {
                if (rest.startsWith("../")) {
                    base = parent(base).orElseThrow(() ->
                            new SubmoduleException(what + ": url " + url + " climbs above " + baseUrl));
                }
                rest = rest.substring(rest.indexOf('/') + 1);
            }
            try {
                RepoPaths.file(rest.replaceAll("/+$", ""));
            } catch (IllegalArgumentException e) {
                throw new SubmoduleException(what + ": url " + url + " is not a plain relative path after ./ and ../");
            }
            resolved = base + (base.endsWith(":") ? "" : "/") + rest;
        }
        try {
            return GitUrl.check(resolved);
        } catch (IllegalArgumentException e) {
            String as = resolved.equals(url) ? "" : " (resolved against " + baseUrl + " as " + resolved + ")";
            throw new SubmoduleException(what + ": url " + url + as + " " + e.getMessage());
        }
    }

    /** {@code url} without its last part: {@code /a/b} gives {@code /a}, {@code ssh://h/a} gives
     * {@code ssh://h}, {@code git@h:b} gives {@code git@h:}; empty when nothing is left to drop. */
    private static java.util.Optional<String> parent(String url) {
        int root = rootEnd(url);
        int slash = url.lastIndexOf('/');
        if (!url.isEmpty() && slash >= root && slash >= 0) {
            return java.util.Optional.of(url.substring(0, slash));
        }
        boolean scpLike = !url.contains("://") && !url.startsWith("/");
        return scpLike && root > 0 && !url.endsWith(":") ? java.util.Optional.of(url.substring(0, root + 1))
                : java.util.Optional.empty();
    }

    /** Where the part of {@code url} that {@code ../} may not climb above ends: its host, or the root. */
    private static int rootEnd(String url) {
        int scheme = url.indexOf("://");
        if (scheme >= 0) {
            int slash = url.indexOf('/', scheme + 3);
            return slash < 0 ? url.length() : slash;
        }
        if (url.startsWith("/")) {
            return 0;
        }
        return url.indexOf(':');
    }

    private static void plain(String text, String what, String which) {
        boolean plain = PLAIN.matcher(text).matches() && text.length() <= 255;
        if (plain) {
            for (String segment : text.split("/")) {
                plain &= !segment.equals("..") && !segment.equalsIgnoreCase(".git");
            }
        }
        if (!plain) {
            throw new SubmoduleException(what + ": " + which + " must be a plain relative path (letters, digits,"
                    + " . _ - and /, no . or .. or .git part)");
        }
    }
}
