"""A large fleet for the no-op scenario: many addresses served by a few sshd processes.

Each of a few network namespaces (tu-e2e-m1, m2, ...) holds up to PER_NS addresses
(10.232.K.2, .3, ...) on one veth link and runs one OpenSSH sshd, in its own mount namespace
with its own directory bound at /srv: the hosts' sshd are shared, one for PER_NS addresses. Every
address is one host, with its own base directory: sshd's `Match LocalAddress` runs each session
in /srv/hosts/<address>, so a relative `path` in desired state (`hello`) is a different directory
on every host, as it is on real hosts.

This side reaches a namespace's addresses through a route via its first address, not as
neighbours on the link: one ARP entry per namespace, so that 1,000 hosts stay far below the
kernel's neighbour table limit (net.ipv4.neigh.default.gc_thresh3, 1024 by default).
"""
import os
import shutil

from harness import hosts, proc

PER_NS = 125


class ManyNamespace(hosts.Host):
    """One sshd serving `count` host addresses."""

    def __init__(self, k, count):
        super().__init__(k)
        self.ip6 = self.gateway6 = None  # IPv4 only, whatever k (the e2e hosts' h3 has IPv6 too)
        self.name = "%s-m%d" % (hosts.PREFIX, k)
        self.ip = "10.232.%d.2" % k
        self.gateway = "10.232.%d.1" % k
        self.count = count
        self.dir = os.path.join(hosts.ROOT, "many", "m%d" % k)
        self.srv = os.path.join(self.dir, "srv")
        self.keys = os.path.join(self.dir, "ssh")
        self.config = os.path.join(self.keys, "sshd_config")
        self.log = os.path.join(self.dir, "sshd.log")

    @property
    def addresses(self):
        return ["10.232.%d.%d" % (self.number, n) for n in range(2, 2 + self.count)]

    def create(self, authorized_keys, user):
        os.makedirs(self.keys)
        os.makedirs(os.path.join(self.srv, "home"))
        for address in self.addresses:
            os.makedirs(os.path.join(self.srv, "hosts", address))
        for root, dirs, _ in os.walk(self.srv):
            for d in [root] + [os.path.join(root, x) for x in dirs]:
                os.chown(d, user.pw_uid, user.pw_gid)
        self.new_host_keys()
        config = hosts.SSHD_CONFIG.format(name=self.name, ip="0.0.0.0", keys=self.keys, user=hosts.USER,
                                          authorized_keys=authorized_keys)
        config = config.replace("MaxStartups 100", "MaxStartups 1000\nMaxSessions 100\nLogLevel INFO")
        config = config.replace("LogLevel VERBOSE\n", "")
        # Match blocks come last: each address's sessions run in that host's own directory.
        for address in self.addresses:
            config += ("Match LocalAddress %s\n  ForceCommand cd /srv/hosts/%s && eval \"$SSH_ORIGINAL_COMMAND\"\n"
                       % (address, address))
        with open(self.config, "w") as f:
            f.write(config)
        self.create_link()

    def create_link(self):
        """The namespace and its veth link: this side 10.232.K.1/32, a route to the first address on
        the link and one to the namespace's /24 via it; the namespace's side every address (/24)."""
        proc.run(["ip", "netns", "add", self.name])
        proc.run(["ip", "link", "add", self.name, "type", "veth", "peer", "name", "eth0", "netns", self.name])
        proc.run(["ip", "addr", "add", self.gateway + "/32", "dev", self.name])
        proc.run(["ip", "link", "set", self.name, "up"])
        proc.run(["ip", "route", "add", self.ip + "/32", "dev", self.name, "src", self.gateway])
        proc.run(["ip", "route", "add", "10.232.%d.0/24" % self.number, "via", self.ip, "dev", self.name,
                  "src", self.gateway])
        proc.run(["ip", "-n", self.name, "link", "set", "lo", "up"])
        proc.run(["ip", "-n", self.name, "-batch", "-"],
                 input="".join("addr add %s/24 dev eth0\n" % a for a in self.addresses))
        proc.run(["ip", "-n", self.name, "link", "set", "eth0", "up"])

    def base(self, address, relative):
        """The root namespace's path of `relative` in host `address`'s own directory."""
        return os.path.join(self.srv, "hosts", address, relative)


class ManyFleet:
    """`count` hosts on ceil(count / PER_NS) sshd processes, sharing the e2e fleet's user and key."""

    def __init__(self, fleet, count):
        self.fleet = fleet
        self.namespaces = []
        k = 1
        left = count
        while left > 0:
            self.namespaces.append(ManyNamespace(k, min(PER_NS, left)))
            left -= PER_NS
            k += 1
        self.known_hosts = os.path.join(hosts.ROOT, "client", "known_hosts")

    @property
    def addresses(self):
        return [a for ns in self.namespaces for a in ns.addresses]

    def create(self):
        user = self.fleet.user()
        for ns in self.namespaces:
            ns.create(self.fleet.authorized_keys, user)
        with open(self.known_hosts, "a") as f:
            for ns in self.namespaces:
                f.write("\n".join(ns.known_hosts_lines()) + "\n")
        for ns in self.namespaces:
            ns.start_sshd()

    def base(self, address, relative):
        for ns in self.namespaces:
            if address in ns.addresses:
                return ns.base(address, relative)
        raise KeyError(address)

    def copy_base(self, source, relative, owner):
        """Makes every host's base directory a hard-linked copy of `source` (a converged base
        directory), its mark (.trueup/base) a file of its own naming `owner` (the app/environment
        that inspects it: "app/env"), then has git refresh each release's index as the deploy user,
        so that a host looks exactly as if trueup had deployed it there for `owner`."""
        targets = [self.base(address, relative) for address in self.addresses]
        for target in targets:
            shutil.rmtree(target, ignore_errors=True)
        copy = ('src=$1 owner=$2; shift 2; for t in "$@"; do cp -al "$src" "$t" && rm -f "$t/.trueup/base" && '
                'printf \'%s\\nThe base directory of %s: trueup makes and removes what is in it.\\n\' '
                '"$owner" "$owner" > "$t/.trueup/base" || exit 1; done')
        for start in range(0, len(targets), 100):
            proc.run(["sh", "-c", copy, "sh", source, owner] + targets[start:start + 100], timeout=600)
        script = ('for r in "$@"; do for rel in "$r"/releases/*/; do '
                  'git -C "$rel" update-index -q --refresh >/dev/null 2>&1 || true; done; done')
        bases = [self.base(a, relative) for a in self.addresses] + [source]
        for start in range(0, len(bases), 100):
            proc.run(["runuser", "-u", hosts.USER, "--", "sh", "-c", script, "sh"] + bases[start:start + 100],
                     timeout=300)

    def sshd_logins(self):
        """How many logins the fleet's sshd processes have accepted so far."""
        total = 0
        for ns in self.namespaces:
            with open(ns.log, errors="replace") as f:
                total += sum(1 for line in f if "Accepted publickey" in line)
        return total

    def links(self):
        return [ns.name for ns in self.namespaces]

    def destroy(self):
        for ns in self.namespaces:
            ns.destroy()
