// SPDX-License-Identifier: Apache-2.0
// The extension module ngramkit._core: private, the Python package is the public API. The files of
// csrc/bindings/ are the only ones of csrc/ that include Python headers; each binds one layer.
#include <pybind11/pybind11.h>

#include "bindings/binders.hpp"

PYBIND11_MODULE(_core, m) {
    m.doc() = "ngramkit compiled kernels (private; use the ngramkit package API).";
    namespace nb = ngramkit::bindings;
    nb::bind_ingest(m);
    nb::bind_text(m);
    nb::bind_rouge(m);
    nb::bind_rouge_matrix(m);
    nb::bind_bleu(m);
    nb::bind_chrf(m);
    nb::bind_ter(m);
    nb::bind_stats(m);
    nb::bind_error_rates(m);
    nb::bind_pairwise(m);
}
