package io.trueup.git;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.HistogramDiff;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;

/** Line differences between two texts, as git shows them, with JGit's histogram diff. Stateless. */
public final class TextDiff {

    private TextDiff() {
    }

    /**
     * The lines that differ between {@code before} and {@code after}: each removed line with
     * {@code -} before it, each added line with {@code +}, and {@code context} unchanged lines
     * around each change with a space; {@code ...} between changes far apart. Empty when the
     * texts are the same.
     */
    public static List<String> lines(String before, String after, int context) {
        RawText a = new RawText(before.getBytes(StandardCharsets.UTF_8));
        RawText b = new RawText(after.getBytes(StandardCharsets.UTF_8));
        EditList edits = new HistogramDiff().diff(RawTextComparator.DEFAULT, a, b);
        List<String> lines = new ArrayList<>();
        int shownUpTo = 0;
        for (int e = 0; e < edits.size(); e++) {
            Edit edit = edits.get(e);
            int next = e + 1 < edits.size() ? edits.get(e + 1).getBeginA() : a.size();
            int from = Math.max(shownUpTo, edit.getBeginA() - context);
            if (!lines.isEmpty() && from > shownUpTo) {
                lines.add("...");
            }
            for (int i = from; i < edit.getBeginA(); i++) {
                lines.add(" " + a.getString(i));
            }
            for (int i = edit.getBeginA(); i < edit.getEndA(); i++) {
                lines.add("-" + a.getString(i));
            }
            for (int i = edit.getBeginB(); i < edit.getEndB(); i++) {
                lines.add("+" + b.getString(i));
            }
            int to = Math.min(next, edit.getEndA() + context);
            for (int i = edit.getEndA(); i < to; i++) {
                lines.add(" " + a.getString(i));
            }
            shownUpTo = to;
        }
        return lines;
    }
}
