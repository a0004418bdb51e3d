package io.trueup.reconcile;

import io.trueup.desired.AppSpec;
import io.trueup.desired.ConfigFile;
import io.trueup.desired.DesiredStateParser;
import io.trueup.desired.Problem;
import io.trueup.desired.RequirementsFile;
import io.trueup.desired.RequirementsHash;
import io.trueup.desired.SharedPath;
import io.trueup.git.AppMirrors;
import io.trueup.git.GitException;
import io.trueup.git.MissingCommitException;
import io.trueup.git.Submodule;
import io.trueup.git.SubmoduleException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks specs against local mirrors of the app repositories: the pinned SHA is there
 * (fetched only when missing), its requirements file hashes to {@code requirementsHash} and
 * asks pip for nothing beyond the wheelhouse ({@link RequirementsFile}), its submodules' commits
 * are found ({@link AppMirrors#submodules}) and no shared path or rendered file lies inside one,
 * and it has no {@code .venv} at its top level, where trueup links the release's env.
 * Thread-safe.
 */
public final class MirrorSourceCheck implements SourceCheck {

    /** Where a release links its env: a commit may hold nothing there. */
    private static final String VENV = ".venv";

    private final AppMirrors mirrors;
    private final DesiredStateParser parser = new DesiredStateParser();

    public MirrorSourceCheck(AppMirrors mirrors) {
        this.mirrors = mirrors;
    }

    @Override
    public List<Problem> check(AppSpec spec, Map<String, byte[]> files) {
        byte[] requirements;
        try {
            requirements = mirrors.readFile(spec.id().app(), spec.source(), spec.sha(), spec.requirements());
        } catch (MissingCommitException | SubmoduleException e) {
            return List.of(parser.problemAt(files, spec, "sha", e.getMessage()));
        } catch (GitException e) {
            return List.of(parser.problemAt(files, spec, commitKnown(spec) ? "requirements" : "source", e.getMessage()));
        }
        if (mirrors.hasEntry(spec.id().app(), spec.source(), spec.sha(), VENV)) {
            return List.of(parser.problemAt(files, spec, "sha", "app " + spec.id().app() + ", commit "
                    + spec.sha().abbrev() + ": has " + VENV + " at its top level, where trueup links the release's"
                    + " env; remove it from the commit"));
        }
        RequirementsHash actual = RequirementsHash.of(requirements);
        if (!actual.equals(spec.requirementsHash())) {
            return List.of(parser.problemAt(files, spec, "requirementsHash", "is " + spec.requirementsHash() + " but "
                    + spec.requirements() + " at commit " + spec.sha().abbrev() + " hashes to " + actual));
        }
        String where = spec.requirements() + " at commit " + spec.sha().abbrev() + ", ";
        List<Problem> problems = new ArrayList<>(RequirementsFile.refusals(requirements).stream()
                .map(refusal -> parser.problemAt(files, spec, "requirementsHash", where + refusal)).toList());
        problems.addAll(insideSubmodules(spec, files));
        return problems;
    }

    /**
     * A shared path or rendered file inside one of the commit's submodules: refused, since the
     * submodule's own checkout would tell it as a change (drift) in every release; and a shared
     * path that holds one, which would take the submodule's place.
     */
    private List<Problem> insideSubmodules(AppSpec spec, Map<String, byte[]> files) {
        List<Problem> problems = new ArrayList<>();
        List<Submodule> modules = mirrors.submodules(spec.id().app(), spec.source(), spec.sha());
        for (Submodule module : modules) {
            String inside = module.path() + "/";
            for (SharedPath shared : spec.recipe().shared()) {
                if (shared.path().equals(module.path()) || shared.path().startsWith(inside)) {
                    problems.add(parser.problemAt(files, spec, "shared", shared.path() + " is inside submodule "
                            + module.path() + " of commit " + spec.sha().abbrev() + "; trueup links shared paths"
                            + " only outside submodules"));
                } else if (module.path().startsWith(shared.path() + "/")) {
                    problems.add(parser.problemAt(files, spec, "shared", shared.path() + " holds submodule "
                            + module.path() + " of commit " + spec.sha().abbrev() + "; a shared path would take"
                            + " its place"));
                }
            }
            for (ConfigFile config : spec.recipe().config()) {
                if (config.dest().equals(module.path()) || config.dest().startsWith(inside)) {
                    problems.add(parser.problemAt(files, spec, "config", config.dest() + " is inside submodule "
                            + module.path() + " of commit " + spec.sha().abbrev() + "; trueup renders config files"
                            + " only outside submodules"));
                }
            }
        }
        return problems;
    }

    private boolean commitKnown(AppSpec spec) {
        try {
            return mirrors.hasCommit(spec.id().app(), spec.source(), spec.sha());
        } catch (GitException e) {
            return false;
        }
    }
}
