package io.trueup.git;

import io.trueup.desired.GitUrl;
import io.trueup.desired.Sha;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * Finds the submodules of an app's commit, at every depth, in the app's own mirror, and has each
 * pinned commit fetched into that mirror when it lacks it: after {@link #collect}, every commit a
 * gitlink of the app's commit pins (recursively) is in the mirror's object database, kept there by
 * a ref {@code refs/trueup/modules/<sha>}. Only entries of {@code .gitmodules} whose path is a
 * gitlink in the tree count, as for git; a gitlink with no entry is left out, as a checkout
 * leaves it (an empty directory). At most {@link #MAX_DEPTH} levels and {@link #MAX_COUNT}
 * submodules. Callers serialize calls that may fetch.
 */
final class Submodules {

    static final int MAX_DEPTH = 8;
    static final int MAX_COUNT = 64;
    static final String KEEP_PREFIX = "refs/trueup/modules/";

    /** Fetches a submodule's commit into the mirror; the caller checks whether it came. */
    interface Fetcher {
        void fetch(Submodule module);
    }

    /** Why a submodule's URL may not be used, if it may not ({@code trueup.policy.sources}). */
    interface UrlRule {
        UrlRule ANY = url -> Optional.empty();

        Optional<String> refusal(String url);
    }

    private record Level(RevCommit commit, String prefix, String url, int depth, String where) {
    }

    private Submodules() {
    }

    /**
     * The submodules of {@code commit} of {@code app}, fetched from {@code source}, outermost first.
     *
     * @param fetcher fetches a missing submodule commit, or null to read the mirror only
     * @param rule the URLs submodules may have, checked before any fetch
     * @throws SubmoduleException when a {@code .gitmodules} breaks a rule, a URL is refused by
     *     {@code rule}, a URL is local (a path, {@code file://}) while {@code source} is not (as git's
     *     {@code protocol.file.allow=user} refuses it), a pinned commit is not found, or there are too many
     */
    static List<Submodule> collect(BareMirror mirror, String app, String source, RevCommit commit, Fetcher fetcher,
            UrlRule rule) {
        List<Submodule> found = new ArrayList<>();
        Deque<Level> levels = new ArrayDeque<>();
        levels.add(new Level(commit, "", source, 0, "app " + app + ", commit " + commit.name().substring(0, 7)));
        while (!levels.isEmpty()) {
            Level level = levels.removeFirst();
            CommitTree tree = mirror.tree(level.commit());
            Optional<byte[]> file = tree.file(".gitmodules");
            if (file.isEmpty()) {
                continue;
            }
            for (GitModules.Entry entry : GitModules.parse(file.get(), level.url(), level.where())) {
                Optional<ObjectId> pinned = tree.gitlink(entry.path());
                if (pinned.isEmpty()) {
                    continue;
                }
                String what = level.where() + ": .gitmodules: submodule \"" + entry.name() + "\"";
                if (level.depth() >= MAX_DEPTH || found.size() >= MAX_COUNT) {
                    throw new SubmoduleException(what + ": more than " + (level.depth() >= MAX_DEPTH
                            ? MAX_DEPTH + " levels of submodules" : MAX_COUNT + " submodules") + "; trueup refuses it");
                }
                Submodule module = new Submodule(level.prefix() + entry.path(), entry.name(), entry.url(),
                        new Sha(pinned.get().name()));
                Optional<String> refused = rule.refusal(module.url());
                if (refused.isPresent()) {
                    throw new SubmoduleException(what + " (" + module.path() + "), URL " + module.url() + ": "
                            + refused.get());
                }
                if (fetcher != null && GitUrl.local(module.url()) && !GitUrl.local(source)) {
                    throw new SubmoduleException(what + " (" + module.path() + "), URL " + module.url() + ": a local"
                            + " path or file:// URL, refused because the app's source is not local: it would read"
                            + " a repository on the machine that runs trueup");
                }
                RevCommit at = present(mirror, module, fetcher, what);
                found.add(module);
                levels.add(new Level(at, module.path() + "/", module.url(), level.depth() + 1,
                        what + " (" + module.path() + ")"));
            }
        }
        return List.copyOf(found);
    }

    private static RevCommit present(BareMirror mirror, Submodule module, Fetcher fetcher, String what) {
        ObjectId id = ObjectId.fromString(module.commit().hex());
        Optional<RevCommit> commit = mirror.commit(id);
        if (commit.isEmpty() && fetcher != null) {
            fetcher.fetch(module);
            commit = mirror.commit(id);
        }
        if (commit.isEmpty()) {
            throw new SubmoduleException(what + " pins commit " + module.commit().abbrev() + " at " + module.path()
                    + ", not found in " + (fetcher == null ? "the local mirror" : module.url()));
        }
        if (fetcher != null) { // kept by refs/trueup/modules/<sha>, so no cleanup of the mirror drops it
            mirror.setRef(KEEP_PREFIX + id.name(), commit.get());
        }
        return commit.get();
    }
}
