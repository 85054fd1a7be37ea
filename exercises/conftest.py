"""The one fixture every check uses: the module under test, loaded fresh for each check."""

import importlib.util
import os
import sys
from pathlib import Path

import pytest


def load_module(path):
    """Import a file as a fresh module (no caching between checks, so no state leaks)."""
    spec = importlib.util.spec_from_file_location("exercise_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["exercise_under_test"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def ex(request):
    """The module under test: $EXERCISE_MODULE, else the exercise.py beside the check."""
    path = os.environ.get("EXERCISE_MODULE") or Path(request.path).with_name("exercise.py")
    return load_module(path)
