package io.trueup.dashboard;

import io.trueup.api.DemoProfile;
import java.util.HashMap;
import java.util.Map;

/** The embedded demo for the dashboard's tests, its demo apps on ports of their own. */
public class DashboardProfile extends DemoProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("trueup.demo.app-port", "28300");
        return config;
    }
}
