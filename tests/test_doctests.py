"""Every docstring example in kg/ runs and gives what it shows (the modules' own tests cover some
of them again; this one makes sure none is forgotten)."""

import doctest
import importlib
import pkgutil

import pytest

import kg

MODULES = sorted(info.name for info in pkgutil.walk_packages(kg.__path__, "kg."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0
