package io.trueup.api;

import java.util.HashMap;
import java.util.Map;

/** The embedded demo with the API's actions enabled by a bearer token. */
public class TokenProfile extends DemoProfile {

    static final String TOKEN = "s3cret-token";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("trueup.api.token", TOKEN);
        config.put("trueup.demo.app-port", "28200");
        return config;
    }
}
