package io.trueup.git;

import java.io.IOException;
import java.io.InputStream;
import java.net.Proxy;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory2;
import org.eclipse.jgit.transport.http.JDKHttpConnectionFactory;

/**
 * JGit's https transport as trueup uses it: the login for a repository comes from a credentials
 * file ({@link GitCredentials}) read again at each fetch, so a rotated token is used at once;
 * a repository no line serves is fetched without one. Servers are trusted by the JDK's trust
 * store, and also by the CA certificates of an optional PEM file (a private CA); verification is
 * never turned off, whatever git's {@code http.sslVerify} says.
 *
 * <p>The login is set only on a transport whose URL has no user info of its own. Nothing here
 * puts a user or password in a message. Safe to use from many threads.
 */
public final class GitHttp {

    /** The name of the credentials file in trueup's secrets directory. */
    public static final String CREDENTIALS_FILE = "git-credentials";

    private final Supplier<Optional<String>> credentials;
    private final Optional<Path> caFile;

    /**
     * @param credentials the text of the credentials file at the time of the call, empty when
     *     there is none; may throw an unchecked exception whose message names the problem
     * @param caFile PEM certificates of CAs trusted besides the JDK's own
     */
    public GitHttp(Supplier<Optional<String>> credentials, Optional<Path> caFile) {
        this.credentials = credentials;
        this.caFile = caFile;
    }

    /** No credentials and the JDK's trust store only. */
    public static GitHttp anonymous() {
        return new GitHttp(Optional::empty, Optional.empty());
    }

    /** Installs the login and the trust on HTTP transports; other transports are left alone. */
    TransportConfigCallback transportConfig() {
        return transport -> {
            if (transport instanceof TransportHttp http) {
                if (transport.getURI().getUser() == null) {
                    login(transport.getURI().toString()).ifPresent(login -> http.setCredentialsProvider(
                            new UsernamePasswordCredentialsProvider(login.user(), login.password())));
                }
                http.setHttpConnectionFactory(new VerifyingFactory(caFile.map(GitHttp::trustManagers)));
            }
        };
    }

    private Optional<GitCredentials.Login> login(String url) {
        return credentials.get().flatMap(text -> GitCredentials.parse(text, CREDENTIALS_FILE).loginFor(url));
    }

    private static TrustManager[] trustManagers(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new GitException("trueup.git.ca-file " + caFile + " holds no PEM certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate cert : certs) {
                store.setCertificateEntry("ca-" + i++, cert);
            }
            return new TrustManager[] {new EitherTrust(x509(store), x509(null))};
        } catch (IOException | GeneralSecurityException e) {
            throw new GitException("cannot read trueup.git.ca-file " + caFile + ": " + e.getMessage(), e);
        }
    }

    private static X509TrustManager x509(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /** Trusts a server either the given CAs or the JDK's trust store trusts. */
    private record EitherTrust(X509TrustManager extra, X509TrustManager jdk) implements X509TrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                extra.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                jdk.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("trueup does not accept clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            X509Certificate[] a = extra.getAcceptedIssuers();
            X509Certificate[] b = jdk.getAcceptedIssuers();
            X509Certificate[] all = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
        }
    }

    /**
     * JDK connections that always verify the server: git's {@code http.sslVerify=false} (in a
     * user's or the system's gitconfig, which JGit reads) is ignored, and https ones trust
     * {@link #trust} when given, else the JDK's trust store.
     */
    private static final class VerifyingFactory implements HttpConnectionFactory2 {
        private final JDKHttpConnectionFactory jdk = new JDKHttpConnectionFactory();
        private final Optional<TrustManager[]> trust;

        VerifyingFactory(Optional<TrustManager[]> trust) {
            this.trust = trust;
        }

        @Override
        public HttpConnection create(URL url) throws IOException {
            return jdk.create(url);
        }

        @Override
        public HttpConnection create(URL url, Proxy proxy) throws IOException {
            return jdk.create(url, proxy);
        }

        @Override
        public GitSession newSession() {
            return new GitSession() {
                @Override
                public HttpConnection configure(HttpConnection connection, boolean sslVerify)
                        throws GeneralSecurityException {
                    if (trust.isPresent() && "https".equalsIgnoreCase(connection.getURL().getProtocol())) {
                        connection.configure(null, trust.get(), null);
                    }
                    return connection;
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
