package io.trueup.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trueup.desired.AppSpec;
import io.trueup.desired.HostAddress;
import io.trueup.desired.Removal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The line a deploy or an undeploy appends to a host's {@code .trueup/history.log}: one JSON object. Pure. */
final class HistoryLine {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HistoryLine() {
    }

    /** The line of a deploy that succeeded, written at {@code time}. */
    static String deployed(AppSpec spec, HostAddress host, String revision, Instant time) {
        Map<String, Object> line = fields(spec, host, revision, time);
        line.put("result", "deployed");
        return write(line);
    }

    /**
     * The line of a host undeployed at {@code time}: it left desired state at {@code revision},
     * where it was last desired at {@code sha}.
     */
    static String undeployed(Removal removal, String sha, String revision, Instant time) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", time.toString());
        line.put("app", removal.id().app());
        line.put("env", removal.id().env());
        line.put("sha", sha);
        line.put("revision", revision);
        line.put("result", "undeployed");
        return write(line);
    }

    static String of(AppSpec spec, HostAddress host, String revision, HostOutcome outcome, Instant time) {
        Map<String, Object> line = fields(spec, host, revision, time);
        switch (outcome) {
            case HostOutcome.Deployed d -> line.put("result", "deployed");
            case HostOutcome.Failed f -> {
                line.put("result", f.rollback().filter(HostOutcome.Rollback::succeeded).isPresent()
                        ? "failed, rolled back to " + f.rollback().get().to().name() : "failed");
                line.put("step", f.step());
                line.put("error", f.error());
                if (!f.output().isBlank()) {
                    line.put("output", f.output());
                }
            }
            case HostOutcome.Reverted r -> line.put("result", r.rollback().succeeded()
                    ? "reverted to " + r.rollback().to().name() : "revert failed: " + r.rollback().detail());
        }
        return write(line);
    }

    private static Map<String, Object> fields(AppSpec spec, HostAddress host, String revision, Instant time) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", time.toString());
        line.put("app", spec.id().app());
        line.put("env", spec.id().env());
        line.put("sha", spec.sha().hex());
        line.put("release", spec.release(host).name());
        line.put("requirementsHash", spec.requirementsHash().toString());
        line.put("revision", revision);
        return line;
    }

    private static String write(Map<String, Object> line) {
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serializes", e);
        }
    }
}
