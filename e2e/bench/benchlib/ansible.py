"""Ansible, the baseline: the playbooks in e2e/bench/ansible/ (see its README), run the way their
users run them, with its fastest common settings (pipelining, ControlPersist, no facts): `ansible`;
and as a skilled user writes them for speed (forks = hosts, `creates:` guards, fewer tasks,
`strategy: free`, a long ControlPersist): `ansible-fast`."""
import json
import os
import shutil
import subprocess
import time

from harness import hosts

from . import measure, world as bw

PLAYBOOKS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "ansible")
FORKS = 50  # Ansible's forks: at least the 10 hosts of a deploy; 50 for the large fleet (see the README)


class Ansible:
    """deploy.yml and stat.yml with ansible.cfg, FORKS forks."""

    name = "ansible"
    config = "ansible.cfg"
    playbooks = {"deploy": "deploy.yml", "stat": "stat.yml"}

    def __init__(self, world, out):
        self.world = world
        self.out = out
        self.inventory = os.path.join(out, "inventory-%s.ini" % self.name)
        # each variant its own ControlPersist masters: neither reuses the other's connections
        self.control_dir = os.path.join(hosts.ROOT, "%s-cp" % self.name)
        self.log = os.path.join(world.logs, "%s.log" % self.name)
        self.last_peak_rss = None
        self.forks = FORKS
        self.host_count = 0

    def fork_count(self, host_count):
        return self.forks

    def start(self):
        self.write_inventory([(h.ip, bw.BASES[self.name], self.world.app_url_for(h)) for h in self.world.hosts])

    def stop(self):
        """Closes the connections ControlPersist keeps open after a run."""
        if os.path.isdir(self.control_dir):
            for name in os.listdir(self.control_dir):
                subprocess.run(["ssh", "-F", "/dev/null", "-o", "ControlPath=" + os.path.join(self.control_dir, name),
                                "-O", "exit", "x"], capture_output=True, timeout=10)
            shutil.rmtree(self.control_dir, ignore_errors=True)

    def write_inventory(self, entries):
        self.host_count = len(entries)
        fleet = self.world.fleet
        lines = ["[app]"]
        for ip, base, repo_url in entries:
            lines.append("%s ansible_host=%s base=%s%s" % (ip, ip, base, " repo_url=%s" % repo_url if repo_url else ""))
        lines += ["", "[app:vars]", "ansible_user=%s" % hosts.USER,
                  "ansible_ssh_private_key_file=%s" % fleet.client_key,
                  "ansible_ssh_common_args='-F /dev/null -o UserKnownHostsFile=%s'" % fleet.known_hosts, ""]
        with open(self.inventory, "w") as f:
            f.write("\n".join(lines))

    def playbook(self, name, extra):
        """Runs a playbook; returns when it exits (the time it did), having sampled its peak memory."""
        env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(PLAYBOOKS, self.config),
                   ANSIBLE_SSH_CONTROL_PATH_DIR=self.control_dir, ANSIBLE_LOCAL_TEMP=os.path.join(hosts.ROOT, "ansible-tmp"))
        with open(self.log, "a") as log:
            log.write("=== bench: %s %s\n" % (name, json.dumps(extra)))
            log.flush()
            process = subprocess.Popen(["ansible-playbook", "-i", self.inventory, "-f", str(self.fork_count(self.host_count)),
                                        os.path.join(PLAYBOOKS, name), "-e", json.dumps(extra)],
                                       stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env)
            with measure.TreeRss(process.pid) as rss:
                try:
                    code = process.wait(timeout=1800)
                except BaseException:  # a timeout, or the run stopped by a signal
                    process.kill()
                    process.wait(timeout=30)
                    raise
            ended = time.time()
        self.last_peak_rss = rss.peak
        if code != 0:
            raise AssertionError("ansible-playbook %s exited %d; see %s" % (name, code, self.log))
        return ended

    def stage(self, sha, requirements_hash, batch, real_app=False, rollback=False):
        """Nothing to prepare: Ansible is told what to deploy by its command line."""

    def deploy(self, sha, requirements_hash, batch, real_app=False, rollback=False):
        extra = {"sha": sha, "req_hash": requirements_hash.split(":", 1)[1],
                 "restart": bw.REAL_RESTART if real_app else bw.MARK_RESTART,
                 "batch": 1 if batch == 1 else 0}
        if real_app:
            extra["health_url"] = "http://{{ ansible_host }}:8000/healthz"
        return self.playbook(self.playbooks["deploy"], extra)

    # scenario 4: the stat play

    def noop_begin(self, addresses, target):
        self.write_inventory([(a, "/srv/hosts/%s/%s" % (a, bw.NOOP_PATH), None) for a in addresses])
        self.playbook(self.playbooks["stat"], {"sha": target[0]})  # opens the connections ControlPersist keeps: not timed

    def noop(self, addresses, target):
        return self.playbook(self.playbooks["stat"], {"sha": target[0]})

    def noop_end(self):
        self.stop()


class AnsibleFast(Ansible):
    """deploy-fast.yml and stat-fast.yml with ansible-fast.cfg: one fork per host, whatever the
    number of hosts (the deploys' and the no-op fleet's alike)."""

    name = "ansible-fast"
    config = "ansible-fast.cfg"
    playbooks = {"deploy": "deploy-fast.yml", "stat": "stat-fast.yml"}

    def __init__(self, world, out, only=None):
        super().__init__(world, out)
        self.only = only  # the scenarios it runs in (a set of ids), or None for all

    def fork_count(self, host_count):
        return max(1, host_count)
