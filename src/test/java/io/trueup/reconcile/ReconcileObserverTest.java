package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconcileObserverTest {

    /**
     * The service tells metrics and notifications through {@code both}: an observer method it does
     * not pass on is silently lost in production (the poll-failure counter once was).
     */
    @Test
    void bothTellsEachObserverOfEverything() throws Exception {
        List<String> firstHeard = new ArrayList<>();
        List<String> secondHeard = new ArrayList<>();
        ReconcileObserver both = ReconcileObserver.both(recording(firstHeard), recording(secondHeard));

        List<Method> methods = Arrays.stream(ReconcileObserver.class.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers())).toList();
        for (Method method : methods) {
            method.invoke(both, Arrays.stream(method.getParameterTypes()).map(ReconcileObserverTest::anyOf).toArray());
        }

        List<String> all = methods.stream().map(Method::getName).sorted().toList();
        assertEquals(all, firstHeard.stream().sorted().toList());
        assertEquals(all, secondHeard.stream().sorted().toList());
    }

    /** Some value of {@code type}: null, or a primitive's zero. */
    private static Object anyOf(Class<?> type) {
        return type.isPrimitive() ? java.lang.reflect.Array.get(java.lang.reflect.Array.newInstance(type, 1), 0) : null;
    }

    private static ReconcileObserver recording(List<String> heard) {
        return (ReconcileObserver) Proxy.newProxyInstance(ReconcileObserver.class.getClassLoader(),
                new Class<?>[] {ReconcileObserver.class}, (proxy, method, args) -> {
                    heard.add(method.getName());
                    return null;
                });
    }
}
