package io.trueup.git;

import org.eclipse.jgit.lib.ProgressMonitor;

/**
 * Listens to a push's progress for the one number it tells of the pack sent: the total of
 * JGit's "Writing objects" task, the count of objects in the pack. Stays 0 when no pack is
 * written.
 */
final class ObjectsWritten implements ProgressMonitor {

    private static final String WRITING_OBJECTS = "Writing objects";

    private volatile long count;

    long count() {
        return count;
    }

    @Override
    public void beginTask(String title, int totalWork) {
        if (WRITING_OBJECTS.equals(title) && totalWork > 0) {
            count = totalWork;
        }
    }

    @Override
    public void start(int totalTasks) {
    }

    @Override
    public void update(int completed) {
    }

    @Override
    public void endTask() {
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public void showDuration(boolean enabled) {
    }
}
