package io.trueup.rollout;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.ErrorText;
import org.junit.jupiter.api.Test;

class StepFailureTest {

    /** A cap before the mask would cut a secret at the line's limit and leave its start shown. */
    @Test
    void aSecretInALineLongerThanTheCapIsMaskedBeforeTheLineIsCut() {
        String secret = "S3CRET-0123456789abcdef0123456789";
        String output = "config: " + "x".repeat(465) + secret + " more text after it";

        StepFailure failure = new StepFailure("restart", "step restart failed", output, false)
                .redacted(text -> text.replace(secret, "[secret key]"));

        assertFalse(failure.output().contains(secret.substring(0, 4)), failure.output());
        assertTrue(failure.output().lines().allMatch(l -> l.length() <= ErrorText.LINE), failure.output());
    }
}
