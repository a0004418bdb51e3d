package io.trueup.store;

import io.trueup.desired.AppEnv;
import java.util.Collection;
import java.util.List;

/** App/environments as the tables key them: {@code app/env}. */
final class Keys {

    private Keys() {
    }

    static List<String> of(Collection<AppEnv> ids) {
        return ids.stream().map(AppEnv::toString).toList();
    }
}
