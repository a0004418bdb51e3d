package io.trueup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgsTest {

    private static final Set<String> KNOWN = Set.of("base", "head");

    @Test
    void takesOptionsWithASpaceOrAnEqualsSignAndKeepsTheRestInOrder() {
        Args args = Args.parse(List.of("a", "--base", "HEAD~1", "b", "--head=main"), KNOWN);

        assertEquals(new Args(List.of("a", "b"), Map.of("base", "HEAD~1", "head", "main")), args);
    }

    @Test
    void refusesAnUnknownOptionARepeatedOneAndOneWithoutAValue() {
        assertEquals("unknown option --bsae", refusal("--bsae", "x"));
        assertEquals("option --base is given twice", refusal("--base", "a", "--base=b"));
        assertEquals("option --base needs a value", refusal("--base"));
        assertEquals("option --base needs a value", refusal("--base", "--head", "x"));
    }

    @Test
    void saysWhichRequiredOptionOrArgumentIsMissing() {
        Args none = Args.parse(List.of(), KNOWN);

        assertEquals("option --head is required", assertThrows(UsageException.class, () -> none.required("head"))
                .getMessage());
        assertEquals("DIR is required", assertThrows(UsageException.class, () -> none.single("DIR")).getMessage());
        assertEquals("unexpected argument b", assertThrows(UsageException.class,
                () -> Args.parse(List.of("a", "b"), KNOWN).single("DIR")).getMessage());
    }

    private static String refusal(String... args) {
        return assertThrows(UsageException.class, () -> Args.parse(List.of(args), KNOWN)).getMessage();
    }
}
