"""Which pickle globals count as trusted: numpy, scipy, scikit-learn and a few safe builtins.

One list, used both to report what an artefact refers to and (later) to gate loading.
"""

from __future__ import annotations

SAFE_BUILTINS = frozenset(
    f"builtins.{n}"
    for n in [
        "set",
        "frozenset",
        "slice",
        "complex",
        "bytearray",
        "range",
        "dict",
        "list",
        "tuple",
        "int",
        "float",
        "str",
        "bytes",
        "bool",
        "object",
    ]
)
SAFE_EXACT = SAFE_BUILTINS | {
    "copyreg._reconstructor",
    "collections.OrderedDict",
    "collections.defaultdict",
    "_codecs.encode",
    "joblib.numpy_pickle.NumpyArrayWrapper",
}
SAFE_PREFIXES = ("numpy.", "scipy.", "sklearn.")
# Inside the trusted packages, names that read files, run code or reach the network.
DENIED = frozenset(
    {
        "numpy.load",
        "numpy.loadtxt",
        "numpy.fromfile",
        "numpy.genfromtxt",
        "numpy.memmap",
        "numpy.lib.npyio.load",
        "numpy.testing._private.utils.runstring",
        "scipy.io.loadmat",
    }
)


def is_trusted(qualname: str) -> bool:
    if qualname in DENIED:
        return False
    if qualname in SAFE_EXACT:
        return True
    return qualname.startswith(SAFE_PREFIXES) and ".externals." not in qualname
