package io.trueup.git;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A repository URL as it may be shown (status, dashboard, log): the password of its user info
 * replaced by {@code ***}, and for {@code http(s)://} a user without a password too (a token put
 * where the user goes, as {@code https://TOKEN@github.com/...}). Paths, {@code file://} URLs,
 * {@code ssh://git@host} and scp-like {@code git@host:path} are shown as they are.
 */
public final class RedactedUrl {

    static final String MASK = "***";

    private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)@");

    private RedactedUrl() {
    }

    /** {@code url} without its secrets. */
    public static String of(String url) {
        Matcher m = USER_INFO.matcher(url);
        if (!m.find()) {
            return url;
        }
        String userInfo = m.group(2);
        int colon = userInfo.indexOf(':');
        String shown = colon >= 0 ? userInfo.substring(0, colon) + ":" + MASK
                : web(m.group(1)) ? MASK : userInfo;
        return m.group(1) + shown + "@" + url.substring(m.end());
    }

    /**
     * {@code text} (an error message about {@code url}, from JGit or the JDK) with every secret of
     * {@code url} replaced: the URL itself, the forms JGit prints (user without password), and the
     * bare secrets wherever else they appear.
     */
    public static String scrub(String text, String url) {
        if (text == null) {
            return null;
        }
        String result = text.replace(url, of(url));
        for (String secret : secrets(url)) {
            result = result.replace(secret, MASK);
        }
        return result;
    }

    private static List<String> secrets(String url) {
        List<String> secrets = new ArrayList<>();
        Matcher m = USER_INFO.matcher(url);
        if (m.find()) {
            String userInfo = m.group(2);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                secrets.add(userInfo.substring(colon + 1));
            } else if (web(m.group(1))) {
                secrets.add(userInfo);
            }
        }
        List<String> all = new ArrayList<>();
        for (String s : secrets) {
            if (!s.isEmpty()) {
                all.add(s);
                String decoded = URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
                if (!decoded.equals(s)) {
                    all.add(decoded);
                }
            }
        }
        return all;
    }

    private static boolean web(String scheme) {
        String s = scheme.toLowerCase(java.util.Locale.ROOT);
        return s.startsWith("http://") || s.startsWith("https://");
    }
}
