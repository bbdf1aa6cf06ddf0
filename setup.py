"""Build the two extension modules: ngramkit._core (pybind11, csrc/) and ngramkit.ingest._ingest (Cython,
src/ngramkit/ingest/_ingest.pyx)."""
import os
import platform
import sys
from glob import glob

import numpy as np
from Cython.Build import cythonize
from pybind11.setup_helpers import ParallelCompile, Pybind11Extension, build_ext
from setuptools import Extension, setup

ParallelCompile("NPY_NUM_BUILD_JOBS").install()

WARNINGS = ["-Wall", "-Wextra"]
EXTRA = os.environ.get("NGRAMKIT_EXTRA_CFLAGS", "").split()
EXTRA_LINK = os.environ.get("NGRAMKIT_EXTRA_LDFLAGS", "").split()
# -ffp-contract=off: no fused multiply-add, so every float operation rounds as Python's does.
OPT = [] if sys.platform == "win32" else ["-O3", "-ffp-contract=off"]
# POPCNT (every x86-64 CPU since 2008-2011) speeds up the LCS kernels; NGRAMKIT_PORTABLE=1 leaves it out.
if platform.machine().lower() in ("x86_64", "amd64") and sys.platform != "win32" and not os.environ.get("NGRAMKIT_PORTABLE"):
    OPT.append("-mpopcnt")

core = Pybind11Extension(
    "ngramkit._core",
    sources=sorted(glob("csrc/bindings/*.cpp")),  # one file per layer + module.cpp
    depends=sorted(glob("csrc/**/*.hpp", recursive=True)),  # rebuild when a kernel header changes
    include_dirs=["csrc"],
    cxx_std=17,
    extra_compile_args=WARNINGS + OPT + EXTRA,
    extra_link_args=EXTRA_LINK,
)

ingest = Extension(
    "ngramkit.ingest._ingest",
    sources=["src/ngramkit/ingest/_ingest.pyx"],
    include_dirs=[np.get_include()],
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    extra_compile_args=OPT + EXTRA,
    extra_link_args=EXTRA_LINK,
)

setup(
    ext_modules=[core] + cythonize([ingest], language_level=3),
    cmdclass={"build_ext": build_ext},
)
