"""The demo app's one dependency, installed from a wheel in the app's wheelhouse."""


def hello():
    return "hello from greeting 1.0"
