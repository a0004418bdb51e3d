package io.trueup.git;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.transport.SshConfigStore;
import org.eclipse.jgit.transport.SshConstants;

/**
 * The SSH client configuration for every git server, in place of {@code ~/.ssh/config}:
 * strict host key checking against given known_hosts files, the given identities only, no
 * agent, public key login only, never a prompt. Host name, port and user come from the URL.
 */
record StrictSshConfig(Map<String, String> options, Map<String, List<String>> multiValued)
        implements SshConfigStore, SshConfigStore.HostConfig {

    StrictSshConfig {
        options = caseInsensitive(options);
        multiValued = caseInsensitive(multiValued);
    }

    static StrictSshConfig of(List<Path> identities, List<Path> knownHosts) {
        List<String> known = knownHosts.stream().map(Path::toString).toList();
        List<String> ids = identities.stream().map(Path::toString).toList();
        Map<String, String> options = Map.of(
                SshConstants.STRICT_HOST_KEY_CHECKING, SshConstants.YES,
                SshConstants.IDENTITIES_ONLY, SshConstants.YES,
                SshConstants.IDENTITY_AGENT, SshConstants.NONE,
                SshConstants.BATCH_MODE, SshConstants.YES,
                SshConstants.PREFERRED_AUTHENTICATIONS, "publickey");
        Map<String, List<String>> multi = Map.of(
                SshConstants.USER_KNOWN_HOSTS_FILE, known,
                SshConstants.GLOBAL_KNOWN_HOSTS_FILE, known,
                SshConstants.IDENTITY_FILE, ids);
        return new StrictSshConfig(options, multi);
    }

    @Override
    public HostConfig lookup(String hostName, int port, String userName) {
        return this;
    }

    @Override
    public HostConfig lookupDefault(String hostName, int port, String userName) {
        return this;
    }

    @Override
    public String getValue(String key) {
        return options.get(key);
    }

    @Override
    public List<String> getValues(String key) {
        return multiValued.getOrDefault(key, List.of());
    }

    @Override
    public Map<String, String> getOptions() {
        return options;
    }

    @Override
    public Map<String, List<String>> getMultiValuedOptions() {
        return multiValued;
    }

    private static <V> Map<String, V> caseInsensitive(Map<String, V> map) {
        Map<String, V> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(map);
        return Collections.unmodifiableMap(copy);
    }
}
