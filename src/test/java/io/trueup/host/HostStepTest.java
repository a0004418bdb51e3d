package io.trueup.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HostStepTest {

    @Test
    void everyStepIsReadBackFromItsWordAndNoOtherWordIsAStep() {
        for (HostStep step : HostStep.values()) {
            assertEquals(Optional.of(step), HostStep.of(step.word()));
        }
        assertEquals(Optional.empty(), HostStep.of("push"), "the push runs from trueup");
        assertEquals(Optional.empty(), HostStep.of("BEFORE_SWITCH"));
    }

    @Test
    void theHooksAreTheFourThatHooksTimeoutBounds() {
        assertEquals(List.of("build", "migrate", "beforeSwitch", "afterSwitch"), Arrays.stream(HostStep.values())
                .filter(HostStep::hook).map(HostStep::word).toList());
    }

    @Test
    void theHistoryLineTheWordToSwitchUnlockAndGcAreNoStepsOfADeploy() {
        assertEquals(EnumSet.of(HostStep.RECORD, HostStep.CONFIRM, HostStep.UNLOCK, HostStep.GC, HostStep.STOP,
                HostStep.UNLINK), Arrays.stream(HostStep.values()).filter(s -> !s.ofADeploy())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(HostStep.class))));
    }

    @Test
    void onlyPruneRecordAndGcMayFailUnlessSaidOtherwise() {
        assertTrue(HostStep.PRUNE.mayFailByDefault());
        assertTrue(HostStep.RECORD.mayFailByDefault());
        assertTrue(HostStep.GC.mayFailByDefault());
        assertFalse(HostStep.SWITCH.mayFailByDefault());
        assertEquals(3, Arrays.stream(HostStep.values()).filter(HostStep::mayFailByDefault).count());
    }

    @Test
    void aStepIsNamedInCommandsAndScriptsByItsWord() {
        assertEquals("beforeSwitch", HostStep.BEFORE_SWITCH.word());
        assertEquals("beforeSwitch", HostStep.BEFORE_SWITCH.toString());
    }
}
