package io.trueup.reconcile;

import io.trueup.desired.AppSpec;
import io.trueup.desired.DesiredStateParser;
import io.trueup.desired.Problem;
import io.trueup.desired.RequirementsFile;
import io.trueup.desired.RequirementsHash;
import io.trueup.git.AppMirrors;
import io.trueup.git.GitException;
import io.trueup.git.MissingCommitException;
import java.util.List;
import java.util.Map;

/**
 * Checks specs against local mirrors of the app repositories: the pinned SHA is there
 * (fetched only when missing), its requirements file hashes to {@code requirementsHash} and
 * asks pip for nothing beyond the wheelhouse ({@link RequirementsFile}). Thread-safe.
 */
public final class MirrorSourceCheck implements SourceCheck {

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
        } catch (MissingCommitException e) {
            return List.of(parser.problemAt(files, spec, "sha", e.getMessage()));
        } catch (GitException e) {
            return List.of(parser.problemAt(files, spec, commitKnown(spec) ? "requirements" : "source", e.getMessage()));
        }
        RequirementsHash actual = RequirementsHash.of(requirements);
        if (!actual.equals(spec.requirementsHash())) {
            return List.of(parser.problemAt(files, spec, "requirementsHash", "is " + spec.requirementsHash() + " but "
                    + spec.requirements() + " at commit " + spec.sha().abbrev() + " hashes to " + actual));
        }
        String where = spec.requirements() + " at commit " + spec.sha().abbrev() + ", ";
        return RequirementsFile.refusals(requirements).stream()
                .map(refusal -> parser.problemAt(files, spec, "requirementsHash", where + refusal)).toList();
    }

    private boolean commitKnown(AppSpec spec) {
        try {
            return mirrors.hasCommit(spec.id().app(), spec.source(), spec.sha());
        } catch (GitException e) {
            return false;
        }
    }
}
