package io.trueup.store;

import io.trueup.reconcile.ControllerState;
import io.trueup.status.StatusStore;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default: the state directory's files, statuses in this process. */
class FileStateContractTest extends ControllerStateContract {

    @TempDir
    Path dir;

    private ControllerState state;
    private StatusStore statuses;

    @BeforeEach
    void open() {
        state = ControllerState.at(dir);
        statuses = StatusStore.inMemory(INITIAL);
    }

    @Override
    ControllerState state() {
        return state;
    }

    @Override
    ControllerState reopened() {
        return ControllerState.at(dir);
    }

    @Override
    StatusStore statuses() {
        return statuses;
    }
}
