"""Reading and loading pickle-bearing artefacts through one parse and one construction policy.

``reader`` turns the bytes (plain pickles, joblib containers with their compressors and raw arrays,
PyTorch archives) into a graph of placeholders without importing or calling anything; ``judge``
checks every node of that graph against ``table`` (which classes may be built, which callables
called, with which arguments); ``build`` turns a graph the judge passed into real objects, under the
audit-hook ``guard``. The card's inspection and the load are the same parse of the same bytes.
"""
