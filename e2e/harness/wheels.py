"""Pure-Python wheels built with the standard library, for a wheelhouse where no index is reachable.

A wheel is a zip: the package's files, and a .dist-info directory with METADATA, WHEEL and a
RECORD of every file's sha256, which pip checks on install.
"""
import base64
import hashlib
import os
import zipfile

_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same sources make the same bytes


def build(name, version, files, wheelhouse, build_tag=None):
    """Writes <name>-<version>[-<build_tag>]-py3-none-any.whl holding files ({path in the wheel: bytes});
    returns its path. Of two wheels of one version, pip prefers the one with the higher build tag."""
    dist = name.replace("-", "_")
    info = "%s-%s.dist-info/" % (dist, version)
    entries = dict(files)
    entries[info + "METADATA"] = ("Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version)).encode()
    entries[info + "WHEEL"] = ("Wheel-Version: 1.0\nGenerator: trueup-e2e\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
                               + ("Build: %s\n" % build_tag if build_tag else "")).encode()
    record = "".join("%s,sha256=%s,%d\n" % (path, _digest(data), len(data)) for path, data in entries.items())
    entries[info + "RECORD"] = (record + info + "RECORD,,\n").encode()
    os.makedirs(wheelhouse, exist_ok=True)
    tag = "-%s" % build_tag if build_tag else ""
    path = os.path.join(wheelhouse, "%s-%s%s-py3-none-any.whl" % (dist, version, tag))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name_in_wheel, data in entries.items():
            wheel.writestr(zipfile.ZipInfo(name_in_wheel, _EPOCH), data)
    return path


def greeting(source_dir, version, wheelhouse, hello=None, build_tag=None):
    """The app's one dependency, `greeting`, built from e2e/app/libs/greeting at `version`.

    hello replaces what greeting.hello() returns (by default "hello from greeting <version>").
    """
    with open(os.path.join(source_dir, "greeting", "__init__.py")) as f:
        text = f.read()
    text = text.replace("hello from greeting 1.0", hello or "hello from greeting %s" % version)
    return build("greeting", version, {"greeting/__init__.py": text.encode()}, wheelhouse, build_tag)


def _digest(data):
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
